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
import random
import time
from collections import Counter

import numpy as np

from detector.evaluation.spin import BENCHMARK_POLICIES, benchmark_articles
from detector.scoring import Detector
from detector.settings import Settings
from detector.text import lm_form, token_forms, tokenize
from detector.training.recipe import classifier_pools, default_config
from detector.training.spinner import Spinner, SpunText
from detector.training.thesaurus import Thesaurus

STAGES = ("not_candidate", "implausible", "not_shortlisted", "shortlisted")
POLICIES = BENCHMARK_POLICIES + ("first",)


def swap_stages(recognizer, spun: SpunText) -> list[tuple[str, bool, bool, bool]]:
    """For each synonym swap: its stage, whether its word's swap probability is over 0.5, whether
    the word is a function word, and whether its candidate list is full (at the cap)."""
    tokens = tokenize(spun.text)
    forms = token_forms(spun.text, tokens)
    ids = recognizer.stats.ids(forms)
    pairs = recognizer.pairs(tokens, forms)
    best_logit = recognizer.evidence(pairs).logit
    row_of = {position: row for row, position in enumerate(pairs.positions.tolist())}
    position_of = {token.begin: k for k, token in enumerate(tokens)}
    table = recognizer.candidates
    list_lengths = np.diff(table.indptr)
    cap = list_lengths.max()
    found = []
    for change in (c for c in spun.changes if c.kind == "synonym"):
        k = position_of[change.begin]
        word = ids[k]
        original = recognizer.stats.index.get(lm_form(change.original), -1)
        detected = bool(k in row_of and best_logit[row_of[k]] > 0)
        if original not in table.candidates[table.indptr[word]:table.indptr[word + 1]]:
            stage = "not_candidate"
        elif k not in row_of:
            stage = "implausible"
        else:
            stage = "shortlisted" if original in pairs.candidates[pairs.rows == row_of[k]] else "not_shortlisted"
        found.append((stage, detected, bool(recognizer.kind_of_id[word] == 2), bool(list_lengths[word] >= cap)))
    return found


def coverage(recognizer, articles, thesaurus: Thesaurus, policy: str, rate: float, seed: int) -> dict:
    rng = random.Random(seed)
    stages, detected, function_words, full_lists = Counter(), Counter(), 0, 0
    for article in articles:
        spun = Spinner(thesaurus, rate=rate, policy=policy, seed=rng.randrange(1 << 30)).spin(article.text)
        for stage, hit, function_word, full in swap_stages(recognizer, spun):
            stages[stage] += 1
            detected[stage] += hit
            function_words += function_word
            full_lists += full and stage == "not_candidate"
    total = max(1, sum(stages.values()))
    return {"synonym_swaps": sum(stages.values()),
            "share_by_stage": {s: round(stages[s] / total, 4) for s in STAGES},
            "detected_by_stage": {s: round(detected[s] / max(1, stages[s]), 4) for s in STAGES},
            "not_candidate_at_cap": round(full_lists / max(1, stages["not_candidate"]), 4),
            "detected": round(sum(detected.values()) / total, 4),
            "function_word_share": round(function_words / total, 4)}


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
