"""The table of candidate originals of every vocabulary word, as the scoring path reads it.

A spinner went from an original word to one of the original's listed synonyms, so the candidate
originals of an observed word are the headwords whose synonym lists contain it. The table is
built at training time (``detector.training.thesaurus.build_candidate_table``) and stored as
arrays in the model artifact."""
from __future__ import annotations

import numpy as np

MAX_LIST_SIZE = np.iinfo(np.uint16).max
NUMERAL_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()
FUNCTION_WORD_SWAPS = {
    "within": ("in",), "inside": ("in",), "upon": ("on",), "amongst": ("among",), "whilst": ("while",),
    "regarding": ("about",), "concerning": ("about",), "towards": ("to", "toward"), "via": ("through", "by"),
    "till": ("until",), "thus": ("so",), "hence": ("so",), "therefore": ("so",), "albeit": ("although",),
    "nonetheless": ("but",), "beneath": ("under", "below"), "amid": ("in", "among"), "ere": ("before",),
}


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


def fixed_originals(word: str) -> tuple[str, ...]:
    """Originals that no thesaurus lists: number words for digits, plain function words."""
    if word.isdigit() and int(word) < len(NUMERAL_WORDS):
        return (NUMERAL_WORDS[int(word)],)
    return FUNCTION_WORD_SWAPS.get(word, ())
