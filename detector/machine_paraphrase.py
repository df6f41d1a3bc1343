"""The machine-paraphrase attribute: is this English text machine-translated (or translated there
and back)? A lexical model's score and the document's style features feed a gradient-boosted
classifier; the word n-grams that pushed the lexical score up are the local evidence."""
from __future__ import annotations

import numpy as np

from detector.compiled import CompiledForest
from detector.lexical import CompiledLexical
from detector.lm import NgramStats
from detector.result import Span
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import Token

CATEGORY = "machine_paraphrase"
FEATURE_NAMES = ("lexical_score", *STYLE_FEATURE_NAMES)
MAX_SPANS = 10
LEXICAL_PREFIX, FOREST_PREFIX = "machine_lexical_", "machine_forest_"


class MachineParaphraseModel:
    """Scores one document for the machine-paraphrase attribute."""

    def __init__(self, lexical: CompiledLexical, forest: CompiledForest, threshold: float, stats: NgramStats):
        self.lexical = lexical
        self.forest = forest
        self.threshold = threshold
        self.stats = stats

    def features(self, text: str, tokens: list[Token], forms: list[str]) -> np.ndarray:
        lexical_score = self.lexical.decision(text)
        return np.concatenate([[lexical_score], style_features(tokens, forms, self.stats)])

    def probability(self, features: np.ndarray) -> np.ndarray:
        return self.forest.predict_proba(np.atleast_2d(features))[:, 1]

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {**self.lexical.to_arrays(LEXICAL_PREFIX), **self.forest.to_arrays(FOREST_PREFIX)}

    @classmethod
    def from_arrays(cls, arrays, threshold: float, stats: NgramStats) -> "MachineParaphraseModel":
        return cls(CompiledLexical.from_arrays(arrays, LEXICAL_PREFIX), CompiledForest.from_arrays(arrays, FOREST_PREFIX),
                   threshold, stats)

    def spans(self, text: str, probability: float) -> list[Span]:
        """The word n-grams that weigh most towards machine translation, scored by their weight
        relative to the strongest, times the document probability."""
        found = self.lexical.telling_ngrams(text, MAX_SPANS)
        if not found:
            return []
        strongest = found[0][2]
        return [Span(begin, end, text[begin:end], "", float(probability * weight / strongest), "machine_translation")
                for begin, end, weight in found]
