"""Where the true originals of spinner swaps are lost on the way to the token model: not among the
word's candidates, ruled implausible by the context model, or not shortlisted
(``benchmarks/swap_coverage.py``)."""
from __future__ import annotations

import random
from collections import Counter

import numpy as np

from detector.text import lm_form, token_forms, tokenize
from detector.training.spinner import Spinner, SpunText
from detector.training.thesaurus import Thesaurus

STAGES = ("not_candidate", "implausible", "not_shortlisted", "shortlisted")


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
