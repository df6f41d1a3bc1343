"""Counting the n-gram statistics (``detector.lm.NgramStats``) of a stream of clean texts."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import numpy as np

from detector.lm import (
    BOUNDARY,
    ID_BITS,
    MAX_VOCABULARY,
    TABLES,
    UNKNOWN,
    CountTable,
    NgramStats,
    bigram_keys,
    ngram_keys,
    trigram_keys,
)
from detector.text import lm_forms


def build_statistics(texts: Iterable[str], min_word_count: int = 3, min_ngram_count: int = 2,
                     chunk_tokens: int = 4_000_000, extra_words: Iterable[str] = ()) -> NgramStats:
    """Count a stream of texts; words seen fewer than ``min_word_count`` times become unknown, and
    ``extra_words`` keep an id however rarely the texts use them."""
    builder = _Builder()
    for chunk in _chunks(texts, chunk_tokens):
        builder.add(chunk)
    return builder.finish(min_word_count, min_ngram_count, set(extra_words))


def _chunks(texts: Iterable[str], chunk_tokens: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for text in texts:
        chunk.append(BOUNDARY)
        chunk.extend(lm_forms(text))
        if len(chunk) >= chunk_tokens:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Builder:
    """Counts each chunk with its own small word ids, then renumbers all chunks to the final
    vocabulary, so provisional ids never outgrow the 21 bits of a key field."""

    def __init__(self) -> None:
        self.word_counts = Counter()
        self.parts: list[tuple[list[str], dict[str, CountTable]]] = []

    def add(self, forms: list[str]) -> None:
        self.word_counts.update(forms)
        words: dict[str, int] = {BOUNDARY: 0}
        ids = np.fromiter((words.setdefault(form, len(words)) for form in forms), dtype=np.int64, count=len(forms))
        tables = {name: CountTable.from_keys(keys) for name, keys in ngram_keys(ids).items()}
        self.parts.append((list(words), tables))

    def finish(self, min_word_count: int, min_ngram_count: int, extra_words: set[str]) -> NgramStats:
        kept = [w for w, n in self.word_counts.items() if (n >= min_word_count or w in extra_words) and w != BOUNDARY]
        kept.sort(key=lambda w: -self.word_counts[w])
        kept += sorted(extra_words - set(self.word_counts))  # never seen: known only through the prior
        vocabulary = ["<unk>"] + kept[: MAX_VOCABULARY - 1]
        final_id = {word: i for i, word in enumerate(vocabulary)}
        unigram = np.array([0] + [self.word_counts[w] for w in vocabulary[1:]], dtype=np.uint32)
        renumbered = {name: [] for name in TABLES}
        for local_words, tables in self.parts:
            renumber = np.array([final_id.get(w, UNKNOWN) for w in local_words], dtype=np.uint64)
            for name, table in tables.items():
                renumbered[name].append(_renumber(table, renumber, name))
        tables = {
            name: CountTable.from_keys(np.concatenate([keys for keys, _ in parts]),
                                       np.concatenate([counts for _, counts in parts]).astype(np.float64)
                                       ).pruned(min_ngram_count)
            for name, parts in renumbered.items()
        }
        return NgramStats(vocabulary, unigram, tables)


def _renumber(table: CountTable, renumber: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Keys translated to final word ids, and their counts, without n-grams that have an unknown
    word or a boundary."""
    width = 3 if name == "trigram" else 2
    mask = np.uint64(MAX_VOCABULARY)
    fields = [renumber[(table.keys >> np.uint64(ID_BITS * (width - 1 - k))) & mask] for k in range(width)]
    known = np.logical_and.reduce([f != UNKNOWN for f in fields])
    keys = trigram_keys(*fields) if width == 3 else bigram_keys(*fields)
    return keys[known], table.counts[known]
