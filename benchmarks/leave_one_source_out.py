"""Leave one synonym source out: how does spun_text do on a spinner whose vocabulary it never learned?

    python benchmarks/leave_one_source_out.py --data ../shared/data --work DIR [--base MODEL]
        [--held-out moby embedding tortured] [--also NAME=MODEL ...] [--articles 300]

For each held-out source, spun_text is trained again on the base model without it
(``spun-detector train --from BASE --retrain-spun-text --synonym-sources <the others>``, into
DIR/without-<source>; an existing model there is reused). The base, each of those models and any
``--also`` model are then measured on the same held-out test articles (200+ words), spun at 10% and
20% of their content words by each benchmark spinner (``detector.evaluation.synonym_sources``):
ROC AUC against the same clean articles, and recall at the model's own thresholds. A cell is
*held out* when the spinner's synonym source was not among the model's training sources."""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from detector.evaluation.pools import sampled_test_articles
from detector.evaluation.reports import write_report
from detector.evaluation.synonym_sources import (
    RATES,
    TESTED_SOURCES,
    benchmark_spinners,
    source_metrics,
    spun_text_scores,
)
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.recipe import default_config, retrain_spun_text
from detector.training.synonym_sources import SYNONYM_SOURCES


def model_without(source: str, args) -> Path:
    """The base retrained without ``source`` (trained now unless it exists)."""
    folder = Path(args.work) / f"without-{source}"
    if not (folder / "manifest.json").is_file():
        others = tuple(s for s in SYNONYM_SOURCES if s != source)
        retrain_spun_text(args.base, default_config(args.data, str(folder), synonym_sources=others,
                                                    version=f"0.0.0+without-{source}"))
    return folder


def measure(folder: Path, clean: list[str], spun_sets: dict) -> dict:
    """One model's row: its training sources, clean articles flagged, and each spun set's metrics."""
    detector = Detector.load(folder, Settings.from_env(model_path=str(folder), machine_paraphrase=False))
    trained = detector.manifest["training"].get("synonym_sources", ["moby"])
    clean_scores = spun_text_scores(detector, clean)
    row = {"version": detector.version, "synonym_sources": trained,
           "clean_flagged": round(float(np.mean(clean_scores[0] >= clean_scores[1])), 4), "spinners": {}}
    for (name, rate), spun in spun_sets.items():
        metrics = source_metrics(detector, clean_scores, spun)
        cell = {**metrics, "held_out": TESTED_SOURCES[name] not in trained}
        row["spinners"].setdefault(name, {})[f"rate {rate}"] = cell
        print(folder.name, name, rate, json.dumps(cell), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--base", default="models/spun-detector-v1")
    parser.add_argument("--work", required=True, help="folder for the retrained models (outside the repository)")
    parser.add_argument("--held-out", nargs="+", choices=SYNONYM_SOURCES, default=list(SYNONYM_SOURCES))
    parser.add_argument("--also", nargs="*", default=[], metavar="NAME=MODEL", help="more models to measure")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/leave_one_source_out.json")
    args = parser.parse_args()

    started = time.time()
    models = {"base": Path(args.base), **{f"without {s}": model_without(s, args) for s in args.held_out},
              **{name: Path(path) for name, path in (item.split("=", 1) for item in args.also)}}
    base = Detector.load(args.base, Settings.from_env(model_path=args.base, machine_paraphrase=False))
    substitutions = base.engine.substitutions
    spinners = benchmark_spinners(substitutions.stats, substitutions.context_model,
                                  f"{args.data}/tortured/tortured_phrases_dev.csv")
    clean = sampled_test_articles(args.data, args.articles, args.seed)
    rng = random.Random(args.seed)
    spun_sets = {(name, rate): [spinner(rate, rng.randrange(1 << 30)).spin(text) for text in clean]
                 for name, spinner in spinners.items() for rate in RATES}
    report = {"articles": len(clean), "base": args.base,
              "models": {name: measure(folder, clean, spun_sets) for name, folder in models.items()},
              "seconds": round(time.time() - started, 1)}
    write_report(report, args.output)


if __name__ == "__main__":
    main()
