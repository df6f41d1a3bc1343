"""Fitting the token-level swap model from spinner ground truth.

Every (word, candidate original) pair of a spun document is an example: positive when the word
was really swapped and the candidate is the true original, negative when the word is untouched.
A linear model on context-fit features. Gradient boosting, and a linear model with interaction
features, scored the training spinner's own output better but learned its quirks: both did worse
on a synonym policy they had not seen, which is what real spinners are.

One quirk is weighed down on purpose: which synonyms the training spinner prefers. Choosing
uniformly from Moby's lists, it mostly writes rare words, so the model would learn "rare word"
as evidence of a swap and miss spinners that prefer common synonyms (the issue's own examples,
"officers", "navy", "assembly", are common words). Positive examples are reweighted towards the
frequency profile of the words authors write (``frequency_balanced_weights``)."""
from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from detector.evidence import SubstitutionRecognizer
from detector.text import lm_form, token_forms, tokenize
from detector.training.spinner import SpunText

FREQUENCY_BINS = 20  # bands of word frequency, equally filled by the words of untouched text
MAX_POSITIVE_WEIGHT = 2.0  # at most this weight for a positive example in a band the spinner seldom writes


def pair_examples(recognizer: SubstitutionRecognizer, spun: SpunText) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and the observed word (statistics id) of every kept pair."""
    tokens = tokenize(spun.text)
    pairs = recognizer.pairs(tokens, token_forms(spun.text, tokens))
    originals = {c.begin: lm_form(c.original) for c in spun.changes if c.kind != "phrase"}
    in_phrase = {b for c in spun.changes if c.kind == "phrase" for b in range(c.begin, c.end)}
    begins = np.array([tokens[p].begin for p in pairs.positions], dtype=np.int64)[pairs.rows]
    vocabulary = recognizer.stats.vocabulary
    labels = np.array([originals.get(b) == vocabulary[c] for b, c in zip(begins, pairs.candidates)])
    touched = np.array([b in originals or b in in_phrase for b in begins], dtype=bool)
    keep = labels | ~touched
    return pairs.features[keep], labels[keep].astype(np.int8), pairs.words[pairs.rows][keep]


def stacked_examples(examples: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``pair_examples`` of many documents as one features matrix, labels and observed words."""
    features, labels, words = zip(*examples)
    return np.vstack(features), np.concatenate(labels), np.concatenate(words)


def frequency_balanced_weights(word_log_probability: np.ndarray, labels: np.ndarray, chosen: np.ndarray | None = None,
                               bins: int = FREQUENCY_BINS, max_weight: float = MAX_POSITIVE_WEIGHT) -> np.ndarray:
    """Sample weights that move the positives' word-frequency profile towards the negatives':
    each positive is weighed by how much more common its frequency band is among untouched words
    than among swapped ones, at most ``max_weight``; negatives weigh 1, and the positives keep
    their total weight. Only the examples in ``chosen`` (default: all) take part; the others
    weigh 1. Complete matching (no cap) cost more recall on the training policies than it gained
    elsewhere (README, "Synonym frequency")."""
    chosen = np.ones(len(labels), dtype=bool) if chosen is None else chosen
    positive, negative = (labels == 1) & chosen, (labels == 0) & chosen
    edges = np.quantile(word_log_probability[negative], np.linspace(0, 1, bins + 1)[1:-1])
    band = np.searchsorted(edges, word_log_probability)
    negative_share = np.bincount(band[negative], minlength=bins) / max(1, negative.sum())
    positive_share = np.bincount(band[positive], minlength=bins) / max(1, positive.sum())
    ratio = np.minimum(negative_share / np.maximum(positive_share, 1e-12), max_weight)
    weights = np.ones(len(labels))
    weights[positive] = ratio[band[positive]]
    weights[positive] *= positive.sum() / max(weights[positive].sum(), 1e-12)
    return weights


def example_weights(recognizer: SubstitutionRecognizer, words: np.ndarray, labels: np.ndarray,
                    max_weight: float = MAX_POSITIVE_WEIGHT) -> np.ndarray:
    """The training recipe's weights for examples whose observed words are ``words``: synonyms
    balanced by frequency; digits for number words are no synonym choice and keep their weight."""
    synonyms = recognizer.kind_of_id[words] != recognizer.KIND_NAMES.index("numeral")
    return frequency_balanced_weights(np.log(recognizer.stats.probability(words)), labels, synonyms,
                                      max_weight=max_weight)


def fit_token_model(features: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray | None = None,
                    seed: int = 0) -> Pipeline:
    """Logistic regression on standardised pair features: swap log-odds per (word, candidate)."""
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, random_state=seed))
    return model.fit(features, labels, logisticregression__sample_weight=sample_weight)
