"""Refitting a model on a user's own data, in minutes and without PyTorch.

The base model's statistics, candidate table, context model and token model are kept as they are
(their files are copied byte for byte); what is refitted is what a domain changes most: the
document classifiers and their thresholds.

- ``spun_text``: the user's labeled documents, the user's clean text, and spun variants of that
  clean text by the project's spinner (so the classifier keeps seeing spinner output in the
  user's own domain). With ``data``, news articles of the bundled recipe and their spun variants
  join as anchors, so the refit does not forget the news it was built on.
- ``machine_paraphrase``: refitted only when some labeled documents judge it.
- Labeled and clean documents are split by document into a part to fit and a held-out part; the
  thresholds are chosen on the held-out clean documents, and both models are compared there
  (and, with ``data``, on the project's own benchmarks). A refit that does worse is said so."""
from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from tqdm import tqdm

from detector.artifact import MODELS_GROUP, read_artifact, write_on_base
from detector.features import FEATURE_NAMES
from detector.machine_paraphrase import CATEGORY as MACHINE_CATEGORY
from detector.machine_paraphrase import FEATURE_NAMES as MACHINE_FEATURE_NAMES
from detector.machine_paraphrase import FOREST_PREFIX
from detector.scoring import CATEGORY, DOCUMENT_PREFIX, TORTURED_PHRASES_FILE, Detector, document_probability
from detector.settings import Settings
from detector.text import token_forms, tokenize
from detector.thresholds import LengthThresholds, lowest_threshold
from detector.training.compile import compile_forest
from detector.training.corpora import Article, read_articles, split_of
from detector.training.machine_paraphrase import MAX_FALSE_POSITIVE_RATE as MACHINE_MAX_FALSE_POSITIVE_RATE
from detector.training.machine_paraphrase import attribute_classifier
from detector.training.model_card import write_refit_card
from detector.training.recipe import MAX_FALSE_POSITIVE_RATE, TrainingConfig, document_classifier, labelled
from detector.training.thesaurus import Thesaurus
from detector.training.user_data import LabeledDocument, TrainingDataError, read_clean, read_labeled

HELD_OUT_SHARE = 0.25
MIN_PER_CLASS = 10  # documents of each class to fit an attribute's classifier
MIN_THRESHOLD_NEGATIVES = 30  # held-out clean documents to choose a threshold on
ANCHOR_ARTICLES = 600  # news articles of the bundled recipe (each with a spun variant) kept in a refit with data
BENCHMARK_ARTICLES = 100  # held-out news articles per spin benchmark of the before/after comparison
WORSE_BY = 0.005  # a drop in ROC AUC or recall, or a rise in false positives, larger than this is "worse"


@dataclass
class RefitConfig:
    base: str
    output: str
    labeled: list[str] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)
    data: str | None = None  # the shared data folder: anchors and the project's benchmarks
    seed: int = 13
    version: str | None = None
    command: str = ""


@dataclass
class Part:
    """Texts with their labels for one attribute (1 rewritten by a machine)."""

    texts: list[str] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)

    def add(self, texts: list[str], labels: list[int]) -> None:
        self.texts += texts
        self.labels += labels

    def count(self, label: int) -> int:
        return sum(1 for value in self.labels if value == label)


@dataclass
class UserData:
    """The user's documents split by document into a part to fit and a held-out part."""

    fit: list[LabeledDocument]
    held_out: list[LabeledDocument]
    clean_fit: list[str]
    clean_held_out: list[str]

    def labeled_part(self, attribute: str, held_out: bool) -> Part:
        documents = self.held_out if held_out else self.fit
        judged = [d for d in documents if attribute in d.labels]
        return Part([d.text for d in judged], [d.labels[attribute] for d in judged])

    def held_out_negatives(self, attribute: str) -> list[str]:
        """Held-out texts known not to be rewritten in this way: labeled 0, and the clean text."""
        part = self.labeled_part(attribute, held_out=True)
        return [text for text, label in zip(part.texts, part.labels) if label == 0] + self.clean_held_out


def split_user_data(labeled: list[LabeledDocument], clean: list[str], seed: int) -> UserData:
    """Each document on one side only; labeled documents split within each combination of labels."""
    rng = random.Random(seed)
    by_labels: dict[str, list[LabeledDocument]] = {}
    for document in labeled:
        by_labels.setdefault(json.dumps(document.labels, sort_keys=True), []).append(document)
    fit, held_out = [], []
    for group in by_labels.values():
        rng.shuffle(group)
        cut = round(len(group) * HELD_OUT_SHARE)
        held_out += group[:cut]
        fit += group[cut:]
    clean = list(clean)
    rng.shuffle(clean)
    cut = round(len(clean) * HELD_OUT_SHARE)
    return UserData(fit, held_out, clean[cut:], clean[:cut])


@dataclass
class Anchors:
    """News of the bundled recipe: training articles to fit with, validation articles to hold out."""

    fit: list[Article] = field(default_factory=list)
    held_out: list[Article] = field(default_factory=list)
    test: list[Article] = field(default_factory=list)


