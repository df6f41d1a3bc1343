"""Accuracy of a model on held-out documents; the figures in the README come from this script.

    python benchmarks/accuracy.py --data ../shared/data [--model models/spun-detector-v1]
    python benchmarks/accuracy.py --data ../shared/data --corpus-order --limit 400   # the earlier pool

Held-out articles (never counted by the statistics nor seen by the classifier; all of 200+
words, or a random sample of ``--limit``) are spun by the project's spinner with a new seed, with
the training policy and with the unseen `frequency` policy, and reported in all and by source and
length; clean held-out articles and 2020-21 news measure false positives; articles whose
expected phrases from the tortured-phrase list are replaced by the tortured phrase measure the
tortured-phrase recognizer."""
from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

import numpy as np

from detector.evaluation.metrics import binary_metrics
from detector.evaluation.reports import write_report
from detector.evaluation.spin import length_band, source_of, spin_benchmark
from detector.evidence import TorturedPhraseRecognizer
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.corpora import split_of
from detector.training.model_card import metrics_markdown
from detector.training.recipe import classifier_pools, default_config
from detector.training.thesaurus import Thesaurus
from detector.training.translations import read_translation_references


def tortured_articles(articles, csv_path: str, minimum: int = 3) -> list[str]:
    """Articles with at least ``minimum`` expected phrases, each replaced by its tortured phrase."""
    recognizer = TorturedPhraseRecognizer.from_csv(csv_path)
    by_expected = {}
    for tortured, expected in recognizer.phrases.items():
        by_expected.setdefault(expected.lower(), " ".join(tortured))
    pattern = re.compile(r"\b(" + "|".join(re.escape(e) for e in sorted(by_expected, key=len, reverse=True)) + r")\b",
                         re.IGNORECASE)
    rewritten = []
    for article in articles:
        if len(set(m.lower() for m in pattern.findall(article.text))) >= minimum:
            rewritten.append(pattern.sub(lambda m: by_expected[m.group(1).lower()], article.text))
    return rewritten


def group_table(by_group: dict, rows: tuple[str, ...] = ("uniform 10%", "frequency 10%")) -> str:
    """Per group: articles, clean false-positive rate, and recall (ROC AUC) at the given rows."""
    lines = ["| group | articles | clean FPR | " + " | ".join(f"{r} recall (AUC)" for r in rows) + " |",
             "|---" * (len(rows) + 3) + "|"]
    for group, metrics in by_group.items():
        cells = [f"{metrics[r]['recall']:.4f} ({metrics[r]['roc_auc']:.4f})" for r in rows]
        lines.append(f"| {group} | {metrics['clean']['documents']} | {metrics['clean']['false_positive_rate']:.4f} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def labelled_metrics(detector: Detector, texts: list[str], label: int) -> dict:
    """Metrics of texts that all have ``label``, each at its own (length) threshold."""
    scores, thresholds = detector.spun_scores(texts)
    return binary_metrics(scores, np.full(len(texts), label), thresholds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None,
                        help="a random sample of this many held-out articles per benchmark row (default: all)")
    parser.add_argument("--corpus-order", action="store_true",
                        help="take the articles in the corpora's order, not at random; with --limit 400 the "
                             "BBC and Reuters pool of the results files written before all articles were used")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/accuracy.json")
    args = parser.parse_args()

    started = time.time()
    csv_path = str(Path(args.data) / "tortured" / "tortured_phrases_dev.csv")
    settings = Settings.from_env(model_path=args.model, tortured_phrases=csv_path)
    detector = Detector.load(settings=settings)
    config = default_config(args.data, output="unused")
    pools = classifier_pools(config)
    test = list(pools.test)
    if not args.corpus_order:
        random.Random(args.seed).shuffle(test)  # the corpora's order puts one source first
    report = {"model_version": detector.version, "thresholds_by_length": detector.spun_thresholds.to_list()}

    spin = spin_benchmark(detector, test, Thesaurus.load(), seed=args.seed, limit=args.limit)
    report["spin"] = spin.metrics
    report["spin_by_source"] = spin.metrics_by_group(source_of)
    report["spin_by_length"] = spin.metrics_by_group(length_band)

    modern = [a.text for path in config.translations for a in read_translation_references(path)
              if split_of(a.id) == "test"]
    allsides = [a.text for a in test if a.id.startswith("news_allsides")]
    report["clean"] = {
        "2020-21 news (WMT21 references, test split)": labelled_metrics(detector, modern, 0),
        "2012-20 US news (AllSides, held out)": labelled_metrics(detector, allsides, 0),
    }
    report["tortured"] = labelled_metrics(detector, tortured_articles(test, csv_path), 1)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)

    print(f"model {detector.version}, thresholds by length {json.dumps(report['thresholds_by_length'])}\n")
    print(metrics_markdown(spin.metrics))
    print(f"\nspans: {json.dumps(spin.metrics['spans'])}, declined: {json.dumps(spin.metrics['declined'])}\n")
    print(group_table(report["spin_by_source"]) + "\n")
    print(group_table(report["spin_by_length"]) + "\n")
    print(metrics_markdown(report["clean"]))
    print(f"\ntortured-phrase articles (3+ expected phrases replaced): {report['tortured']['documents']} "
          f"articles, flagged {report['tortured']['recall']}")


if __name__ == "__main__":
    main()
