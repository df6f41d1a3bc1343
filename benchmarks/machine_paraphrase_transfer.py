"""Transfer of the machine_paraphrase recipe to rewriter families it was not trained on.

    python benchmarks/machine_paraphrase_transfer.py --data ../shared/data [--model DIR] [--limit 3000]

Three families of rewrites, each with human text of its own kind: WMT21 machine translations
against the human references (news), ChatGPT "polish" of ACL abstracts against the abstracts, and
QuillBot output against human answers to the same course questions. Each family is split 70/30
by source document, pair or question, so no source is on both sides. For each family held out,
the attribute is trained on the other families' training parts (with held-out-split native news as
extra negatives) and tested on the held-out family's test part (ROC AUC); "all families" trains on
every training part and tests on each family, for comparison. Feature sets: the document style
features alone, style with the lexical n-gram score (the recipe of 1.12.0), and style with a
lexical score over the function-word skeleton alone (no content words); the lexical
regression is fitted on one half of the training rows and the classifier on the other, so neither
sees its own training scores. Every text is typed plainly first (straight quotes, one space)."""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from detector.artifact import read_artifact
from detector.evaluation.reports import write_report
from detector.lm import NgramStats
from detector.settings import Settings
from detector.training.corpora import read_jsonl, split_of, typed_plainly
from detector.training.lexical import lexical_model
from detector.training.machine_paraphrase import attribute_classifier, style_matrix
from detector.training.recipe import classifier_pools, default_config
from detector.training.translations import read_translations

SPLITS = (("train", 70), ("test", 30))
NATIVE = ("bbc:", "reuters_train:", "news_allsides:")
LEXICAL_C = 0.03
FEATURE_SETS = {  # name: the lexical n-gram blocks whose score joins the style features (None: none)
    "style": None,
    "style + lexical": ("words", "skeleton", "characters"),
    "style + skeleton only": ("skeleton",),  # function words and punctuation, content words as suffixes
}
MIN_WORDS = 50


def families(data: Path, config) -> dict[str, list[tuple[str, int, str]]]:
    """(text, label, group) rows of each family; the group keeps a source on one side of the split."""
    wmt = [(t.text, t.label, t.source) for path in config.machine_translations for t in read_translations(path)]
    hppt = [(r["text"], int(r["label"] != "human"), r["pair_id"])
            for r in read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl")]
    quillbot = [(r["text"], int(r["label"] == "machine_paraphrase"), (r["pair_id"] or r["id"]).rsplit("-", 1)[0])
                for r in read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
                if r["label"] != "machine_generated"]
    return {"WMT21 machine translation": wmt, "ChatGPT polish": hppt, "QuillBot": quillbot}


def split(rows, limit: int, rng: random.Random) -> dict[str, list[tuple[str, int]]]:
    rows = [(typed_plainly(text), label, group) for text, label, group in rows if len(text.split()) >= MIN_WORDS]
    rng.shuffle(rows)
    parts = {"train": [], "test": []}
    for text, label, group in rows:
        parts[split_of(group, SPLITS)].append((text, label))
    return {name: part[:limit] for name, part in parts.items()}


class FeatureCache:
    """Style features of each text, computed once."""

    def __init__(self, stats: NgramStats):
        self.stats = stats
        self.rows: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.rows]
        if missing:
            self.rows.update(zip(missing, style_matrix(missing, self.stats, "style features")))
        return np.vstack([self.rows[t] for t in texts])


def fit_and_score(train: list[tuple[str, int]], tests: dict[str, list[tuple[str, int]]], style: FeatureCache,
                  lexical: tuple[str, ...] | None, seed: int) -> dict[str, float]:
    """ROC AUC on each test set of an attribute trained on ``train``, with the style features and,
    unless ``lexical`` is None, the score of a lexical model over the n-gram blocks it names."""
    rng = random.Random(seed)
    train = train[:]
    rng.shuffle(train)
    half = len(train) // 2 if lexical else 0
    texts, labels = [t for t, _ in train[half:]], np.array([y for _, y in train[half:]])
    features = style(texts)
    model = None
    if lexical:
        model = lexical_model(LEXICAL_C, lexical).fit([t for t, _ in train[:half]], [y for _, y in train[:half]])
        features = np.column_stack([model.decision_function(texts), features])
    classifier = attribute_classifier(seed) if lexical else attribute_classifier(seed).set_params(monotonic_cst=None)
    classifier.fit(features, labels)
    result = {}
    for name, rows in tests.items():
        test_texts, test_labels = [t for t, _ in rows], [y for _, y in rows]
        test_features = style(test_texts)
        if model is not None:
            test_features = np.column_stack([model.decision_function(test_texts), test_features])
        result[name] = round(float(roc_auc_score(test_labels, classifier.predict_proba(test_features)[:, 1])), 4)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None, help="whose n-gram statistics the style features use")
    parser.add_argument("--limit", type=int, default=3000, help="rows of each family's train and test parts")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/machine_paraphrase_transfer.json")
    args = parser.parse_args()

    started, rng, data = time.time(), random.Random(args.seed), Path(args.data)
    stats = NgramStats.from_arrays(read_artifact(args.model or Settings.from_env().model_path).arrays)
    config = default_config(args.data, output="unused")
    parts = {name: split(rows, args.limit, rng) for name, rows in families(data, config).items()}
    native = [(typed_plainly(a.text), 0) for a in classifier_pools(config).validation if a.id.startswith(NATIVE)]
    native = rng.sample(native, min(1000, len(native)))
    tests = {name: part["test"] for name, part in parts.items()}
    style = FeatureCache(stats)
    report = {"sizes": {name: {k: len(v) for k, v in part.items()} for name, part in parts.items()}, "roc_auc": {}}
    for features, lexical in FEATURE_SETS.items():
        table = {}
        for held_out in [*parts, None]:
            train = native + [row for name, part in parts.items() if name != held_out for row in part["train"]]
            scores = fit_and_score(train, tests, style, lexical, args.seed)
            table[f"without {held_out}" if held_out else "all families"] = scores
            print(features, held_out, json.dumps(scores), flush=True)
        report["roc_auc"][features] = table
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)


if __name__ == "__main__":
    main()
