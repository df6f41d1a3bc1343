"""Accuracy of the machine_paraphrase attribute; the README figures come from this script.

    python benchmarks/machine_paraphrase.py --data ../shared/data [--model models/spun-detector-v1]

Test-split WMT21 sources (never trained on) of 150+ words: human reference translations against
every MT system's output, against the systems seen in training and against the held-out systems
never seen, per language pair and per system; false positives on held-out native English news
(BBC, Reuters, AllSides), all at the model's threshold."""
from __future__ import annotations

import argparse
import time

from detector.evaluation.machine_paraphrase import machine_paraphrase_benchmark
from detector.evaluation.reports import write_report
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.machine_paraphrase import translation_splits
from detector.training.model_card import metrics_markdown
from detector.training.recipe import classifier_pools, default_config

NATIVE_NEWS = ("bbc:", "reuters_train:", "news_allsides:")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--output", default="benchmarks/results/machine_paraphrase.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model))
    config = default_config(args.data, output="unused")
    native = [a for a in classifier_pools(config).test if a.id.startswith(NATIVE_NEWS)]
    table = machine_paraphrase_benchmark(detector, translation_splits(config.machine_translations).test, native)
    report = {"model_version": detector.version, "threshold": detector.machine.threshold,
              "metrics": table, "seconds": round(time.time() - started, 1)}
    write_report(report, args.output)

    print(f"model {detector.version}, machine_paraphrase threshold {report['threshold']:.4f}\n")
    print(metrics_markdown({k: v for k, v in table.items() if "documents" in v}))
    for group in ("by language pair", "by system"):
        print(f"\n{group}\n\n{metrics_markdown(table[group])}")


if __name__ == "__main__":
    main()
