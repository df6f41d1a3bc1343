"""Synonym sources of the training spinner, beside the Moby thesaurus (``Thesaurus.load``).

Real spinners draw on different vocabularies, so the spinner that makes spun_text's training data
can draw on several, and the candidate originals the scoring path considers come from all of them.
Each source can be held out of training to measure how the model does on a vocabulary it never
learned (``benchmarks/leave_one_source_out.py``).

- ``moby``: the Moby thesaurus, context-free synonym lists.
- ``embedding``: each word's nearest neighbours in the context model's word embeddings, as an
  embedding-based spinner swaps them (related words, not only synonyms).
- ``tortured``: real spinner vocabulary, read off the tortured-phrase list: where a tortured phrase
  and its expected phrase have the same length, each word that differs is a swap ("big data" ->
  "enormous information" gives big -> enormous and data -> information)."""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.context_model import ContextModel
from detector.evidence import PARENTHESES, QUOTED
from detector.lm import NgramStats
from detector.text import STOPWORDS
from detector.training.thesaurus import Thesaurus

MOBY, EMBEDDING, TORTURED = "moby", "embedding", "tortured"
SYNONYM_SOURCES = (MOBY, EMBEDDING, TORTURED)
EMBEDDING_WORDS = 20_000    # the most frequent words get neighbours
EMBEDDING_NEIGHBOURS = 10
NEIGHBOUR_CHUNK = 2_000     # rows of the similarity matrix computed at a time


def embedding_thesaurus(model: ContextModel, stats: NgramStats, words: int = EMBEDDING_WORDS,
                        neighbours: int = EMBEDDING_NEIGHBOURS) -> Thesaurus:
    """Each of the ``words`` most frequent alphabetic content words, with its ``neighbours``
    nearest others by cosine similarity of the context model's input embeddings (less its own
    inflections: "meetings" is no swap for "meeting")."""
    ids = np.array([i for i in range(1, min(words, len(stats.vocabulary), model.padding))
                    if stats.vocabulary[i].isalpha() and stats.vocabulary[i] not in STOPWORDS])
    vectors = model.embeddings[ids]
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    synonyms = {}
    for start in range(0, len(ids), NEIGHBOUR_CHUNK):
        similarity = vectors[start:start + NEIGHBOUR_CHUNK] @ vectors.T
        np.fill_diagonal(similarity[:, start:start + NEIGHBOUR_CHUNK], -np.inf)
        nearest = np.argsort(-similarity, axis=1)[:, :neighbours]
        for row, columns in enumerate(nearest):
            word = stats.vocabulary[ids[start + row]]
            synonyms[word] = [other for other in (stats.vocabulary[ids[c]] for c in columns)
                              if not _same_stem(word, other)]
    return Thesaurus(synonyms, {})


def _same_stem(word: str, other: str) -> bool:
    return other.startswith(word) or word.startswith(other)


def tortured_thesaurus(path: str | Path) -> Thesaurus:
    """Expected words and phrases mapped to their tortured versions (rows whose search expression
    is not one quoted phrase are skipped, as ``TorturedPhraseRecognizer`` skips them)."""
    synonyms, phrases = defaultdict(list), defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            quoted = QUOTED.match(row["tortured_phrase"])
            if quoted is None or " AND " in row["tortured_phrase"] or "~" in row["tortured_phrase"]:
                continue
            tortured = quoted.group(1).lower().split()
            expected = PARENTHESES.sub("", row["expected_phrase"]).strip(" ?").lower().split()
            if not expected or tortured == expected:
                continue
            phrases[" ".join(expected)].append(" ".join(tortured))
            if len(tortured) == len(expected):
                for original, swap in zip(expected, tortured):
                    if original != swap and original.isalpha() and swap.isalpha() and swap not in synonyms[original]:
                        synonyms[original].append(swap)
    return Thesaurus(dict(synonyms), {k: v for k, v in phrases.items() if len(k.split()) in (2, 3)})


def check_synonym_sources(names: Sequence[str], tortured_phrases: str | Path | None) -> None:
    """Refuse unknown source names, none at all, or the tortured source without its list."""
    unknown = [name for name in names if name not in SYNONYM_SOURCES]
    if unknown or not names:
        raise ValueError(f"unknown synonym source {', '.join(unknown) or '(none given)'}; choose from "
                         f"{', '.join(SYNONYM_SOURCES)}")
    if TORTURED in names and not tortured_phrases:
        raise ValueError("the tortured synonym source needs the tortured-phrase list (tortured_phrases_dev.csv)")


def load_synonym_sources(names: Sequence[str], stats: NgramStats, context_model: ContextModel,
                         tortured_phrases: str | Path | None) -> dict[str, Thesaurus]:
    """The named sources (``SYNONYM_SOURCES``), in the order given."""
    check_synonym_sources(names, tortured_phrases)
    build = {MOBY: Thesaurus.load, EMBEDDING: lambda: embedding_thesaurus(context_model, stats),
             TORTURED: lambda: tortured_thesaurus(tortured_phrases)}
    return {name: build[name]() for name in names}
