"""Transfer of the machine_paraphrase recipe to rewriter families it was not trained on.

    python benchmarks/machine_paraphrase_transfer.py --data ../shared/data [--model DIR] [--limit 3000]
    python benchmarks/machine_paraphrase_transfer.py --data ../shared/data --language-pairs --limit 500 \
        --output benchmarks/results/machine_paraphrase_transfer_language_pairs.json

Three families of rewrites, each with human text of its own kind: WMT21 machine translations
against the human references (news), ChatGPT "polish" of ACL abstracts against the abstracts, and
QuillBot output against human answers to the same course questions. Each family is split 70/30
by source document, pair or question, so no source is on both sides. For each family held out,
the attribute is trained on the other families' training parts (with held-out-split native news as
extra negatives) and tested on the held-out family's test part (ROC AUC); "all families" trains on
every training part and tests on each family, for comparison. With ``--language-pairs`` each
WMT21 language pair is a family: holding one out trains on the other pairs (and the other
families) and tests on a language, and so on the topics of its news, never seen.

Feature sets: the document style features alone; style with the score of a lexical n-gram model
(the recipe of 1.12.0) or of one over the function-word skeleton alone (the lexical regression is
fitted on one half of the training rows and the classifier on the other); the predictability
profile under the context model (``detector.predictability``); and all document blocks (style,
predictability, spun_text's swap evidence per word), once as they are and once keeping only the
features whose direction every training family agrees on, with the classifier held to that
direction (no figures where no feature qualifies); and the phrasing profile (``detector.phrasing``)
under a lexicon with one kind per training family, learned on one half of the training rows like
the lexical model. The report also gives the own ROC AUC of each document feature that the chosen
feature sets use, on each family's test part.
Every text is typed plainly first (straight quotes, one space)."""
from __future__ import annotations

import argparse
import json
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from detector import Detector
from detector.evaluation.reports import write_report
from detector.phrasing import PhrasingLexicon
from detector.predictability import PREDICTABILITY_FEATURE_NAMES, Predictability
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import token_forms, tokenize
from detector.training.corpora import read_jsonl, split_of, typed_plainly
from detector.training.lexical import lexical_model
from detector.training.machine_paraphrase import attribute_classifier
from detector.training.phrasing import phrasing_lexicon
from detector.training.recipe import classifier_pools, default_config
from detector.training.translations import read_translations

SPLITS = (("train", 70), ("test", 30))
NATIVE = ("bbc:", "reuters_train:", "news_allsides:")
LEXICAL_C = 0.03
SWAP_SIGNALS = ("expected_swaps", "swaps_over_0.5", "scored_words")  # spun_text's evidence, per word
BLOCK_FEATURES = {"style": STYLE_FEATURE_NAMES, "predictability": PREDICTABILITY_FEATURE_NAMES, "swaps": SWAP_SIGNALS}
ALL_BLOCKS = tuple(BLOCK_FEATURES)


@dataclass(frozen=True)
class FeatureSet:
    blocks: tuple[str, ...]                 # document feature blocks
    lexical: tuple[str, ...] | None = None  # n-gram blocks of a lexical model whose score joins them
    invariant: bool = False                 # keep only features that point one way in every training family
    phrasing: bool = False                  # the phrasing profile under a lexicon of each training family


FEATURE_SETS = {
    "style": FeatureSet(("style",)),
    "style + lexical": FeatureSet(("style",), ("words", "skeleton", "characters")),
    "style + skeleton only": FeatureSet(("style",), ("skeleton",)),  # content words as suffixes
    "predictability": FeatureSet(("predictability",)),
    "style + predictability": FeatureSet(("style", "predictability")),
    "all blocks": FeatureSet(ALL_BLOCKS),
    "all blocks, invariant": FeatureSet(ALL_BLOCKS, invariant=True),
    "phrasing": FeatureSet((), phrasing=True),
    "phrasing + predictability": FeatureSet(("predictability",), phrasing=True),
    "style + phrasing + predictability": FeatureSet(("style", "predictability"), phrasing=True),
    "style + lexical + phrasing": FeatureSet(("style",), ("words", "skeleton", "characters"), phrasing=True),
}
INVARIANT_MARGIN = 0.05  # a kept feature's ROC AUC is at least this far from 0.5, on the same side, in every family
MIN_WORDS = 50


