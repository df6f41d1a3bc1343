"""Memorization: does the model find text it was trained on more native than unseen text of the
same source?

    python benchmarks/memorization.py --data ../shared/data [--model DIR] [--articles 300]

The bundled statistics and context model count the "stats" split of the BBC and Reuters corpora.
A third party measuring ``machine_paraphrase`` on rewrites of BBC articles against their
originals may have originals in that split: if the model has memorised them, they look more
native than any rewrite, whatever the rewriter did. Here a random sample of each corpus's
statistics articles and of its unseen articles (the classifier splits) of 100+ words is scored (prose only: tables the detector does not
support are left out), and each
document feature reports its ROC AUC at telling "trained on" from "unseen" (0.5: no memory)."""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from detector.evaluation.reports import write_report
from detector.predictability import PREDICTABILITY_FEATURE_NAMES, Predictability
from detector.scoring import Detector
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import token_forms, tokenize
from detector.training.corpora import read_articles, split_of

CORPORA = ("bbc.jsonl", "reuters_train.jsonl")
MIN_WORDS = 100
FEATURE_NAMES = (*STYLE_FEATURE_NAMES, *PREDICTABILITY_FEATURE_NAMES)


def document_features(detector: Detector, texts: list[str]) -> np.ndarray:
    """Style features (n-gram statistics) and the predictability profile (context model) of each text."""
    stats, context_model = detector.engine.substitutions.stats, detector.engine.substitutions.context_model
    predictability = Predictability(context_model)
    rows = []
    for text in texts:
        tokens = tokenize(text)
        forms = token_forms(text, tokens)
        sentences = np.array([t.sentence for t in tokens])
        rows.append(np.r_[style_features(tokens, forms, stats), predictability.features(stats.ids(forms), forms, sentences)])
    return np.vstack(rows)


def memory_report(detector: Detector, path: Path, articles: int, rng: random.Random) -> dict:
    """Sizes and per-feature ROC AUC (statistics split against unseen splits) for one corpus."""
    seen, unseen = [], []
    for article in read_articles(path):
        if len(article.text.split()) < MIN_WORDS:
            continue
        (seen if split_of(article.id) == "stats" else unseen).append(article.text)
    seen, unseen = (rng.sample(texts, min(articles, len(texts))) for texts in (seen, unseen))
    results = [detector.score(text) for text in seen + unseen]
    kept = [i for i, result in enumerate(results) if result.supported]  # tables of figures are not prose
    texts, labels = [(seen + unseen)[i] for i in kept], [int(i < len(seen)) for i in kept]
    features = document_features(detector, texts)
    scores = {attribute: [results[i].category_scores[attribute] for i in kept] for attribute in results[kept[0]].category_scores}
    aucs = {name: round(float(roc_auc_score(labels, column)), 3) for name, column in zip(FEATURE_NAMES, features.T)}
    aucs.update({f"{attribute} score": round(float(roc_auc_score(labels, values)), 3)
                 for attribute, values in scores.items()})
    return {"trained_on": sum(labels), "unseen": len(labels) - sum(labels), "roc_auc_trained_on_vs_unseen": aucs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--articles", type=int, default=300, help="articles of each side, per corpus")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/memorization.json")
    args = parser.parse_args()

    started, rng = time.time(), random.Random(args.seed)
    detector = Detector.load(args.model)
    report = {name: memory_report(detector, Path(args.data) / "news" / name, args.articles, rng) for name in CORPORA}
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)
    for name in CORPORA:
        aucs = report[name]["roc_auc_trained_on_vs_unseen"]
        print(name, {k: aucs[k] for k in ("logprob_mean", "unseen_trigram_share", "log_probability_mean",
                                          "spun_text score", "machine_paraphrase score")})


if __name__ == "__main__":
    main()
