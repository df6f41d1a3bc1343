"""Kinds of machine rewriter beyond translation: an LLM polishing text, a paraphrasing tool.

Each kind has its own classifier over the document's style features and its phrasing profile
(``detector.phrasing``), learned from that kind's rewrites against human text of the same content,
and its own threshold. A kind's probability is mapped onto the translation model's scale (its
threshold lands on the attribute's threshold, 0 and 1 stay), so one threshold serves them all.
The attribute's score stays the translation model's unless a kind reaches the threshold
(``MachineParaphraseModel.score``): adding a kind adds its own detections and false positives and
changes nothing else."""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from detector.compiled import CompiledForest
from detector.phrasing import PhrasingLexicon
from detector.style import STYLE_FEATURE_NAMES

LEXICON_PREFIX = "machine_rewriters_"


def forest_prefix(kind: str) -> str:
    return f"machine_rewriter_{kind}_forest_"


def rewriter_feature_names(lexicon: PhrasingLexicon) -> tuple[str, ...]:
    return (*STYLE_FEATURE_NAMES, *lexicon.feature_names)


class RewriterKinds:
    """The classifiers and thresholds of the kinds of rewriter that ``lexicon`` names."""

    def __init__(self, lexicon: PhrasingLexicon, forests: Mapping[str, CompiledForest], thresholds: Mapping[str, float]):
        self.lexicon = lexicon
        self.forests = dict(forests)
        self.thresholds = {kind: float(value) for kind, value in thresholds.items()}
        self.feature_names = rewriter_feature_names(lexicon)

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.lexicon.kinds

    def features(self, text: str, style: np.ndarray) -> np.ndarray:
        return np.concatenate([style, self.lexicon.features(text)])

    def scores(self, features: np.ndarray, threshold: float) -> dict[str, float]:
        """Each kind's probability on the scale whose threshold is ``threshold``."""
        rows = np.atleast_2d(features)
        return {kind: aligned(float(self.forests[kind].predict_proba(rows)[0, 1]), self.thresholds[kind], threshold)
                for kind in self.kinds}

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = self.lexicon.to_arrays(LEXICON_PREFIX)
        for kind, forest in self.forests.items():
            arrays.update(forest.to_arrays(forest_prefix(kind)))
        return arrays

    @classmethod
    def from_arrays(cls, arrays, thresholds: Mapping[str, float]) -> "RewriterKinds | None":
        """The kinds stored in ``arrays``, or None for a model without them."""
        if f"{LEXICON_PREFIX}words" not in arrays:
            return None
        lexicon = PhrasingLexicon.from_arrays(arrays, LEXICON_PREFIX)
        return cls(lexicon, {kind: CompiledForest.from_arrays(arrays, forest_prefix(kind)) for kind in lexicon.kinds},
                   thresholds)


def aligned(probability: float, own_threshold: float, threshold: float) -> float:
    """``probability`` mapped piecewise linearly so that ``own_threshold`` lands on ``threshold``
    (0 and 1 stay where they are): which side of its own threshold a score is on is kept."""
    if probability < own_threshold:
        return threshold * probability / own_threshold
    return threshold + (1.0 - threshold) * (probability - own_threshold) / max(1.0 - own_threshold, 1e-12)
