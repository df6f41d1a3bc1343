"""Decision thresholds of the spun_text attribute by document length.

A short document has few scored words, so on clean text its score spreads far wider than a long
one's: with one threshold for all lengths, short documents make most of the false positives and
long documents, which carry several times more evidence, must clear a bar set for short ones.
Each length band gets the lowest threshold that keeps its own clean validation false-positive
rate in bounds, so the promise holds at every length."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from detector.normalization import HIDDEN_WORDS

LENGTH_BANDS = (0, 100, 200, 400)  # words; a band runs up to the next edge
MIN_BAND_DOCUMENTS = 100  # a band with fewer clean validation documents takes the all-lengths threshold
MIN_THRESHOLD = 0.5


def lowest_threshold(clean_scores: np.ndarray, max_false_positive_rate: float, floor: float = MIN_THRESHOLD) -> float:
    """The lowest threshold (not under ``floor``) that flags at most ``max_false_positive_rate`` of
    ``clean_scores``: just above the clean score that the allowed flags leave below it. (A quantile
    interpolates between scores, and on a hundred documents can let one more through.)"""
    ordered = np.sort(np.asarray(clean_scores, dtype=float))
    allowed = int(np.floor(max_false_positive_rate * len(ordered) + 1e-9))
    if allowed >= len(ordered):
        return floor
    return float(max(floor, ordered[len(ordered) - allowed - 1] + 1e-6))


@dataclass(frozen=True)
class LengthThresholds:
    edges: tuple[int, ...]    # first word count of each band, ascending, starting at 0
    values: tuple[float, ...]

    def __call__(self, num_words: int) -> float:
        return self.values[self.band(num_words)]

    def band(self, num_words: int) -> int:
        return bisect_right(self.edges, num_words) - 1

    def band_name(self, num_words: int) -> str:
        k = self.band(num_words)
        return f"{self.edges[k]}+ words" if k + 1 == len(self.edges) else f"{self.edges[k]}-{self.edges[k + 1] - 1} words"

    @classmethod
    def choose(cls, clean_scores: np.ndarray, num_words: np.ndarray, max_false_positive_rate: float,
               edges: tuple[int, ...] = LENGTH_BANDS) -> "LengthThresholds":
        """Per band, the lowest threshold that flags at most ``max_false_positive_rate`` of the
        clean validation documents of that length."""
        pooled = lowest_threshold(clean_scores, max_false_positive_rate)
        band = np.searchsorted(edges, num_words, side="right") - 1
        values = tuple(lowest_threshold(clean_scores[band == k], max_false_positive_rate)
                       if np.sum(band == k) >= MIN_BAND_DOCUMENTS else pooled for k in range(len(edges)))
        return cls(tuple(edges), values)

    def raised_for(self, clean_scores: np.ndarray, num_words: np.ndarray, max_false_positive_rate: float,
                   min_documents: int) -> "LengthThresholds":
        """These thresholds, each band raised where needed to flag at most ``max_false_positive_rate``
        of another set of clean documents (another genre of prose), in the bands where that set
        has ``min_documents`` or more."""
        band = np.searchsorted(self.edges, num_words, side="right") - 1
        values = tuple(max(value, lowest_threshold(clean_scores[band == k], max_false_positive_rate))
                       if np.sum(band == k) >= min_documents else value for k, value in enumerate(self.values))
        return LengthThresholds(self.edges, values)

    def to_list(self) -> list[dict]:
        """Manifest and API form: ``[{min_words, threshold}, ...]``."""
        return [{"min_words": edge, "threshold": value} for edge, value in zip(self.edges, self.values)]

    @classmethod
    def from_list(cls, rows: list[dict]) -> "LengthThresholds":
        return cls(tuple(int(r["min_words"]) for r in rows), tuple(float(r["threshold"]) for r in rows))


# Under SHORT_TEXT_WORDS words a score can rest on a single word ("Police said 2 men were arrested"
# scores 0.998): such a text is flagged only with MIN_SHORT_TEXT_EVIDENCE pieces of evidence (swaps
# over 0.5, tortured phrases, words with hidden characters). Chosen on sentence windows of
# validation AllSides articles and WMT21 references (docs/experiments/045).
SHORT_TEXT_WORDS = 100
MIN_SHORT_TEXT_EVIDENCE = 2
TOO_SHORT = "too_short_to_tell"


def too_short_to_tell(num_words: int, signals: dict) -> bool:
    """Whether a text is too short for its evidence to flag it, whatever its score."""
    evidence = (signals.get("swaps_over_0.5", 0) + signals.get("tortured_phrases", 0)
                + signals.get(HIDDEN_WORDS, 0))
    return num_words < SHORT_TEXT_WORDS and evidence < MIN_SHORT_TEXT_EVIDENCE
