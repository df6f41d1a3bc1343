"""Held-out synonym sources: how does spun_text do on spinners whose vocabulary it never learned?

    python benchmarks/synonym_sources.py --data ../shared/data [--model DIR] [--articles 300]

The bundled model learned the Moby thesaurus (context-free, uniform and first-listed choices).
Held-out test articles of 200+ words are spun at 10% and 20% of their content words by:
Moby with its training policy (reference row); Moby with the unseen "frequency" policy; Moby with
the most fluent synonym in context under the statistics (a context-aware spinner); the nearest
neighbours in the context model's embeddings (an embedding spinner); and the vocabulary of the
tortured-phrase list (real spinner output). Every spinner also writes small numbers as digits
half of the time, as the training spinner does. Each spun set is scored against the same clean
articles (ROC AUC) and at the bundled thresholds (recall), with its swaps per article. The
tortured vocabulary is scored twice: with the tortured-phrase lexicon the model ships, and
with an empty list instead (a source the model knows nothing of). See ``detector.evaluation.synonym_sources``."""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from detector.evaluation.pools import sampled_test_articles
from detector.evaluation.reports import write_report
from detector.evaluation.synonym_sources import RATES, benchmark_spinners, source_metrics, spun_text_scores
from detector.scoring import Detector
from detector.settings import Settings

WITHOUT_LEXICON = "tortured-phrase vocabulary, lexicon off"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/synonym_sources.json")
    args = parser.parse_args()

    started = time.time()
    empty_list = Path(tempfile.mkdtemp()) / "no_tortured_phrases.csv"
    empty_list.write_text("tortured_phrase,expected_phrase\n")
    detectors = {lexicon: Detector.load(settings=Settings.from_env(
        model_path=args.model, machine_paraphrase=False, **({} if lexicon else {"tortured_phrases": str(empty_list)})))
        for lexicon in (True, False)}
    clean = sampled_test_articles(args.data, args.articles, args.seed)
    clean_scores = {lexicon: spun_text_scores(detector, clean) for lexicon, detector in detectors.items()}
    report = {"model_version": detectors[True].version, "articles": len(clean),
              "clean_flagged": float(np.mean(clean_scores[True][0] >= clean_scores[True][1])), "sources": {}}
    rng = random.Random(args.seed)
    substitutions = detectors[True].engine.substitutions
    spinners = benchmark_spinners(substitutions.stats, substitutions.context_model, f"{args.data}/tortured/tortured_phrases_dev.csv")
    for name, spinner in spinners.items():
        for rate in RATES:
            spun = [spinner(rate, rng.randrange(1 << 30)).spin(text) for text in clean]
            rows = {name: source_metrics(detectors[True], clean_scores[True], spun)}
            if name.startswith("tortured"):
                rows[WITHOUT_LEXICON] = source_metrics(detectors[False], clean_scores[False], spun)
            for row, metrics in rows.items():
                report["sources"].setdefault(row, {})[f"rate {rate}"] = metrics
                print(row, rate, json.dumps(metrics), flush=True)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)


if __name__ == "__main__":
    main()
