"""Fitted models in the form the scoring path runs and the artifact stores: plain arrays with the
names of the features they expect, no pickled estimators.

``detector.training.compile`` turns fitted scikit-learn estimators into these; each class here
gives the same predictions as its estimator, faster for one document at a time (scikit-learn walks
its trees one by one in Python and checks its inputs on every call)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FEATURE_NAMES_KEY = "feature_names"


def feature_names_array(names: Sequence[str]) -> np.ndarray:
    """Feature names as a fixed-width string array (storable without pickles)."""
    return np.array(list(names), dtype=np.str_)


class CompiledForest:
    """A binary gradient-boosted forest (numerical features) as flat node arrays: all trees step
    down together in NumPy, so one document costs tens of microseconds."""

    ARRAYS = ("roots", "feature", "threshold", "left", "right", "leaf", "value", "baseline")

    def __init__(self, roots: np.ndarray, feature: np.ndarray, threshold: np.ndarray, left: np.ndarray,
                 right: np.ndarray, leaf: np.ndarray, value: np.ndarray, baseline: float,
                 feature_names: Sequence[str]):
        self.roots = roots.astype(np.int64)
        self.feature = feature.astype(np.int64)
        self.threshold = threshold
        self.left = left.astype(np.int64)
        self.right = right.astype(np.int64)
        self.leaf = leaf.astype(bool)
        self.value = value
        self.baseline = float(baseline)
        self.feature_names = tuple(str(name) for name in feature_names)
        self.depth = _depth(self.roots, self.left, self.right, self.leaf)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (rows, 2), like a classifier's ``predict_proba``."""
        positive = np.array([self._probability(row) for row in np.atleast_2d(features)])
        return np.column_stack([1.0 - positive, positive])

    def _probability(self, row: np.ndarray) -> float:
        node = self.roots.copy()
        for _ in range(self.depth):
            inner = ~self.leaf[node]
            if not inner.any():
                break
            current = node[inner]
            goes_left = row[self.feature[current]] <= self.threshold[current]
            node[inner] = np.where(goes_left, self.left[current], self.right[current])
        raw = self.baseline + self.value[node].sum()
        return 1.0 / (1.0 + np.exp(-raw))

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        arrays = {f"{prefix}{name}": np.asarray(getattr(self, name)) for name in self.ARRAYS}
        return {**arrays, f"{prefix}{FEATURE_NAMES_KEY}": feature_names_array(self.feature_names)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "CompiledForest":
        values = {name: arrays[f"{prefix}{name}"] for name in cls.ARRAYS}
        return cls(**{**values, "baseline": float(values["baseline"])},
                   feature_names=arrays[f"{prefix}{FEATURE_NAMES_KEY}"].tolist())


def _depth(roots: np.ndarray, left: np.ndarray, right: np.ndarray, leaf: np.ndarray) -> int:
    """The number of steps from the roots to the deepest leaf."""
    node, depth = roots.copy(), 0
    while not leaf[node].all():
        inner = node[~leaf[node]]
        node = np.r_[node[leaf[node]], left[inner], right[inner]]
        depth += 1
    return depth


class CompiledLinear:
    """A linear decision function (a scaler and a linear model folded into one weight vector)."""

    def __init__(self, weights: np.ndarray, bias: float, feature_names: Sequence[str]):
        self.weights = weights
        self.bias = float(bias)
        self.feature_names = tuple(str(name) for name in feature_names)

    def decision_function(self, features: np.ndarray) -> np.ndarray:
        return features @ self.weights + self.bias

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}weights": self.weights, f"{prefix}bias": np.asarray(self.bias),
                f"{prefix}{FEATURE_NAMES_KEY}": feature_names_array(self.feature_names)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "CompiledLinear":
        return cls(arrays[f"{prefix}weights"], float(arrays[f"{prefix}bias"]),
                   arrays[f"{prefix}{FEATURE_NAMES_KEY}"].tolist())
