"""Where the detector loses the swaps of each spinner policy, one synonym swap at a time.

    python benchmarks/swap_coverage.py --data ../shared/data [--model models/spun-detector-v1]

Held-out articles (200+ words, the test pool of benchmarks/accuracy.py) are spun at one rate with
each policy. Every synonym swap ends in one of four stages: its original is not among the word's
candidate originals (the inverted thesaurus, capped per word), the context model finds no
candidate plausible, the original is a candidate but not among the few the n-gram statistics
compare (the shortlist), or it is shortlisted; of the first, it counts those whose word already
has as many candidates as any word (the cap). For every swap the report also gives the share
whose word gets a swap probability over 0.5 (from any candidate), by stage and overall, and the
share of swaps that land on function words. It explains recall; it sets nothing."""
from __future__ import annotations

import argparse
import json
import time

from detector.evaluation.spin import BENCHMARK_POLICIES, benchmark_articles
from detector.evaluation.swap_coverage import coverage
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.recipe import classifier_pools, default_config
from detector.training.thesaurus import Thesaurus

POLICIES = BENCHMARK_POLICIES + ("first",)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=200, help="held-out articles per policy")
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/swap_coverage.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model))
    pools = classifier_pools(default_config(args.data, output="unused"))
    articles = benchmark_articles(pools.test, args.limit)
    thesaurus = Thesaurus.load()
    report = {"model_version": detector.version, "articles": len(articles), "rate": args.rate,
              "policies": {policy: coverage(detector.engine.substitutions, articles, thesaurus, policy, args.rate,
                                            args.seed) for policy in POLICIES}}
    report["seconds"] = round(time.time() - started, 1)
    with open(args.output, "w") as handle:
        json.dump(report, handle, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
