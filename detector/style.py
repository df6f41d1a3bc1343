"""Document style features for the machine-paraphrase attribute: how surprising the words are to
the n-gram statistics of native English, how varied the vocabulary is, and how sentences and
punctuation are used. Each is a rate or a distribution summary, so documents of any length compare."""
from __future__ import annotations

import numpy as np

from detector.lm import NgramStats, bigram_keys, trigram_keys
from detector.text import STOPWORDS, Token

BIGRAM_WEIGHT = 0.6       # interpolation weights of the smoothed word probability
TRIGRAM_WEIGHT = 0.5
DIVERSITY_WINDOW = 50     # words per window of the moving type-token ratio
RARE_ZIPF = 3.0           # wordfreq-style Zipf value under which a content word counts as rare
PUNCTUATION = {"comma": ",", "semicolon": ";", "colon": ":", "dash": "-", "quote": '"', "parenthesis": "("}
STYLE_FEATURE_NAMES = (
    "log_words", "logprob_mean", "logprob_std", "logprob_q10", "logprob_q50", "logprob_q90",
    "unseen_bigram_share", "unseen_trigram_share", "known_share", "content_zipf_mean", "rare_share",
    "moving_type_token_ratio", "content_share", "sentence_words_mean", "sentence_words_std",
    *[f"{name}_rate" for name in PUNCTUATION], "contraction_rate", "repeated_bigram_share",
)


def style_features(tokens: list[Token], forms: list[str], stats: NgramStats) -> np.ndarray:
    """One row of ``STYLE_FEATURE_NAMES`` for a tokenised document."""
    words = [form for token, form in zip(tokens, forms) if token.text[0].isalnum()]
    n = max(1, len(words))
    ids = stats.ids(words)
    logprob, unseen_bigrams, unseen_trigrams = _surprisal(ids, stats)
    content = [w for w in words if w not in STOPWORDS and w[0].isalpha()]
    zipf = np.log10(stats.probability(stats.ids(content)) + 1e-9) + 9.0 if content else np.zeros(1)
    sentence_words = np.bincount([t.sentence for t in tokens if t.text[0].isalnum()]) if words else np.zeros(1)
    symbols = [f for t, f in zip(tokens, forms) if not t.text[0].isalnum()]
    pairs = list(zip(content, content[1:]))
    return np.array([
        np.log1p(len(words)), logprob.mean(), logprob.std(), *np.quantile(logprob, [0.1, 0.5, 0.9]),
        unseen_bigrams, unseen_trigrams, float(np.mean(ids > 0)) if len(ids) else 0.0,
        float(zipf.mean()), float(np.mean(zipf < RARE_ZIPF)),
        _moving_type_token_ratio(words), len(content) / n,
        float(sentence_words.mean()), float(sentence_words.std()),
        *[symbols.count(mark) / n for mark in PUNCTUATION.values()],
        sum(1 for w in words if "'" in w) / n,
        1.0 - len(set(pairs)) / max(1, len(pairs)),
    ], dtype=np.float64)


def _surprisal(ids: np.ndarray, stats: NgramStats) -> tuple[np.ndarray, float, float]:
    """Log-probability of each word given the two before it (interpolated trigram, bigram and
    smoothed unigram estimates), and the shares of known-word bigrams and trigrams never seen."""
    if len(ids) < 3:
        return np.zeros(1), 0.0, 0.0
    unigram = stats.unigram
    bigrams = stats.count("bigram", bigram_keys(ids[:-1], ids[1:]))
    trigrams = stats.count("trigram", trigram_keys(ids[:-2], ids[1:-1], ids[2:]))
    word = stats.probability(ids)
    bigram_estimate = BIGRAM_WEIGHT * bigrams / np.maximum(unigram[ids[:-1]], 1) + (1 - BIGRAM_WEIGHT) * word[1:]
    trigram_estimate = (TRIGRAM_WEIGHT * trigrams / np.maximum(bigrams[:-1], 1)
                        + (1 - TRIGRAM_WEIGHT) * bigram_estimate[1:])
    known = ids > 0
    known_bigrams = known[:-1] & known[1:]
    known_trigrams = known[:-2] & known[1:-1] & known[2:]
    return (np.log(trigram_estimate + 1e-12),
            float(np.mean(bigrams[known_bigrams] == 0)) if known_bigrams.any() else 0.0,
            float(np.mean(trigrams[known_trigrams] == 0)) if known_trigrams.any() else 0.0)


def _moving_type_token_ratio(words: list[str]) -> float:
    if len(words) <= DIVERSITY_WINDOW:
        return len(set(words)) / max(1, len(words))
    starts = range(0, len(words) - DIVERSITY_WINDOW + 1, DIVERSITY_WINDOW // 5)
    return float(np.mean([len(set(words[s:s + DIVERSITY_WINDOW])) / DIVERSITY_WINDOW for s in starts]))
