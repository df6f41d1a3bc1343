"""Evasion: are spun articles hidden with invisible characters or look-alike letters flagged as
often as their plain twins?

    python benchmarks/evasion.py --data ../shared/data [--model DIR] [--articles 300]

Held-out articles of 200+ words (a random sample) are spun at 10% by the project's spinner, then
each spun and each clean article is hidden three ways, as a hostile client would: a zero-width
space after every space, a soft hyphen inside every word of 6+ letters, and Cyrillic look-alikes
for the Latin letters a, c, e, o, p, x, y. Each version is scored through ``Detector.score``
(the path users take) and its flag rate reported; clean articles with one stray zero-width space
measure what a copied page costs."""
from __future__ import annotations

import argparse
import json
import random
import re
import time

from detector.evaluation.pools import sampled_test_articles
from detector.evaluation.reports import write_report
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

CYRILLIC = str.maketrans({"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у"})
HIDINGS = {
    "plain": lambda text: text,
    "zero-width space after every space": lambda text: text.replace(" ", " \u200b"),
    "soft hyphen inside words of 6+ letters": lambda text: re.sub(r"\b([^\W\d_]{3})([^\W\d_]{3,})",
                                                                  "\\1\u00ad\\2", text),
    "Cyrillic look-alike letters": lambda text: text.translate(CYRILLIC),
}


def flag_rate(detector: Detector, texts: list[str]) -> float:
    return round(sum(detector.score(text).categories["spun_text"] for text in texts) / max(1, len(texts)), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rate", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/evasion.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model, machine_paraphrase=False))
    clean = sampled_test_articles(args.data, args.articles, args.seed)
    thesaurus, rng = Thesaurus.load(), random.Random(args.seed)
    spun = [Spinner(thesaurus, rate=args.rate, seed=rng.randrange(1 << 30)).spin(text).text for text in clean]
    report = {"model_version": detector.version, "articles": len(clean), "spin_rate": args.rate,
              "spun_flagged": {name: flag_rate(detector, [hide(t) for t in spun]) for name, hide in HIDINGS.items()},
              "clean_flagged": {name: flag_rate(detector, [hide(t) for t in clean]) for name, hide in HIDINGS.items()}}
    report["clean_flagged"]["one stray zero-width space"] = flag_rate(detector, [t.replace(" ", " \u200b", 1)
                                                                                 for t in clean])
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
