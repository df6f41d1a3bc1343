"""The analysis engine: runs the recognizers on a document and condenses their evidence into a
fixed vector of document features for the classifier, plus the spans shown to people."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.evidence import (
    StyleFlipRecognizer,
    SubstitutionEvidence,
    SubstitutionRecognizer,
    TorturedPhraseRecognizer,
)
from detector.result import Span
from detector.text import STOPWORDS, Token, token_forms, tokenize

PROBABILITY_LEVELS = (0.5, 0.8, 0.95)
# Prior weights of a swap for the evidence sums, from "a few words may be swapped" to "many are".
EVIDENCE_WEIGHTS = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
FEATURE_NAMES = (
    ["log_words", "scored_share", "unknown_share", "mean_swap_probability", "top_decile_logit"]
    + [f"swaps_over_{level:g}_rate" for level in PROBABILITY_LEVELS]
    + ["numeral_swap_rate", "function_word_swap_rate", "tortured_phrases"]
    + [f"swap_evidence_{weight:g}" for weight in EVIDENCE_WEIGHTS]
)


@dataclass
class Analysis:
    tokens: list[Token]
    forms: list[str]  # the statistics form of each token (``lm_form``)
    num_words: int
    features: np.ndarray
    spans: list[Span]
    signals: dict


class AnalysisEngine:
    """Runs every recognizer over a text and combines what they found."""

    def __init__(self, substitutions: SubstitutionRecognizer, tortured: TorturedPhraseRecognizer | None,
                 span_min_score: float = 0.5):
        self.substitutions = substitutions
        self.tortured = tortured
        self.style = StyleFlipRecognizer()
        self.span_min_score = span_min_score

    def analyze(self, text: str, tokens: list[Token] | None = None) -> Analysis:
        tokens = tokenize(text) if tokens is None else tokens
        forms = token_forms(text, tokens)
        evidence = self.substitutions.analyze(tokens, forms)
        spans = self.substitutions.spans(tokens, evidence, self.span_min_score)
        tortured = self.tortured.spans(text, tokens, forms) if self.tortured else []
        style = self.style.spans(text, tokens, forms)
        counts = WordCounts.of(tokens, forms, self.substitutions.stats.index)
        signals = {**swap_signals(evidence), "tortured_phrases": len(tortured), "style_flips": len(style)}
        features = document_features(evidence, signals, counts)
        spans = sorted((s for s in spans + tortured + style if s.score >= self.span_min_score), key=lambda s: -s.score)
        return Analysis(tokens, forms, counts.words, features, spans, signals)


@dataclass(frozen=True)
class WordCounts:
    """A document's words, content words (at least 1) and words the statistics do not know."""

    words: int
    content: int
    unknown: int

    @classmethod
    def of(cls, tokens: list[Token], forms: list[str], index: dict[str, int]) -> "WordCounts":
        word_forms = [form for t, form in zip(tokens, forms) if t.text[0].isalnum()]
        return cls(len(word_forms), max(1, sum(1 for form in word_forms if form not in STOPWORDS)),
                   sum(1 for form in word_forms if form not in index))


def swap_signals(evidence: SubstitutionEvidence) -> dict:
    """What the substitution evidence amounts to, in counts a person can read."""
    probability = evidence.probability
    return {
        "scored_words": int(len(probability)),
        "expected_swaps": round(float(probability.sum()), 2),
        "numeral_swaps": int(np.sum((evidence.kinds == 1) & (probability > 0.5))),
        "function_word_swaps": int(np.sum((evidence.kinds == 2) & (probability > 0.5))),
        **{f"swaps_over_{level:g}": int(np.sum(probability > level)) for level in PROBABILITY_LEVELS},
    }


def document_features(evidence: SubstitutionEvidence, signals: dict, counts: WordCounts) -> np.ndarray:
    """The classifier's input (``FEATURE_NAMES``): the token evidence and its ``signals`` (those of
    ``swap_signals`` and the number of tortured phrases) per content word."""
    logit, content = evidence.logit, counts.content
    top = np.sort(logit)[-max(1, len(logit) // 10):] if len(logit) else np.full(1, -10.0)
    values = [
        np.log1p(counts.words),
        len(logit) / content,
        counts.unknown / max(1, counts.words),
        signals["expected_swaps"] / content,
        float(top.mean()),
        *[signals[f"swaps_over_{level:g}"] / content for level in PROBABILITY_LEVELS],
        signals["numeral_swaps"] / content * 10,
        signals["function_word_swaps"] / content * 10,
        np.log1p(signals["tortured_phrases"]),
    ]
    return np.r_[values, swap_evidence(logit, evidence.words, content)]


def swap_evidence(logits: np.ndarray, words: np.ndarray, content_words: int) -> np.ndarray:
    """For each prior weight w of ``EVIDENCE_WEIGHTS``: the sum over distinct scored words of
    log(1 + w * e**logit), per content word. With independent words this is the log-likelihood
    ratio of "spun lightly" against "clean", the sufficient statistic for light spinning. Each word
    counts once, with its strongest occurrence: a term that a document repeats (a unit, a species, a
    product) is its subject, not a swap, and would otherwise be counted at every occurrence."""
    if len(logits) == 0:
        return np.zeros(len(EVIDENCE_WEIGHTS))
    unique, inverse = np.unique(words, return_inverse=True)
    strongest = np.full(len(unique), -np.inf)
    np.maximum.at(strongest, inverse, logits)
    return np.array([np.logaddexp(0.0, np.log(weight) + strongest).sum() / content_words
                     for weight in EVIDENCE_WEIGHTS])
