"""Where the true originals of spinner swaps are lost on the way to the token model: not among the
word's candidates, ruled implausible by the context model, or not shortlisted; and where else they
could be found: their rank among every word the context model predicts at the position
(``benchmarks/swap_coverage.py``)."""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

import numpy as np

from detector.text import lm_form, token_forms, tokenize
from detector.training.spinner import Spinner, SpunText

STAGES = ("not_candidate", "implausible", "not_shortlisted", "shortlisted")
CONTEXT_TOPS = (50, 200, 1000)


def swap_stages(recognizer, spun: SpunText) -> list[tuple[str, bool, bool, bool, int]]:
    """For each synonym swap: its stage, whether its word's swap probability is over 0.5, whether
    the word is a function word, whether its candidate list is full (at the cap), and the rank of
    its true original among all the context model's outputs at the position (0: its first guess)."""
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
    changes = [c for c in spun.changes if c.kind == "synonym"]
    positions = np.array([position_of[c.begin] for c in changes], dtype=np.int64)
    originals = np.array([recognizer.stats.index.get(lm_form(c.original), 0) for c in changes], dtype=np.int64)
    ranks = context_ranks(recognizer.context_model, ids, positions, originals)
    found = []
    for k, original, rank in zip(positions.tolist(), originals.tolist(), ranks.tolist()):
        word = ids[k]
        detected = bool(k in row_of and best_logit[row_of[k]] > 0)
        if original not in table.candidates[table.indptr[word]:table.indptr[word + 1]]:
            stage = "not_candidate"
        elif k not in row_of:
            stage = "implausible"
        else:
            stage = "shortlisted" if original in pairs.candidates[pairs.rows == row_of[k]] else "not_shortlisted"
        found.append((stage, detected, bool(recognizer.kind_of_id[word] == 2), bool(list_lengths[word] >= cap), rank))
    return found


def context_ranks(model, ids: np.ndarray, positions: np.ndarray, words: np.ndarray) -> np.ndarray:
    """How many of the context model's own outputs score above ``words[i]`` at ``positions[i]``."""
    if not len(positions):
        return np.zeros(0, dtype=np.int64)
    vectors = model.context_vectors(ids, positions)
    every = vectors @ model.output_embeddings.T + model.output_bias
    own = words < model.vocabulary_size  # compared within one product, so that ties stay ties
    scores = np.where(own, every[np.arange(len(words)), np.where(own, words, 0)], model.scores(vectors, words))
    return (every > scores[:, None]).sum(axis=1)


def coverage(recognizer, articles, spinner: Callable[[int], Spinner], seed: int) -> dict:
    """Where the synonym swaps of ``spinner(seed)`` over ``articles`` end up (one seed an article)."""
    rng = random.Random(seed)
    stages, detected, function_words, full_lists = Counter(), Counter(), 0, 0
    in_top, candidate_or_top = Counter(), Counter()
    for article in articles:
        spun = spinner(rng.randrange(1 << 30)).spin(article.text)
        for stage, hit, function_word, full, rank in swap_stages(recognizer, spun):
            stages[stage] += 1
            detected[stage] += hit
            function_words += function_word
            full_lists += full and stage == "not_candidate"
            for top in CONTEXT_TOPS:
                in_top[top] += rank < top
                candidate_or_top[top] += rank < top or stage != "not_candidate"
    total = max(1, sum(stages.values()))
    return {"synonym_swaps": sum(stages.values()),
            "share_by_stage": {s: round(stages[s] / total, 4) for s in STAGES},
            "detected_by_stage": {s: round(detected[s] / max(1, stages[s]), 4) for s in STAGES},
            "not_candidate_at_cap": round(full_lists / max(1, stages["not_candidate"]), 4),
            "detected": round(sum(detected.values()) / total, 4),
            "function_word_share": round(function_words / total, 4),
            "original_in_context_top": {str(top): round(in_top[top] / total, 4) for top in CONTEXT_TOPS},
            "original_candidate_or_in_context_top": {str(top): round(candidate_or_top[top] / total, 4)
                                                     for top in CONTEXT_TOPS}}
