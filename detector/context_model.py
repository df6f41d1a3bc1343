"""A small neural context model: how likely each word is at a position, given the words around it.

The n-gram statistics only know contexts they have seen; this model generalises across similar
words ("European officials" teaches it about "Western officials"), which is what a swap detector
needs when the exact n-gram was never counted. It reads the ``window`` words on each side (word
embeddings, one hidden layer) and gives every word a score whose differences are log-probability
ratios: ``score(original) - score(observed)`` says how much likelier the candidate original is here
than the word that is there. Words outside its vocabulary share one "rare word" output, split by
their frequency. Inference is plain NumPy; training (``detector.training.context_model``) uses PyTorch.
"""
from __future__ import annotations

import numpy as np

PREFIX = "context_"
MIN_PROBABILITY = 1e-12
SCORE_CHUNK = 4096  # candidate rows scored at a time (about 1 MB of gathered rows)
QUANTIZED = ("embeddings", "output_embeddings")  # stored as int8 rows with a float scale each


class ContextModel:
    """Scores words in their context; parameters are NumPy arrays (stored in the artifact)."""

    def __init__(self, embeddings: np.ndarray, hidden_weights: np.ndarray, hidden_bias: np.ndarray,
                 projection_weights: np.ndarray, projection_bias: np.ndarray, output_embeddings: np.ndarray,
                 output_bias: np.ndarray, window: int, rare_log_share: np.ndarray):
        self.embeddings = embeddings.astype(np.float32)
        self.hidden_weights = hidden_weights.astype(np.float32)  # (2 * window * dim, hidden)
        self.hidden_bias = hidden_bias.astype(np.float32)
        self.projection_weights = projection_weights.astype(np.float32)  # (hidden, output dim)
        self.projection_bias = projection_bias.astype(np.float32)
        self.output_embeddings = output_embeddings.astype(np.float32)
        self.output_bias = output_bias.astype(np.float32)
        self.window = int(window)
        self.rare_log_share = rare_log_share.astype(np.float32)  # per statistics id: log share of the rare mass
        self.vocabulary_size = len(output_bias)  # statistics ids below this have their own output
        self.padding = len(embeddings) - 1  # input id beyond the document's edges
        self.offsets = np.r_[np.arange(-self.window, 0), np.arange(1, self.window + 1)]

    def input_ids(self, ids: np.ndarray) -> np.ndarray:
        """Statistics ids as model input ids: rare words become the unknown word (id 0)."""
        return np.where(ids < self.vocabulary_size, ids, 0)

    def context_vectors(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """One vector per position summarising the words on both sides (``ids`` are statistics ids
        of the whole document)."""
        padded = np.concatenate([np.full(self.window, self.padding), self.input_ids(ids),
                                 np.full(self.window, self.padding)])
        context = padded[positions[:, None] + self.window + self.offsets[None, :]]
        inputs = self.embeddings[context].reshape(len(positions), len(self.offsets) * self.embeddings.shape[1])
        hidden = np.maximum(inputs @ self.hidden_weights + self.hidden_bias, 0.0)
        return hidden @ self.projection_weights + self.projection_bias

    def outputs(self, words: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each word's output row and the constant added to that row's score: a rare word scores
        as the shared rare-word output plus the log of its share of the rare words."""
        own = words < self.vocabulary_size
        return np.where(own, words, 0), np.where(own, self.output_bias[np.where(own, words, 0)],
                                                 self.output_bias[0] + self.rare_log_share[words])

    def scores(self, vectors: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Log-probability (up to a constant per context) of each word in its row's context."""
        return self.output_scores(vectors, np.arange(len(words)), *self.outputs(words))

    def output_scores(self, vectors: np.ndarray, contexts: np.ndarray, rows: np.ndarray,
                      constants: np.ndarray) -> np.ndarray:
        """Scores of words already mapped by ``outputs`` (output ``rows`` and ``constants``), each in
        the context ``vectors[contexts[i]]``. Taken in chunks so that the gathered rows stay in the
        processor's cache: a document has tens of candidates per word."""
        scores = np.empty(len(rows), dtype=np.float32)
        for start in range(0, len(rows), SCORE_CHUNK):
            chunk = slice(start, start + SCORE_CHUNK)
            scores[chunk] = np.einsum("ij,ij->i", vectors[contexts[chunk]], self.output_embeddings[rows[chunk]])
        return scores + constants

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {name: getattr(self, name) for name in ("hidden_weights", "hidden_bias", "projection_weights",
                                                         "projection_bias", "output_bias", "rare_log_share")}
        for name in QUANTIZED:  # the two big tables: one byte a weight, with a scale per row
            arrays[name], arrays[name + "_scale"] = quantize_rows(getattr(self, name))
        arrays["window"] = np.array(self.window)
        return {PREFIX + name: value for name, value in arrays.items()}

    @classmethod
    def from_arrays(cls, arrays) -> "ContextModel":
        get = {name[len(PREFIX):]: arrays[name] for name in arrays if name.startswith(PREFIX)}
        for name in QUANTIZED:
            get[name] = get[name] * get[name + "_scale"][:, None]
        return cls(get["embeddings"], get["hidden_weights"], get["hidden_bias"], get["projection_weights"],
                   get["projection_bias"], get["output_embeddings"], get["output_bias"], int(get["window"]),
                   get["rare_log_share"])

    @staticmethod
    def rare_shares(word_probability: np.ndarray, vocabulary_size: int) -> np.ndarray:
        """For every statistics id, the log of its share of the probability of all rare words."""
        rare_mass = max(float(word_probability[vocabulary_size:].sum()), MIN_PROBABILITY)
        return np.log(np.maximum(word_probability, MIN_PROBABILITY) / rare_mass)


def quantize_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row as int8 values and one float32 scale (``row ~ values * scale``): a quarter of the
    size of float32, with an error under 0.4% of the row's largest weight."""
    scale = np.abs(table).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    return np.round(table / scale[:, None]).astype(np.int8), scale.astype(np.float32)