def project_anchors(data: str | None, seed: int) -> Anchors:
    """Up to ``ANCHOR_ARTICLES`` news articles of each split of the recipe's news files."""
    if not data:
        return Anchors()
    rng = random.Random(seed)
    splits: dict[str, list[Article]] = {"train": [], "validation": [], "test": []}
    for name in ("bbc.jsonl", "reuters_train.jsonl"):
        for article in read_articles(Path(data) / "news" / name):
            if split_of(article.id) in splits and len(article.text.split()) >= 50:
                splits[split_of(article.id)].append(article)
    for articles in splits.values():
        rng.shuffle(articles)
    return Anchors(splits["train"][:ANCHOR_ARTICLES], splits["validation"][:ANCHOR_ARTICLES], splits["test"])


def require(condition: bool, message: str) -> None:
    if not condition:
        raise TrainingDataError(message)


def check_enough(attribute: str, fit: Part, negatives: list[str]) -> None:
    """Enough documents of each class to fit on, and held-out negatives to choose a threshold on."""
    require(fit.count(0) >= MIN_PER_CLASS and fit.count(1) >= MIN_PER_CLASS,
            f"too few documents to fit {attribute}: {fit.count(1)} rewritten and {fit.count(0)} not to fit with, "
            f"at least {MIN_PER_CLASS} of each needed (add labeled documents or clean text)")
    require(len(negatives) >= MIN_THRESHOLD_NEGATIVES,
            f"too few documents to set a threshold for {attribute}: {len(negatives)} held-out documents that are "
            f"not rewritten, at least {MIN_THRESHOLD_NEGATIVES} needed ({HELD_OUT_SHARE:.0%} of the clean text and "
            f"of the labeled documents are held out)")


def featurize(detector: Detector, texts: list[str], desc: str) -> tuple[np.ndarray, np.ndarray]:
    """spun_text document features and word counts, with the base model's evidence."""
    analyses = [detector.engine.analyze(text) for text in tqdm(texts, desc=desc, unit=" docs", mininterval=1, disable=None)]
    features = np.vstack([a.features for a in analyses]) if analyses else np.zeros((0, len(FEATURE_NAMES)))
    return features, np.array([a.num_words for a in analyses], dtype=int)


def machine_features(detector: Detector, texts: list[str], desc: str) -> np.ndarray:
    rows = []
    for text in tqdm(texts, desc=desc, unit=" docs", mininterval=1, disable=None):
        tokens = tokenize(text)
        rows.append(detector.machine.features(text, tokens, token_forms(text, tokens)))
    return np.vstack(rows) if rows else np.zeros((0, len(MACHINE_FEATURE_NAMES)))


def refit_spun_text(base: Detector, data: UserData, anchors: Anchors, seed: int):
    """The new spun_text classifier, its thresholds and what the manifest records of them."""
    labeled = data.labeled_part(CATEGORY, held_out=False)
    fit = Part(list(labeled.texts), list(labeled.labels))
    recipe, thesaurus = TrainingConfig(news=[]), Thesaurus.load()
    clean = [Article(f"clean:{k}", text) for k, text in enumerate(data.clean_fit)]
    fit.add(*labelled(clean + anchors.fit, recipe, [thesaurus], seed))  # each clean text and a spun variant
    negatives = data.held_out_negatives(CATEGORY) + [a.text for a in anchors.held_out]
    check_enough(CATEGORY, fit, negatives)
    features, _ = featurize(base, fit.texts, "spun_text features")
    classifier = document_classifier(seed).fit(features, np.array(fit.labels))
    clean_features, words = featurize(base, negatives, "spun_text threshold")
    thresholds = LengthThresholds.choose(document_probability(classifier, clean_features), words,
                                         MAX_FALSE_POSITIVE_RATE)
    record = {"fitted_on": {"spun": fit.count(1), "clean": fit.count(0), "anchor_articles": len(anchors.fit)},
              "threshold_clean_documents": len(negatives), "max_false_positive_rate": MAX_FALSE_POSITIVE_RATE}
    return compile_forest(classifier, FEATURE_NAMES), thresholds, record


def refit_machine_paraphrase(base: Detector, data: UserData, anchors: Anchors, seed: int):
    """The new machine_paraphrase classifier and threshold, or None when no document judges it."""
    labeled = data.labeled_part(MACHINE_CATEGORY, held_out=False)
    if not labeled.texts:
        return None, None, {"refitted": False, "why": "no labeled document judges machine_paraphrase"}
    fit = Part(list(labeled.texts), list(labeled.labels))
    fit.add(data.clean_fit + [a.text for a in anchors.fit], [0] * (len(data.clean_fit) + len(anchors.fit)))
    negatives = data.held_out_negatives(MACHINE_CATEGORY) + [a.text for a in anchors.held_out]
    check_enough(MACHINE_CATEGORY, fit, negatives)
    classifier = attribute_classifier(seed).fit(machine_features(base, fit.texts, "machine_paraphrase features"),
                                                np.array(fit.labels))
    scores = classifier.predict_proba(machine_features(base, negatives, "machine_paraphrase threshold"))[:, 1]
    threshold = lowest_threshold(scores, MACHINE_MAX_FALSE_POSITIVE_RATE)
    record = {"refitted": True, "fitted_on": {"machine": fit.count(1), "not_machine": fit.count(0)},
              "threshold_documents": len(negatives), "max_false_positive_rate": MACHINE_MAX_FALSE_POSITIVE_RATE}
    return compile_forest(classifier, MACHINE_FEATURE_NAMES), threshold, record