def families(data: Path, config, by_language_pair: bool = False) -> dict[str, list[tuple[str, int, str]]]:
    """(text, label, group) rows of each family; the group keeps a source on one side of the split.
    ``by_language_pair`` makes each WMT21 language pair a family of its own."""
    translations = [t for path in config.machine_translations for t in read_translations(path)]
    wmt = {}
    for t in translations:
        wmt.setdefault(f"WMT21 {t.pair}" if by_language_pair else "WMT21 machine translation", []).append(
            (t.text, t.label, t.source))
    hppt = [(r["text"], int(r["label"] != "human"), r["pair_id"])
            for r in read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl")]
    quillbot = [(r["text"], int(r["label"] == "machine_paraphrase"), (r["pair_id"] or r["id"]).rsplit("-", 1)[0])
                for r in read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
                if r["label"] != "machine_generated"]
    return {**dict(sorted(wmt.items())), "ChatGPT polish": hppt, "QuillBot": quillbot}


def split(rows, limit: int, rng: random.Random) -> dict[str, list[tuple[str, int]]]:
    rows = [(typed_plainly(text), label, group) for text, label, group in rows if len(text.split()) >= MIN_WORDS]
    rng.shuffle(rows)
    parts = {"train": [], "test": []}
    for text, label, group in rows:
        parts[split_of(group, SPLITS)].append((text, label))
    return {name: part[:limit] for name, part in parts.items()}


class FeatureCache:
    """The document feature blocks of each text, each computed once, when first asked for."""

    def __init__(self, detector: Detector):
        substitutions = detector.engine.substitutions
        self.detector, self.stats = detector, substitutions.stats
        self.predictability = Predictability(substitutions.context_model)
        self.rows: dict[tuple[str, str], np.ndarray] = {}

    def __call__(self, texts: list[str], blocks: tuple[str, ...]) -> np.ndarray:
        for block in blocks:
            missing = [t for t in dict.fromkeys(texts) if (t, block) not in self.rows]
            for text in tqdm(missing, desc=f"{block} features", unit=" docs", mininterval=10):
                self.rows[text, block] = self._block(text, block)
        return np.vstack([np.concatenate([self.rows[t, block] for block in blocks] or [np.zeros(0)]) for t in texts])

    def _block(self, text: str, block: str) -> np.ndarray:
        if block == "swaps":
            signals, words = self.detector.score(text).signals, max(1, len(text.split()))
            return np.array([signals.get(name, 0) / words for name in SWAP_SIGNALS])
        tokens = tokenize(text)
        forms = token_forms(text, tokens)
        if block == "style":
            return style_features(tokens, forms, self.stats)
        return self.predictability.features(self.stats.ids(forms), forms, np.array([t.sentence for t in tokens]))


def invariant_directions(families: dict[str, list[tuple[str, int]]], documents: FeatureCache,
                         blocks: tuple[str, ...]) -> np.ndarray:
    """Per feature: +1 or -1 where it ranks rewrites above (below) human text of their kind in every
    training family by at least ``INVARIANT_MARGIN`` of ROC AUC, else 0 (the feature is dropped)."""
    aucs = np.array([[roc_auc_score([y for _, y in rows], column) for column in documents([t for t, _ in rows], blocks).T]
                     for rows in families.values()])
    up, down = (aucs >= 0.5 + INVARIANT_MARGIN).all(axis=0), (aucs <= 0.5 - INVARIANT_MARGIN).all(axis=0)
    return up.astype(int) - down.astype(int)


def fit_and_score(train: dict[str, list[tuple[str, int]]], native: list[tuple[str, int]],
                  tests: dict[str, list[tuple[str, int]]], documents: FeatureCache, feature_set: FeatureSet,
                  seed: int) -> dict[str, float | None]:
    """ROC AUC on each test set of an attribute trained on the ``train`` families and native news,
    with the document feature blocks of ``feature_set`` and, if it names one, the score of a lexical
    model over its n-gram blocks. An invariant set keeps only the features whose direction all
    training families agree on, and constrains the classifier to that direction."""
    rng = random.Random(seed)
    rows = native + [row for part in train.values() for row in part]
    rng.shuffle(rows)
    half = len(rows) // 2 if feature_set.lexical or feature_set.phrasing else 0
    texts, labels = [t for t, _ in rows[half:]], np.array([y for _, y in rows[half:]])
    directions = (invariant_directions(train, documents, feature_set.blocks) if feature_set.invariant
                  else np.zeros(len(documents(texts[:1], feature_set.blocks)[0]), dtype=int))
    keep = np.flatnonzero(directions) if feature_set.invariant else np.arange(len(directions))
    if feature_set.invariant and not len(keep):  # no feature points one way in every training family
        return dict.fromkeys(tests)
    model = lexicon = None
    if feature_set.lexical:
        model = lexical_model(LEXICAL_C, feature_set.lexical).fit([t for t, _ in rows[:half]], [y for _, y in rows[:half]])
    if feature_set.phrasing:
        lexicon = family_lexicon(train, {t for t, _ in rows[:half]})

    def features(texts: list[str]) -> np.ndarray:
        columns = [documents(texts, feature_set.blocks)[:, keep]]
        if lexicon is not None:
            columns.insert(0, np.vstack([lexicon.features(t) for t in texts]))
        if model is not None:
            columns.insert(0, model.decision_function(texts)[:, None])
        return np.hstack(columns)

    constraints = ([1] if model is not None else []) + [0] * (len(lexicon.feature_names) if lexicon else 0) + list(directions[keep])
    classifier = attribute_classifier(seed).set_params(monotonic_cst=constraints if any(constraints) else None)
    classifier.fit(features(texts), labels)
    return {name: round(float(roc_auc_score([y for _, y in part], classifier.predict_proba(features([t for t, _ in part]))[:, 1])), 4)
            for name, part in tests.items()}


def family_lexicon(train: dict[str, list[tuple[str, int]]], fitting: set[str]) -> PhrasingLexicon:
    """A phrasing lexicon with one kind per training family, learned from its rows in ``fitting``."""
    return phrasing_lexicon({name: [(t, y) for t, y in part if t in fitting] for name, part in train.items()})


def single_feature_aucs(tests: dict[str, list[tuple[str, int]]], documents: FeatureCache,
                        blocks: tuple[str, ...]) -> dict[str, dict]:
    """Each document feature of ``blocks`` alone as a score, on each family's test part: which
    features point the same way in every family."""
    names = [name for block in blocks for name in BLOCK_FEATURES[block]]
    table = {}
    for family, rows in tests.items():
        columns = documents([t for t, _ in rows], blocks).T
        table[family] = {name: round(float(roc_auc_score([y for _, y in rows], column)), 3)
                         for name, column in zip(names, columns)}
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None, help="the model whose statistics, context model and spun_text evidence the features use")
    parser.add_argument("--limit", type=int, default=3000, help="rows of each family's train and test parts")
    parser.add_argument("--language-pairs", action="store_true",
                        help="each WMT21 language pair a family of its own, held out in turn")
    parser.add_argument("--feature-sets", nargs="+", choices=FEATURE_SETS, default=list(FEATURE_SETS))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/machine_paraphrase_transfer.json")
    args = parser.parse_args()

    started, rng, data = time.time(), random.Random(args.seed), Path(args.data)
    config = default_config(args.data, output="unused")
    parts = {name: split(rows, args.limit, rng) for name, rows in families(data, config, args.language_pairs).items()}
    native = [(typed_plainly(a.text), 0) for a in classifier_pools(config).validation if a.id.startswith(NATIVE)]
    native = rng.sample(native, min(1000, len(native)))
    tests = {name: part["test"] for name, part in parts.items()}
    documents = FeatureCache(Detector.load(args.model))
    report = {"sizes": {name: {k: len(v) for k, v in part.items()} for name, part in parts.items()}, "roc_auc": {}}
    for features in args.feature_sets:
        table = {}
        for held_out in [*parts, None]:
            train = {name: part["train"] for name, part in parts.items() if name != held_out}
            scores = fit_and_score(train, native, tests, documents, FEATURE_SETS[features], args.seed)
            table[f"without {held_out}" if held_out else "all families"] = scores
            print(features, held_out, json.dumps(scores), flush=True)
        report["roc_auc"][features] = table
    used = tuple(block for block in ALL_BLOCKS if any(block in FEATURE_SETS[name].blocks for name in args.feature_sets))
    report["single_feature_roc_auc"] = single_feature_aucs(tests, documents, used)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)


if __name__ == "__main__":
    main()
