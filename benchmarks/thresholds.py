"""How stable the length-band thresholds are, and what false-positive rate they keep on clean
documents they were not chosen on; the README's threshold figures come from this script.

    python benchmarks/thresholds.py --data ../shared/data [--model models/spun-detector-v1]

The bundled model's engine rebuilds the training recipe's classifier and validation documents
(same pools, seeds and spins). Over random halvings of the clean validation documents, each way
of choosing thresholds (clean validation documents alone, or with the clean training articles
scored out of fold) at each target rate is fitted on one half and counted on the other."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from detector.scoring import Detector, document_probability
from detector.settings import Settings
from detector.thresholds import LengthThresholds
from detector.training.recipe import (
    NEWS,
    classifier_documents,
    classifier_pools,
    default_config,
    document_classifier,
    featurize,
    out_of_fold_scores,
    split_pools,
    validation_documents,
)
from detector.training.thesaurus import Thesaurus

TARGETS = (0.005, 0.0075, 0.01)
HALVINGS = 40


def halving_report(validation: tuple[np.ndarray, np.ndarray, np.ndarray], extra: tuple[np.ndarray, np.ndarray],
                   target: float, rng: np.random.Generator) -> dict:
    """Thresholds chosen on half the clean validation documents (plus ``extra`` clean scores and
    word counts): false positives on the other half, recall on spun validation documents of 200+
    words, and the spread of each band's threshold."""
    scores, words, labels = validation
    clean = np.flatnonzero(labels == 0)
    spun = (labels == 1) & (words >= 200)
    rates, recalls, values = [], [], []
    for _ in range(HALVINGS):
        order = rng.permutation(clean)
        chosen, held_out = order[: len(order) // 2], order[len(order) // 2:]
        thresholds = LengthThresholds.choose(np.r_[scores[chosen], extra[0]], np.r_[words[chosen], extra[1]], target)
        per_document = np.array([thresholds(n) for n in words])
        rates.append(float(np.mean(scores[held_out] >= per_document[held_out])))
        recalls.append(float(np.mean(scores[spun] >= per_document[spun])))
        values.append(thresholds.values)
    values = np.array(values)
    return {"held_out_false_positive_rate": {"mean": float(np.mean(rates)), "p90": float(np.quantile(rates, 0.9)),
                                             "max": float(np.max(rates))},
            "recall_200_plus_words": float(np.mean(recalls)),
            "threshold_mean": values.mean(axis=0).round(4).tolist(), "threshold_sd": values.std(axis=0).round(4).tolist()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--output", default="benchmarks/results/thresholds.json")
    args = parser.parse_args()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model))
    config = default_config(args.data, "unused")
    thesaurus = Thesaurus.load()
    pools = classifier_pools(config)
    _, classifier_articles = split_pools(pools, config)

    training = classifier_documents(classifier_articles, config, [thesaurus])
    train_features, train_words = featurize(detector.engine, training.texts, "training documents")
    train_scores = out_of_fold_scores(document_classifier(config.seed), train_features, training.labels,
                                      training.groups)
    clean_news = (training.labels == 0) & (training.subsets == NEWS)
    validation = validation_documents(pools.validation, config, [thesaurus])
    features, words = featurize(detector.engine, validation.texts, "validation documents")
    scores = document_probability(detector.classifier, features)

    rng = np.random.default_rng(0)
    ways = {"validation": (np.zeros(0), np.zeros(0, dtype=int)),
            "validation + out-of-fold training news": (train_scores[clean_news], train_words[clean_news])}
    report = {"model_version": detector.version, "halvings": HALVINGS,
              "clean_documents": {"validation": int(np.sum(validation.labels == 0)),
                                  "out_of_fold_training_news": int(np.sum(clean_news))},
              "results": [{"target": target, "documents": way,
                           **halving_report((scores, words, validation.labels), extra, target, rng)}
                          for target in TARGETS for way, extra in ways.items()]}
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print("| target | clean documents | held-out FPR mean / p90 / max | recall, 200+ words | threshold s.d. by band |")
    print("|---|---|---|---|---|")
    for row in report["results"]:
        rate = row["held_out_false_positive_rate"]
        print(f"| {row['target']:.2%} | {row['documents']} | {rate['mean']:.2%} / {rate['p90']:.2%} / {rate['max']:.2%} "
              f"| {row['recall_200_plus_words']:.3f} | {', '.join(f'{v:.3f}' for v in row['threshold_sd'])} |")


if __name__ == "__main__":
    main()
