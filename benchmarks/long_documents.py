"""Long documents: does the spun_text score drift with length, and is a spun article inside a long
document still found?

    python benchmarks/long_documents.py --data ../shared/data [--model DIR] [--documents 20]

Held-out articles (a random sample, none used twice in one row) are joined end to end, 1, 4, 16
and 64 at a time: clean, and with one of them spun at 10% by the project's spinner in the middle.
For each length: the share flagged, the median and largest score, the median word count, and for
the spun rows how often the result's ``most_suspicious`` window (documents over 2,000 words are
scored in windows) overlaps the spun article."""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from detector.evaluation.reports import write_report
from detector.scoring import CATEGORY, Detector
from detector.settings import Settings
from detector.training.recipe import classifier_pools, default_config
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

LENGTHS = (1, 4, 16, 64)
SEPARATOR = "\n\n"


def row(detector: Detector, documents: list[tuple[str, tuple[int, int] | None]]) -> dict:
    """Figures of (text, spun part's offsets or None) documents."""
    results = [(detector.score(text), part) for text, part in documents]
    scores = [r.category_scores[CATEGORY] for r, _ in results]
    figures = {"documents": len(results), "flagged": round(sum(r.categories[CATEGORY] for r, _ in results) / len(results), 4),
               "median_score": round(statistics.median(scores), 4), "max_score": round(max(scores), 4),
               "median_words": statistics.median(r.num_words for r, _ in results)}
    windowed = [(r.most_suspicious, part) for r, part in results if part and r.most_suspicious]
    if windowed:
        figures["most_suspicious_on_the_spun_article"] = round(
            sum(w.begin < end and begin < w.end for w, (begin, end) in windowed) / len(windowed), 4)
    return figures


def joined(articles: list[str], spun: str | None) -> tuple[str, tuple[int, int] | None]:
    """The articles end to end, with ``spun`` in the middle when given, and its offsets."""
    if spun is None:
        return SEPARATOR.join(articles), None
    head = SEPARATOR.join(articles[: len(articles) // 2] + [""])
    tail = SEPARATOR.join([""] + articles[len(articles) // 2:]) if articles else ""
    return head + spun + tail, (len(head), len(head) + len(spun))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--documents", type=int, default=20, help="documents of each length")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/long_documents.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model, machine_paraphrase=False))
    pool = [a.text for a in classifier_pools(default_config(args.data, output="unused")).test]
    rng, thesaurus = random.Random(args.seed), Thesaurus.load()
    report = {"model_version": detector.version, "clean": {}, "one_article_spun_at_10%": {}}
    for length in LENGTHS:
        clean, with_spun = [], []
        for _ in range(args.documents):
            articles = rng.sample(pool, length)
            clean.append(joined(articles, None))
            spun = Spinner(thesaurus, rate=0.1, seed=rng.randrange(1 << 30)).spin(articles[0]).text
            with_spun.append(joined(articles[1:], spun))
        report["clean"][f"{length} articles"] = row(detector, clean)
        report["one_article_spun_at_10%"][f"{length} articles"] = row(detector, with_spun)
        print(length, json.dumps(report["clean"][f"{length} articles"]),
              json.dumps(report["one_article_spun_at_10%"][f"{length} articles"]), flush=True)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)


if __name__ == "__main__":
    main()
