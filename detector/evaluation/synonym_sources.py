"""The spinners of the synonym-source benchmarks (``benchmarks/synonym_sources.py``,
``benchmarks/leave_one_source_out.py``), and how spun_text is measured on their output.

Each test spinner draws on one training synonym source (``detector.training.synonym_sources``):
Moby with the training policy, with an unseen policy and with a context-aware choice (the
``FluentSpinner``: where the training spinner picks without reading the sentence, it keeps the
most fluent synonym); embedding neighbours; the tortured list's vocabulary. Every spinner also
writes half of the small numbers as digits, as the training spinner does."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from detector.context_model import ContextModel
from detector.evaluation.metrics import binary_metrics
from detector.lm import NgramStats, bigram_keys
from detector.morphology import inflect
from detector.text import Token, lm_form
from detector.training.spinner import Spinner, SpunText
from detector.training.synonym_sources import EMBEDDING, MOBY, TORTURED, load_synonym_sources
from detector.training.thesaurus import Thesaurus

RATES = (0.1, 0.2)
TESTED_SOURCES = {"Moby, uniform (the training source)": MOBY, "Moby, frequency (unseen policy)": MOBY,
                  "Moby, most fluent in context": MOBY, "embedding neighbours": EMBEDDING,
                  "tortured-phrase vocabulary": TORTURED}
SpinnerFactory = Callable[[float, int], Spinner]  # (rate, seed)


class FluentSpinner(Spinner):
    """Picks, among a word's usable synonyms, the one whose bigrams with the words on each side the
    statistics have counted most often: the most fluent choice, where a context-free spinner
    picks at random."""

    def __init__(self, thesaurus: Thesaurus, stats: NgramStats, **options):
        super().__init__(thesaurus, policy="first", **options)
        self.stats = stats

    def _choose_at(self, options: list[str], tag: str, tokens: list[Token], k: int) -> str | None:
        usable = [o for o in options if self._choose([o])]
        if not usable:
            return None
        left = lm_form(tokens[k - 1].text) if k > 0 else "<s>"
        right = lm_form(tokens[k + 1].text) if k + 1 < len(tokens) else "<s>"
        forms = [inflect(o, tag).split() for o in usable]
        first, last = (self.stats.ids([lm_form(f[i]) for f in forms]) for i in (0, -1))
        left_id, right_id = self.stats.ids([left, right])
        fit = (np.log1p(self.stats.count("bigram", bigram_keys(np.full(len(first), left_id), first)))
               + np.log1p(self.stats.count("bigram", bigram_keys(last, np.full(len(last), right_id)))))
        return usable[int(np.argmax(fit))]


def benchmark_spinners(stats: NgramStats, context_model: ContextModel, tortured_phrases: str | Path) -> dict[str, SpinnerFactory]:
    """Each benchmark spinner (the keys of ``TESTED_SOURCES``) as a factory of (rate, seed)."""
    moby, embedding, tortured = load_synonym_sources((MOBY, EMBEDDING, TORTURED), stats, context_model,
                                                     tortured_phrases).values()
    return {
        "Moby, uniform (the training source)": lambda rate, seed: Spinner(moby, rate=rate, seed=seed),
        "Moby, frequency (unseen policy)": lambda rate, seed: Spinner(moby, rate=rate, policy="frequency", seed=seed),
        "Moby, most fluent in context": lambda rate, seed: FluentSpinner(moby, stats, rate=rate, seed=seed),
        "embedding neighbours": lambda rate, seed: Spinner(embedding, rate=rate, seed=seed),
        "tortured-phrase vocabulary": lambda rate, seed: Spinner(tortured, rate=rate, seed=seed),
    }


def spun_text_scores(detector, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """spun_text scores and the thresholds they are judged by (which depend on length)."""
    results = [detector.score(text) for text in texts]
    return (np.array([r.category_scores["spun_text"] for r in results]),
            np.array([r.thresholds["spun_text"] for r in results]))


def source_metrics(detector, clean: tuple[np.ndarray, np.ndarray], spun: list[SpunText]) -> dict:
    """ROC AUC against the ``clean`` scores, recall at the model's thresholds, and swaps an article."""
    scores, thresholds = spun_text_scores(detector, [s.text for s in spun])
    labels = np.r_[np.zeros(len(clean[0])), np.ones(len(scores))]
    metrics = binary_metrics(np.r_[clean[0], scores], labels, np.r_[clean[1], thresholds])
    kinds = [change.kind for s in spun for change in s.changes]
    return {"roc_auc": round(metrics["roc_auc"], 4), "recall": round(metrics["recall"], 4),
            "swaps_per_article": {kind: round(kinds.count(kind) / len(spun), 2) for kind in sorted(set(kinds))}}
