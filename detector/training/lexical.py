"""Fitting the lexical model of machine-translated English (``detector.lexical``): the blocks of
hashed n-grams side by side, sublinear TF-IDF, then a logistic regression."""
from __future__ import annotations

from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from detector.lexical import block_vectorizers


def lexical_model(C: float = 1.0, only: tuple[str, ...] | None = None) -> Pipeline:
    """Unfitted pipeline: the hashed TF-IDF blocks side by side (all three, or ``only`` those named,
    for experiments: such a model cannot be compiled), then a logistic regression."""
    blocks = FeatureUnion([(name, Pipeline([("hash", vectorizer), ("tfidf", TfidfTransformer(sublinear_tf=True))]))
                           for name, vectorizer in block_vectorizers().items() if only is None or name in only])
    return Pipeline([("blocks", blocks), ("regression", LogisticRegression(C=C, max_iter=3000))])