def refit(config: RefitConfig) -> Path:
    """Refit the base model on the user's data into ``config.output``; returns the folder."""
    started = time.time()
    base = Detector.load(config.base, Settings(model_path=config.base))
    labeled, clean = read_labeled(config.labeled), [d.text for d in read_clean(config.clean)]
    require(bool(labeled or clean), "nothing to refit on: give --labeled and/or --clean")
    _check_classes(labeled)
    data = split_user_data(labeled, clean, config.seed)
    anchors = project_anchors(config.data, config.seed)
    document, thresholds, spun_record = refit_spun_text(base, data, anchors, config.seed)
    machine, machine_threshold, machine_record = refit_machine_paraphrase(base, data, anchors, config.seed)
    folder = _write(base, config, document, thresholds, machine, machine_threshold,
                    {CATEGORY: spun_record, MACHINE_CATEGORY: machine_record}, data, started)
    refitted = Detector.load(folder, Settings(model_path=str(folder)))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["refit"]["before_after"] = compare(base, refitted, data, anchors, config.seed)
    manifest["refit"]["seconds"] = round(time.time() - started, 1)
    artifact = read_artifact(folder)
    (folder / "manifest.json").write_text(json.dumps({**artifact.manifest, "refit": manifest["refit"]}, indent=2,
                                                     sort_keys=True) + "\n")
    write_refit_card(folder, {**artifact.manifest, "refit": manifest["refit"]})
    return folder


def _check_classes(labeled: list[LabeledDocument]) -> None:
    """An attribute judged only one way teaches nothing about the other."""
    for attribute in (CATEGORY, MACHINE_CATEGORY):
        values = {d.labels[attribute] for d in labeled if attribute in d.labels}
        require(len(values) != 1, f"all labeled documents are of one class for {attribute} (all "
                                  f"{'1' if 1 in values else '0'}): label both kinds, or leave the attribute out")


def _write(base: Detector, config: RefitConfig, document, thresholds: LengthThresholds, machine, machine_threshold,
           records: dict, data: UserData, started: float) -> Path:
    """The refitted artifact: the base's arrays kept, its models replaced where refitted."""
    base_artifact = read_artifact(config.base)
    models = {key: value for key, value in base_artifact.arrays.items() if key.startswith(("token_", "machine_"))}
    models.update(document.to_arrays(DOCUMENT_PREFIX))
    if machine is not None:
        models.update(machine.to_arrays(FOREST_PREFIX))
    manifest = {key: value for key, value in base.manifest.items() if key not in ("files", "metrics", "refit")}
    machine_record = {**base.manifest[MACHINE_CATEGORY],
                      "threshold": machine_threshold if machine is not None else base.machine.threshold}
    manifest.update({
        "version": config.version or f"{base.version}+refit.{datetime.now(timezone.utc):%Y%m%d%H%M}",
        "thresholds_by_length": thresholds.to_list(), MACHINE_CATEGORY: machine_record,
        "metrics": base.manifest["metrics"],  # the base's own figures; the refit's are under refit
        "refit": {"base": {"path": config.base, "version": base.version}, "command": config.command,
                  "seed": config.seed, "labeled": config.labeled, "clean": config.clean, "data": config.data,
                  "documents": {"labeled_fit": len(data.fit), "labeled_held_out": len(data.held_out),
                                "clean_fit": len(data.clean_fit), "clean_held_out": len(data.clean_held_out)},
                  "attributes": records, "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "seconds_to_fit": round(time.time() - started, 1)},
    })
    write_on_base(config.output, base_artifact, {MODELS_GROUP: models}, manifest, (TORTURED_PHRASES_FILE,))
    return Path(config.output)


def compare(base: Detector, refitted: Detector, data: UserData, anchors: Anchors, seed: int) -> dict:
    """Both models on the user's held-out documents and, with anchors, on the project's news."""
    from detector.evaluation.comparison import compare_models

    return compare_models({"base": base, "refit": refitted}, user_held_out(data), anchors.test[:BENCHMARK_ARTICLES],
                          seed, WORSE_BY)


def user_held_out(data: UserData) -> list[dict]:
    """The held-out documents as labeled records: labeled ones, and the clean text as not rewritten."""
    records = [{"text": d.text, "labels": d.labels, "subset": "labeled"} for d in data.held_out]
    return records + [{"text": text, "labels": {CATEGORY: 0}, "subset": "clean text"} for text in data.clean_held_out]
