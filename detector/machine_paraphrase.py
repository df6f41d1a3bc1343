"""The machine-paraphrase attribute: was this English text reworded by a machine (translated, or
translated there and back, paraphrased by a tool, polished by an LLM)? A lexical model's score, the
document's style features and, in models that have one, its phrasing profile under each kind of
rewriter (``detector.phrasing``) feed a gradient-boosted classifier. The local evidence is the
words the likeliest kind of rewriter favours, else the word n-grams that pushed the lexical score up."""
from __future__ import annotations

import numpy as np

from detector.compiled import CompiledForest
from detector.lexical import CompiledLexical
from detector.lm import NgramStats
from detector.phrasing import PROFILE, PhrasingLexicon
from detector.result import Span
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import Token

CATEGORY = "machine_paraphrase"
FEATURE_NAMES = ("lexical_score", *STYLE_FEATURE_NAMES)  # then the phrasing profile, where the model has one
MAX_SPANS = 10
LEXICAL_PREFIX, FOREST_PREFIX, PHRASING_PREFIX = "machine_lexical_", "machine_forest_", "machine_phrasing_"
WORDING_SIGNAL = "machine_wording_"  # then a kind of rewriter: the signal of its wording


class MachineParaphraseModel:
    """Scores one document for the machine-paraphrase attribute."""

    def __init__(self, lexical: CompiledLexical, forest: CompiledForest, threshold: float, stats: NgramStats,
                 phrasing: PhrasingLexicon | None = None):
        self.lexical = lexical
        self.forest = forest
        self.threshold = threshold
        self.stats = stats
        self.phrasing = phrasing
        self.feature_names = FEATURE_NAMES + (phrasing.feature_names if phrasing else ())

    def features(self, text: str, tokens: list[Token], forms: list[str]) -> np.ndarray:
        parts = [[self.lexical.decision(text)], style_features(tokens, forms, self.stats)]
        if self.phrasing is not None:
            parts.append(self.phrasing.features(text))
        return np.concatenate(parts)

    def probability(self, features: np.ndarray) -> np.ndarray:
        return self.forest.predict_proba(np.atleast_2d(features))[:, 1]

    def wording_signals(self, features: np.ndarray) -> dict[str, float]:
        """Per kind of rewriter, the mean weight of the document's words under that kind's
        lexicon (``machine_wording_<kind>``): above 0, the wording leans to that kind of rewriter."""
        if self.phrasing is None:
            return {}
        profiles = np.asarray(features)[len(FEATURE_NAMES):].reshape(len(self.phrasing.kinds), len(PROFILE))
        means = profiles[:, PROFILE.index("mean_weight")]
        return {f"{WORDING_SIGNAL}{kind}": round(float(mean), 4) for kind, mean in zip(self.phrasing.kinds, means)}

    def likeliest_kind(self, signals: dict[str, float]) -> str | None:
        """The kind whose wording the document leans to most, if it leans to any."""
        leaning = {name[len(WORDING_SIGNAL):]: value for name, value in signals.items()
                   if name.startswith(WORDING_SIGNAL) and value > 0}
        return max(leaning, key=leaning.get) if leaning else None

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {**self.lexical.to_arrays(LEXICAL_PREFIX), **self.forest.to_arrays(FOREST_PREFIX)}
        if self.phrasing is not None:
            arrays.update(self.phrasing.to_arrays(PHRASING_PREFIX))
        return arrays

    @classmethod
    def from_arrays(cls, arrays, threshold: float, stats: NgramStats) -> "MachineParaphraseModel":
        phrasing = PhrasingLexicon.from_arrays(arrays, PHRASING_PREFIX) if f"{PHRASING_PREFIX}words" in arrays else None
        return cls(CompiledLexical.from_arrays(arrays, LEXICAL_PREFIX), CompiledForest.from_arrays(arrays, FOREST_PREFIX),
                   threshold, stats, phrasing)

    def spans(self, text: str, probability: float, kind: str | None = None) -> list[Span]:
        """The evidence of a machine rewrite, scored relative to the strongest piece, times the
        document probability: the words ``kind`` favours most, or without a kind the word n-grams
        that weigh most towards machine translation."""
        if kind is not None:
            found, label = self.phrasing.telling_words(text, kind, MAX_SPANS), f"{kind}_wording"
        else:
            found, label = self.lexical.telling_ngrams(text, MAX_SPANS), "machine_translation"
        if not found:
            return []
        strongest = found[0][2]
        return [Span(begin, end, text[begin:end], "", float(probability * weight / strongest), label)
                for begin, end, weight in found]
