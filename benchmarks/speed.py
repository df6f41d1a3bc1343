"""Scoring speed (with spans) on one core, model load time, artifact size and peak memory.

    python benchmarks/speed.py [--data ../shared/data] [--model models/spun-detector-v1]
    python benchmarks/speed.py --spun-text-only --output benchmarks/results/speed_spun_text_only.json

Medians over repeated runs; run by hand on a quiet machine, never in CI."""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from detector.evaluation.reports import write_report
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.corpora import read_articles, split_of

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def corpus(data: Path, words: int) -> list[str]:
    """Held-out test articles (or the bundled samples, repeated) adding up to ``words`` words."""
    texts = []
    news = data / "news" / "bbc.jsonl"
    source = ([a.text for a in read_articles(news) if split_of(a.id) == "test"] if news.exists()
              else [p.read_text() for p in sorted(SAMPLES.glob("*.txt"))])
    total = 0
    while total < words:
        for text in source:
            texts.append(text)
            total += len(text.split())
            if total >= words:
                break
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--output", default="benchmarks/results/speed.json")
    parser.add_argument("--spun-text-only", action="store_true",
                        help="switch the machine_paraphrase attribute off (SPUN_DETECTOR_MACHINE_PARAPHRASE=false)")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, and one BLAS thread on it

    settings = Settings.from_env(model_path=args.model, machine_paraphrase=False if args.spun_text_only else None)
    load_times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        detector = Detector.load(settings=settings)
        load_times.append(time.perf_counter() - started)
    threadpool_limits(limits=1)
    texts = corpus(Path(args.data), args.words)
    words = sum(len(t.split()) for t in texts)
    rates = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for text in texts:
            detector.score(text)
        rates.append(words / (time.perf_counter() - started))
    model = Path(settings.model_path)
    report = {
        "model_version": detector.version, "categories": list(detector.categories),
        "words_per_run": words, "documents_per_run": len(texts),
        "words_per_second_median": round(statistics.median(rates)),
        "words_per_second_runs": [round(r) for r in rates],
        "load_seconds_median": round(statistics.median(load_times), 3),
        "artifact_mb": round(sum(f.stat().st_size for f in model.iterdir() if f.is_file()) / 1e6, 1),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
