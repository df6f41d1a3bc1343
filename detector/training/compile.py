"""Fitted scikit-learn estimators turned into the array models of the scoring path
(``detector.compiled``, ``detector.lexical``): what the artifact stores instead of pickles.

Reading a ``HistGradientBoostingClassifier``'s trees needs its private ``_predictors`` and
``_baseline_prediction``; that happens here, at training time, once. tests/test_compile.py checks
that each compiled model predicts what its estimator predicts, so a scikit-learn release that
changes those internals fails a test instead of a user's model."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline

from detector.compiled import CompiledForest, CompiledLinear
from detector.lexical import CompiledLexical


def compile_forest(classifier: HistGradientBoostingClassifier, feature_names: Sequence[str]) -> CompiledForest:
    """The trees of a fitted binary classifier (numerical features, no missing values) as flat arrays."""
    trees = [predictors[0].nodes for predictors in classifier._predictors]
    sizes = [len(tree) for tree in trees]
    offsets = np.cumsum([0] + sizes[:-1])
    nodes = np.concatenate(trees)
    shift = np.repeat(offsets, sizes)
    return CompiledForest(roots=offsets, feature=nodes["feature_idx"], threshold=nodes["num_threshold"],
                          left=nodes["left"].astype(np.int64) + shift, right=nodes["right"].astype(np.int64) + shift,
                          leaf=nodes["is_leaf"], value=nodes["value"],
                          baseline=float(np.ravel(classifier._baseline_prediction)[0]), feature_names=feature_names)


def compile_linear(pipeline: Pipeline, feature_names: Sequence[str]) -> CompiledLinear:
    """A fitted scaler + linear model pipeline folded into one weight vector."""
    scaler, linear = pipeline[0], pipeline[-1]
    weights = linear.coef_[0] / scaler.scale_
    return CompiledLinear(weights, float(linear.intercept_[0] - np.dot(weights, scaler.mean_)), feature_names)


def compile_lexical(pipeline: Pipeline) -> CompiledLexical:
    """A fitted ``detector.training.lexical.lexical_model`` as per-block IDF and weight arrays."""
    regression = pipeline.named_steps["regression"]
    blocks = pipeline.named_steps["blocks"].transformer_list
    tfidfs = [block.named_steps["tfidf"] for _, block in blocks]
    if not all(tfidf.sublinear_tf for tfidf in tfidfs):
        raise ValueError("the compiled lexical model computes sublinear TF-IDF only")
    weights = regression.coef_[0].reshape(len(blocks), -1)
    return CompiledLexical(np.vstack([tfidf.idf_ for tfidf in tfidfs]), weights, float(regression.intercept_[0]))
