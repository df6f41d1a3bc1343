"""How predictable each word of a document is to the context model, summarised as a profile.

GLTR's observation: a generator's word choices sit differently in a language model's ranking than a
writer's. Machine translation picks safe, frequent words; a paraphraser or an LLM reaches for
synonyms a small news-trained model finds unlikely ("bolster", "underscore"). The direction depends
on the generator, so no single threshold separates them; the profile (how many words rank first,
in the top 10, 100, 1,000, how surprising they are and how evenly that is spread over the
sentences) lets a classifier learn where each kind of rewrite sits.

Each word's probability is normalised over the model's ``shortlist`` most frequent outputs (and the
word itself): exact enough to rank and compare words, at a small part of the cost of the whole
vocabulary.
"""
from __future__ import annotations

import numpy as np

from detector.context_model import ContextModel
from detector.text import STOPWORDS

SHORTLIST = 4096
RANK_LIMITS = (1, 10, 100, 1000)
MIN_WORDS = 3
PREDICTABILITY_FEATURE_NAMES = (
    *[f"rank_under_{limit}_share" for limit in RANK_LIMITS],
    "log_probability_mean", "log_probability_std", "log_probability_q10", "log_probability_q50",
    "log_probability_q90", "content_log_probability_mean", "function_log_probability_mean",
    "entropy_mean", "gap_to_best_mean", "sentence_log_probability_std",
)


class Predictability:
    """The predictability profile of a document under a context model."""

    def __init__(self, context_model: ContextModel, shortlist: int = SHORTLIST):
        self.context_model = context_model
        self.shortlist = min(shortlist, context_model.vocabulary_size - 1)
        self._outputs = context_model.output_embeddings[1:self.shortlist + 1].T.copy()  # id 0 is the rare output
        self._biases = context_model.output_bias[1:self.shortlist + 1]

    def features(self, ids: np.ndarray, forms: list[str], sentences: np.ndarray) -> np.ndarray:
        """One row of ``PREDICTABILITY_FEATURE_NAMES``; ``ids`` are the statistics ids of every
        token, ``forms`` their forms and ``sentences`` their sentence numbers. Only words count."""
        positions = np.array([i for i, form in enumerate(forms) if form[:1].isalpha()], dtype=np.int64)
        if len(positions) < MIN_WORDS:
            return np.zeros(len(PREDICTABILITY_FEATURE_NAMES))
        log_probability, rank, entropy, gap = self._word_scores(ids, positions)
        content = np.array([forms[i] not in STOPWORDS for i in positions])
        return np.array([
            *[float(np.mean(rank < limit)) for limit in RANK_LIMITS],
            log_probability.mean(), log_probability.std(), *np.quantile(log_probability, [0.1, 0.5, 0.9]),
            _mean(log_probability[content]), _mean(log_probability[~content]),
            entropy.mean(), gap.mean(), _sentence_spread(log_probability, sentences[positions]),
        ])

    def _word_scores(self, ids: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, ...]:
        """Per word: log-probability, rank among the shortlist, entropy of the shortlist
        distribution at its position, and how far its log-probability falls below the best word's."""
        model = self.context_model
        vectors = model.context_vectors(ids, positions)
        shortlist = vectors @ self._outputs + self._biases
        observed = model.scores(vectors, ids[positions])
        in_shortlist = (ids[positions] >= 1) & (ids[positions] <= self.shortlist)
        best = np.maximum(shortlist.max(axis=1), observed)
        weights = np.exp(shortlist - best[:, None])
        mass = weights.sum(axis=1) + np.where(in_shortlist, 0.0, np.exp(observed - best))
        log_normaliser = best + np.log(mass)
        log_probability = observed - log_normaliser
        probabilities = weights / mass[:, None]
        entropy = -(probabilities * (shortlist - log_normaliser[:, None])).sum(axis=1)
        rank = (shortlist > observed[:, None]).sum(axis=1)
        return log_probability, rank, entropy, best - observed


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else 0.0


def _sentence_spread(values: np.ndarray, sentences: np.ndarray) -> float:
    """How much the mean of ``values`` varies from sentence to sentence (0 with one sentence)."""
    _, inverse, sizes = np.unique(sentences, return_inverse=True, return_counts=True)
    return float(np.std(np.bincount(inverse, weights=values) / sizes))
