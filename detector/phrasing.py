"""Wording that machine rewriters favour over people writing the same content.

A lexicon holds, for each kind of rewriter (a translation system, an LLM polishing text, a
paraphrasing tool), a weight per word or punctuation mark: how much more often that rewriter
uses it than people do when they write the same thing. The weights are learned from pairs that
share their content (a human and a machine translation of one source, an abstract and its
polish), so topic words cancel out and what is left is how a machine words things: "additionally",
"crucial", "enhance" for an LLM; "epidemic" and ";" for translation systems.

A document's profile under each kind is the mean weight of its words and the shares of words
strongly favoured by machines and by people; its spans are the words a kind favours most.
``detector.training.phrasing`` learns the weights."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from detector.lexical import words_with_offsets

STRONG_WEIGHT = 2.0   # a weight this far from 0 (a z-score) marks a strongly favoured word
TELLING_WEIGHT = 1.0  # the least weight of a word shown as evidence (a span)
PROFILE = ("mean_weight", "machine_word_share", "human_word_share")


def phrasing_feature_names(kinds: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{kind}_{name}" for kind in kinds for name in PROFILE)


class PhrasingLexicon:
    """Word weights per kind of rewriter: ``weights[i, k]`` is how strongly kind ``kinds[k]``
    favours ``words[i]`` over people (positive) or people favour it (negative)."""

    def __init__(self, words: Sequence[str], weights: np.ndarray, kinds: Sequence[str]):
        self.words = tuple(words)
        self.weights = np.asarray(weights, dtype=np.float32).reshape(len(self.words), len(kinds))
        self.kinds = tuple(kinds)
        self.feature_names = phrasing_feature_names(self.kinds)
        self._index = {word: i for i, word in enumerate(self.words)}

    @classmethod
    def from_weights(cls, weights: Mapping[str, Mapping[str, float]]) -> "PhrasingLexicon":
        """A lexicon from ``{kind: {word: weight}}``; a word a kind did not learn weighs 0 there."""
        kinds = tuple(weights)
        words = sorted({word for table in weights.values() for word in table})
        matrix = np.array([[weights[kind].get(word, 0.0) for kind in kinds] for word in words]).reshape(len(words), len(kinds))
        return cls(words, matrix, kinds)

    def word_weights(self, text: str) -> tuple[list[tuple[str, int, int]], np.ndarray]:
        """The words and marks of ``text`` with their offsets, and their weights (one column a kind)."""
        words = words_with_offsets(text)
        rows = np.array([self._index.get(word, -1) for word, _, _ in words], dtype=np.int64)
        weights = np.zeros((len(words), len(self.kinds)), dtype=np.float32)
        known = rows >= 0
        weights[known] = self.weights[rows[known]]
        return words, weights

    def features(self, text: str) -> np.ndarray:
        """One row of ``feature_names``: per kind, the mean weight and the shares of strongly
        machine- and human-favoured words."""
        _, weights = self.word_weights(text)
        if not len(weights):
            return np.zeros(len(self.feature_names))
        return np.column_stack([weights.mean(axis=0), (weights >= STRONG_WEIGHT).mean(axis=0),
                                (weights <= -STRONG_WEIGHT).mean(axis=0)]).ravel()

    def telling_words(self, text: str, kind: str, limit: int) -> list[tuple[int, int, float]]:
        """(begin, end, weight) of the words of ``text`` that ``kind`` favours most (at least
        ``TELLING_WEIGHT``), one occurrence per word, strongest first."""
        words, weights = self.word_weights(text)
        column = weights[:, self.kinds.index(kind)]
        found: dict[str, tuple[int, int, float]] = {}
        for (word, begin, end), weight in zip(words, column):
            if weight >= TELLING_WEIGHT and word[0].isalpha() and word not in found:
                found[word] = (begin, end, float(weight))
        return sorted(found.values(), key=lambda item: -item[2])[:limit]

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}words": np.array(self.words, dtype=np.str_), f"{prefix}weights": self.weights,
                f"{prefix}kinds": np.array(self.kinds, dtype=np.str_)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "PhrasingLexicon":
        return cls([str(w) for w in arrays[f"{prefix}words"]], arrays[f"{prefix}weights"],
                   [str(k) for k in arrays[f"{prefix}kinds"]])
