"""Training of the token-level swap model from spinner ground truth.

Every (word, candidate original) pair of a spun document is an example: positive when the word
was really swapped and the candidate is the true original, negative when the word is untouched.
A linear model on context-fit features. Gradient boosting, and a linear model with interaction
features, scored the training spinner's own output better but learned its quirks: both did worse
on a synonym policy they had not seen, which is what real spinners are."""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from detector.evidence import SubstitutionRecognizer
from detector.spinner import SpunText
from detector.text import lm_form, token_forms, tokenize


def pair_examples(recognizer: SubstitutionRecognizer, spun: SpunText) -> tuple[np.ndarray, np.ndarray]:
    tokens = tokenize(spun.text)
    pairs = recognizer.pairs(tokens, token_forms(spun.text, tokens))
    originals = {c.begin: lm_form(c.original) for c in spun.changes if c.kind != "phrase"}
    in_phrase = {b for c in spun.changes if c.kind == "phrase" for b in range(c.begin, c.end)}
    begins = np.array([tokens[p].begin for p in pairs.positions], dtype=np.int64)[pairs.rows]
    vocabulary = recognizer.stats.vocabulary
    labels = np.array([originals.get(b) == vocabulary[c] for b, c in zip(begins, pairs.candidates)])
    touched = np.array([b in originals or b in in_phrase for b in begins], dtype=bool)
    keep = labels | ~touched
    return pairs.features[keep], labels[keep].astype(np.int8)


def fit_token_model(features: np.ndarray, labels: np.ndarray, seed: int = 0) -> Pipeline:
    """Logistic regression on standardised pair features: swap log-odds per (word, candidate)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, random_state=seed))
    return model.fit(features, labels)


class CompiledLinear:
    """A fitted scaler + linear-model pipeline folded into one weight vector: the same decision
    values without scikit-learn's per-call input checks, which weighed on every document scored."""

    def __init__(self, pipeline: Pipeline):
        scaler, linear = pipeline[0], pipeline[-1]
        self.weights = linear.coef_[0] / scaler.scale_
        self.bias = float(linear.intercept_[0] - np.dot(self.weights, scaler.mean_))

    def decision_function(self, features: np.ndarray) -> np.ndarray:
        return features @ self.weights + self.bias
