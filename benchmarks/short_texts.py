"""Short texts: how often are clean snippets of modern news flagged, and how many spun ones are found?

    python benchmarks/short_texts.py --data ../shared/data [--model DIR] [--windows 1500]

Windows of consecutive sentences (1-2 sentences: snippets; 3-5 sentences: short paragraphs) are
cut at random from held-out AllSides 2012-20 articles and from the WMT21 human references (2020-21
news, test split), neither seen in training. Clean windows measure false positives, reported with
and without a digit in the text; the same windows spun at 10% and 20% by the project's spinner
measure recall. Windows the detector declines (not English prose) are left out."""
from __future__ import annotations

import argparse
import json
import random
import re
import time

from detector.evaluation.reports import write_report
from detector.scoring import Detector
from detector.settings import Settings
from detector.text import tokenize
from detector.training.corpora import split_of
from detector.training.recipe import classifier_pools, default_config
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from detector.training.translations import read_translation_references

SIZES = {"snippet (1-2 sentences)": (1, 2), "short paragraph (3-5 sentences)": (3, 5)}
RATES = (0.1, 0.2)


def sentences(text: str) -> list[str]:
    """The text's sentences, as the tokenizer numbers them."""
    tokens = tokenize(text)
    bounds: dict[int, list[int]] = {}
    for token in tokens:
        bounds.setdefault(token.sentence, [token.begin, token.end])[1] = token.end
    return [text[begin:end] for begin, end in bounds.values()]


def windows(texts: list[str], size: tuple[int, int], count: int, rng: random.Random) -> list[str]:
    """``count`` windows of ``size`` consecutive sentences, each from a random text."""
    split = [s for s in (sentences(t) for t in texts) if len(s) >= size[1]]
    chosen = []
    for _ in range(count):
        parts = rng.choice(split)
        length = rng.randint(*size)
        first = rng.randrange(len(parts) - length + 1)
        chosen.append(" ".join(parts[first:first + length]))
    return chosen


def flag_rates(detector: Detector, texts: list[str]) -> dict:
    results = [(text, detector.score(text)) for text in texts]
    scored = [(text, r) for text, r in results if r.supported]
    with_digit = [r for text, r in scored if re.search(r"\d", text)]
    without = [r for text, r in scored if not re.search(r"\d", text)]

    def rate(rows):
        return round(sum(r.categories["spun_text"] for r in rows) / max(1, len(rows)), 4)

    return {"documents": len(scored), "declined": len(results) - len(scored), "flagged": rate([r for _, r in scored]),
            "with_a_digit": {"documents": len(with_digit), "flagged": rate(with_digit)},
            "without_digits": {"documents": len(without), "flagged": rate(without)},
            "median_words": sorted(r.num_words for _, r in scored)[len(scored) // 2] if scored else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--windows", type=int, default=1500, help="windows of each size from each corpus")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/short_texts.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model, machine_paraphrase=False))
    config = default_config(args.data, output="unused")
    corpora = {
        "AllSides 2012-20 (held out)": [a.text for a in classifier_pools(config).test
                                        if a.id.startswith("news_allsides")],
        "WMT21 human references 2020-21 (test split)": [a.text for path in config.translations
                                                        for a in read_translation_references(path)
                                                        if split_of(a.id) == "test"],
    }
    thesaurus, rng = Thesaurus.load(), random.Random(args.seed)
    report = {"model_version": detector.version, "clean": {}, "spun": {}}
    for corpus, texts in corpora.items():
        for size_name, size in SIZES.items():
            name = f"{corpus}, {size_name}"
            clean = windows(texts, size, args.windows, rng)
            report["clean"][name] = flag_rates(detector, clean)
            for rate in RATES:
                spun = [Spinner(thesaurus, rate=rate, seed=rng.randrange(1 << 30)).spin(t).text for t in clean]
                report["spun"][f"{name}, spun {rate:.0%}"] = flag_rates(detector, spun)["flagged"]
            print(name, json.dumps(report["clean"][name]), flush=True)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
