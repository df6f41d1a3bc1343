"""A context-aware spinner, for the held-out-source benchmark (``benchmarks/synonym_sources.py``):
the training spinner picks synonyms without reading the sentence, this one keeps the most fluent.
The other held-out synonym sources are in ``detector.training.synonym_sources``."""
from __future__ import annotations

import numpy as np

from detector.lm import NgramStats, bigram_keys
from detector.morphology import inflect
from detector.text import Token, lm_form
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus


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
