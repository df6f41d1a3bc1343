"""Compact n-gram statistics: a vocabulary, unigram counts and exactly keyed bigram, trigram and
skip-bigram (``a _ c``) count tables, looked up in bulk.

Word ids take 21 bits, so a trigram key is one unsigned 64-bit integer. Sorted keys are stored
as deltas, which compress well. In memory each table groups its keys in buckets by the first bits
of a multiplicative hash, which spreads them evenly (about one key a bucket), so a lookup takes one
or two vectorised probes instead of a binary search.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

ID_BITS = 21
MAX_VOCABULARY = (1 << ID_BITS) - 1
UNKNOWN = 0
BOUNDARY = "<s>"
TABLES = ("bigram", "trigram", "skip")
PRIOR_SHARE = 0.1  # weight of the prior frequencies, as a share of the corpus size


def bigram_keys(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a.astype(np.uint64) << np.uint64(ID_BITS)) | b.astype(np.uint64)


def trigram_keys(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    return (bigram_keys(a, b) << np.uint64(ID_BITS)) | c.astype(np.uint64)


def ngram_keys(ids: np.ndarray) -> dict[str, np.ndarray]:
    """Keys of every bigram, trigram and skip-bigram in a sequence of word ids."""
    return {
        "bigram": bigram_keys(ids[:-1], ids[1:]),
        "trigram": trigram_keys(ids[:-2], ids[1:-1], ids[2:]),
        "skip": bigram_keys(ids[:-2], ids[2:]),
    }


HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing
LOW_32_BITS = np.uint64(0xFFFFFFFF)


class CountTable:
    """Unique keys with their counts, grouped in hash buckets for fast bulk lookups."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray):
        self.bits = max(1, int(len(keys)).bit_length())  # about one key per bucket
        packed = self._buckets(keys)
        sizes = np.bincount(packed.view(np.int64), minlength=1 << self.bits)
        self.bucket_starts = np.zeros(len(sizes) + 1, dtype=np.int32)
        np.cumsum(sizes, out=self.bucket_starts[1:])  # straight into int32: no 64-bit copies of the biggest array
        # Sort (bucket, position) pairs packed in one integer: much faster than an argsort. In place,
        # as the biggest tables have millions of keys.
        packed <<= np.uint64(32)
        packed |= np.arange(len(keys), dtype=np.uint64)
        packed.sort()
        packed &= LOW_32_BITS
        order = packed.view(np.int64)
        self.keys, self.counts = keys[order], counts[order]

    def __len__(self) -> int:
        return len(self.keys)

    def _buckets(self, keys: np.ndarray) -> np.ndarray:
        """The bucket of each key (unsigned 64-bit)."""
        with np.errstate(over="ignore"):
            buckets = keys.astype(np.uint64, copy=False) * HASH_MULTIPLIER
        buckets >>= np.uint64(64 - self.bits)
        return buckets

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """The count of each query key (0 when absent)."""
        found = np.zeros(len(queries), dtype=np.float64)
        if len(self.keys) == 0:
            return found
        bucket = self._buckets(queries).view(np.int64)
        place, end = self.bucket_starts[bucket], self.bucket_starts[bucket + 1]
        active = np.flatnonzero(place < end)
        while len(active):
            at = place[active]
            hit = self.keys[at] == queries[active]
            found[active[hit]] = self.counts[at[hit]]
            place[active] += 1
            active = active[~hit & (place[active] < end[active])]
        return found

    def sorted_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Keys in ascending order and their counts (the storage form)."""
        order = np.argsort(self.keys)
        return self.keys[order], self.counts[order]

    @classmethod
    def from_keys(cls, keys: np.ndarray, weights: np.ndarray | None = None) -> "CountTable":
        """Count (or sum ``weights`` of) each distinct key."""
        unique, inverse = np.unique(keys, return_inverse=True)
        counts = np.bincount(inverse, weights=weights, minlength=len(unique))
        return cls(unique, counts.astype(np.uint32))

    def pruned(self, min_count: int) -> "CountTable":
        keep = self.counts >= min_count
        return CountTable(self.keys[keep], self.counts[keep])


class NgramStats:
    """Word statistics of clean English used to judge how well a word fits its context."""

    def __init__(self, vocabulary: list[str], unigram: np.ndarray, tables: dict[str, CountTable],
                 prior: np.ndarray | None = None):
        self.vocabulary = vocabulary
        self.index = {word: i for i, word in enumerate(vocabulary)}
        self.unigram = unigram.astype(np.float64)
        self.total = float(self.unigram.sum())
        self.tables = tables
        self.prior = np.zeros(len(vocabulary)) if prior is None else prior.astype(np.float64)
        # Word probabilities: corpus counts smoothed towards general English frequencies (the prior),
        # which is all there is for thesaurus words the corpora lack.
        weight = self.total * PRIOR_SHARE if prior is not None else 0.0
        self.word_probability = (self.unigram + weight * self.prior) / (self.total + weight)

    def ids(self, forms: Iterable[str]) -> np.ndarray:
        get = self.index.get
        return np.fromiter((get(form, UNKNOWN) for form in forms), dtype=np.int64)

    def count(self, table: str, keys: np.ndarray) -> np.ndarray:
        return self.tables[table].lookup(keys)

    def probability(self, ids: np.ndarray) -> np.ndarray:
        return self.word_probability[ids]

    def with_prior(self, frequency) -> "NgramStats":
        """The same statistics with a prior frequency per word (e.g. ``wordfreq.word_frequency``)."""
        prior = np.array([0.0] + [frequency(word) for word in self.vocabulary[1:]])
        return NgramStats(self.vocabulary, self.unigram, self.tables, prior)

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {
            "vocabulary": np.frombuffer("\n".join(self.vocabulary).encode("utf-8"), dtype=np.uint8),
            "unigram": self.unigram.astype(np.uint32),
            "prior": self.prior.astype(np.float32),
        }
        for name, table in self.tables.items():
            keys, counts = table.sorted_arrays()
            arrays[f"{name}_key_deltas"] = np.diff(keys, prepend=np.uint64(0))
            arrays[f"{name}_counts"] = counts
        return arrays

    @classmethod
    def from_arrays(cls, arrays) -> "NgramStats":
        vocabulary = bytes(arrays["vocabulary"]).decode("utf-8").split("\n")
        tables = {
            name: CountTable(np.cumsum(arrays[f"{name}_key_deltas"], dtype=np.uint64), arrays[f"{name}_counts"])
            for name in TABLES
        }
        return cls(vocabulary, arrays["unigram"], tables, arrays.get("prior"))
