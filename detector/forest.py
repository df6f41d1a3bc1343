"""Fast single-document prediction for a fitted ``HistGradientBoostingClassifier``.

scikit-learn walks its trees one by one in Python, about a millisecond per call for one row;
here all trees step down together in NumPy, so scoring one document costs tens of microseconds."""
from __future__ import annotations

import numpy as np


class CompiledForest:
    """The trees of a binary HistGradientBoostingClassifier (numerical features) as flat arrays."""

    def __init__(self, classifier):
        trees = [predictors[0].nodes for predictors in classifier._predictors]
        offsets = np.cumsum([0] + [len(t) for t in trees[:-1]])
        nodes = np.concatenate(trees)
        shift = np.repeat(offsets, [len(t) for t in trees])
        self.roots = offsets
        self.feature = nodes["feature_idx"].astype(np.int64)
        self.threshold = nodes["num_threshold"]
        self.left = nodes["left"].astype(np.int64) + shift
        self.right = nodes["right"].astype(np.int64) + shift
        self.leaf = nodes["is_leaf"].astype(bool)
        self.value = nodes["value"]
        self.baseline = float(np.ravel(classifier._baseline_prediction)[0])
        self.depth = int(nodes["depth"].max())

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (rows, 2), like the classifier's own ``predict_proba``."""
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
