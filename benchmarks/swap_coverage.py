"""Where the detector loses the swaps of each spinner, one synonym swap at a time.

    python benchmarks/swap_coverage.py --data ../shared/data [--model models/spun-detector-v1]

Held-out articles (200+ words, the test pool of benchmarks/accuracy.py) are spun at one rate with
each Moby policy and with each synonym source the model never learned
(``detector.evaluation.synonym_sources``). Every synonym swap ends in one of four stages: its original is not among the word's
candidate originals (the inverted thesaurus, capped per word), the context model finds no
candidate plausible, the original is a candidate but not among the few the n-gram statistics
compare (the shortlist), or it is shortlisted; of the first, it counts those whose word already
has as many candidates as any word (the cap). For every swap the report also gives the share
whose word gets a swap probability over 0.5 (from any candidate), by stage and overall, and the
share of swaps that land on function words, and where else the true original could come from: the
share ranked in the context model's top 50 / 200 / 1,000 predictions at the position, alone and
together with the candidates. It explains recall; it sets nothing."""
from __future__ import annotations

import argparse
import json
import time

from detector.evaluation.reports import write_report
from detector.evaluation.spin import BENCHMARK_POLICIES, benchmark_articles
from detector.evaluation.swap_coverage import coverage
from detector.evaluation.synonym_sources import FluentSpinner
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.recipe import classifier_pools, default_config
from detector.training.spinner import Spinner
from detector.training.synonym_sources import embedding_thesaurus, tortured_thesaurus
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
    recognizer, moby = detector.engine.substitutions, Thesaurus.load()
    embedding = embedding_thesaurus(recognizer.context_model, recognizer.stats)
    tortured = tortured_thesaurus(f"{args.data}/tortured/tortured_phrases_dev.csv")
    held_out = {"most fluent Moby synonym": lambda seed: FluentSpinner(moby, recognizer.stats, rate=args.rate, seed=seed),
                "embedding neighbours": lambda seed: Spinner(embedding, rate=args.rate, seed=seed),
                "tortured-phrase vocabulary": lambda seed: Spinner(tortured, rate=args.rate, seed=seed)}
    report = {"model_version": detector.version, "articles": len(articles), "rate": args.rate,
              "policies": {policy: coverage(recognizer, articles, lambda seed, policy=policy: Spinner(
                  moby, rate=args.rate, policy=policy, seed=seed), args.seed) for policy in POLICIES},
              "held_out_sources": {name: coverage(recognizer, articles, spinner, args.seed)
                                   for name, spinner in held_out.items()}}
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))

if __name__ == "__main__":
    main()
