"""Spinners built from synonym sources the bundled model was not trained on (it learned the Moby
thesaurus), for the held-out-source benchmark (``benchmarks/synonym_sources.py``).

- ``embedding_thesaurus``: each word's nearest neighbours in the context model's word embeddings,
  as an embedding-based spinner swaps them (related words, not only synonyms).
- ``tortured_thesaurus``: real spinner vocabulary, read off the tortured-phrase list: where a
  tortured phrase and its expected phrase have the same length, each word that differs is a swap
  ("big data" -> "enormous information" gives big -> enormous and data -> information).
- ``FluentSpinner``: Moby synonyms, but at each position the one the n-gram statistics find
  likeliest between its neighbours, as a context-aware spinner keeps the most fluent synonym."""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from detector.context_model import ContextModel
from detector.evidence import PARENTHESES, QUOTED
from detector.lm import NgramStats, bigram_keys
from detector.morphology import inflect
from detector.text import STOPWORDS, Token, lm_form
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

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
