"""Lexical model of machine-translated English: word choices ("epidemic" for "pandemic", "new
crown"), function-word and punctuation skeletons ("in order to", "; and") and character n-grams,
hashed into fixed-size TF-IDF vectors and weighed by a logistic regression
(``detector.training.lexical`` fits it; ``CompiledLexical`` scores with its arrays).

Trained on translations of the same source documents by people and by machines, so topic words
cancel out and what remains is how machines word things."""
from __future__ import annotations

import re

import numpy as np
from sklearn.base import clone
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

from detector.text import STOPWORDS, normalize

WORD = re.compile(r"\w+|[^\w\s]")
HASH_FEATURES = 1 << 19
HASHING = {"n_features": HASH_FEATURES, "alternate_sign": False, "norm": None}
SKELETON_SUFFIX_MIN = 5  # content words longer than this keep their last two letters (-ed, -ly, -ng)
MAX_CACHED_WORDS = 100_000


def normalized_lower(text: str) -> str:
    return normalize(text).lower()


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Lower-case normalised words and punctuation marks with their offsets in ``text``. Lower-casing
    the whole text at once is fast, but some letters grow ("İ" becomes two characters), and then
    its offsets would drift: such a text is split first and each word lower-cased."""
    lowered = normalized_lower(text)
    if len(lowered) == len(text):
        return [(m.group(), m.start(), m.end()) for m in WORD.finditer(lowered)]
    return [(m.group().lower(), m.start(), m.end()) for m in WORD.finditer(normalize(text))]


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams."""
    words = [w for w, _, _ in words_with_offsets(text)]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def skeleton_ngrams(text: str) -> list[str]:
    """2- to 4-grams of the text's skeleton: function words and punctuation as they are, content
    words reduced to their shape, so sentence structure counts and topic does not."""
    shapes = [_shape(word) for word in WORD.findall(normalize(text))]
    return [" ".join(shapes[i:i + n]) for n in (2, 3, 4) for i in range(len(shapes) - n + 1)]


def _shape(word: str) -> str:
    lower = word.lower()
    if lower in STOPWORDS or not word[0].isalnum():
        return lower
    if word[0].isdigit():
        return "<num>"
    if word[0].isupper():
        return "<Name>"
    return "<w" + (lower[-2:] if len(lower) > SKELETON_SUFFIX_MIN else "") + ">"


def block_vectorizers() -> dict[str, HashingVectorizer]:
    """The hashing of each block of n-grams, in column order: word n-grams, skeleton n-grams and
    character n-grams inside words. Training and scoring hash with exactly these."""
    return {
        "words": HashingVectorizer(analyzer=word_ngrams, **HASHING),
        "skeleton": HashingVectorizer(analyzer=skeleton_ngrams, **HASHING),
        "characters": HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=normalized_lower,
                                        **HASHING),
    }


class CompiledLexical:
    """The fitted lexical model for one text at a time: per block, the inverse document
    frequencies and regression weights of every hashed column, and plain array arithmetic for
    sublinear TF-IDF, L2 normalisation and the weighted sum."""

    def __init__(self, idf: np.ndarray, weights: np.ndarray, intercept: float):
        self.idf = idf  # (blocks, HASH_FEATURES)
        self.weights = weights  # (blocks, HASH_FEATURES)
        self.intercept = float(intercept)
        self.counters = [WordCachedCounter(vectorizer) if vectorizer.analyzer == "char_wb" else _RowCounter(vectorizer)
                         for vectorizer in block_vectorizers().values()]

    def decision(self, text: str) -> float:
        score = self.intercept
        for block in range(len(self.counters)):
            score += float(self._contributions(block, text)[1].sum())
        return score

    def telling_ngrams(self, text: str, limit: int) -> list[tuple[int, int, float]]:
        """(begin, end, weight) of the word n-grams of ``text`` that point most to machine
        translation, strongest first: the local evidence behind the lexical score."""
        columns, contributions = self._contributions(0, text)  # the word block
        contribution = dict(zip(columns, contributions))
        found = {}
        for gram, begin, end in _ngram_spans(text):
            column = _column(gram, HASH_FEATURES)
            value = contribution.get(column, 0.0)
            if value > 0 and gram not in found:
                found[gram] = (begin, end, value)
        return sorted(found.values(), key=lambda item: -item[2])[:limit]

    def _contributions(self, block: int, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Hashed columns of one block's n-grams in ``text`` and what each adds to the score."""
        columns, counts = self.counters[block].counts(text)
        values = (1.0 + np.log(counts)) * self.idf[block, columns]
        norm = np.sqrt(np.dot(values, values))
        return columns, (values / norm if norm > 0 else values) * self.weights[block, columns]

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}idf": self.idf, f"{prefix}weights": self.weights,
                f"{prefix}intercept": np.asarray(self.intercept)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> "CompiledLexical":
        return cls(arrays[f"{prefix}idf"], arrays[f"{prefix}weights"], float(arrays[f"{prefix}intercept"]))


class _RowCounter:
    """Hashed n-gram counts of one text, straight from the vectorizer."""

    def __init__(self, vectorizer: HashingVectorizer):
        self.vectorizer = vectorizer

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        row = self.vectorizer.transform([text])
        return row.indices, row.data


class WordCachedCounter:
    """The same counts as a ``char_wb`` HashingVectorizer, several times faster: its n-grams never
    cross a space, so a text's counts are the sum of its words' counts, and each distinct word is
    hashed once and remembered (news reuses most of its words)."""

    def __init__(self, vectorizer: HashingVectorizer, max_words: int = MAX_CACHED_WORDS):
        self.preprocess = vectorizer.build_preprocessor()
        self.word_vectorizer = clone(vectorizer).set_params(preprocessor=_unchanged)
        self.max_words = max_words
        self.words: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def counts(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        words = self.preprocess(text).split()
        if not words:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        found = {word: self.words.get(word) for word in set(words)}
        found.update(self._hash([word for word, entry in found.items() if entry is None]))
        columns = np.concatenate([found[word][0] for word in words])
        counts = np.concatenate([found[word][1] for word in words])
        unique, inverse = np.unique(columns, return_inverse=True)
        return unique, np.bincount(inverse, weights=counts)

    def _hash(self, new_words: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        if not new_words:
            return {}
        rows = self.word_vectorizer.transform(new_words)
        hashed = {word: (rows.indices[rows.indptr[k]:rows.indptr[k + 1]], rows.data[rows.indptr[k]:rows.indptr[k + 1]])
                  for k, word in enumerate(new_words)}
        if len(self.words) + len(hashed) > self.max_words:
            self.words = {}  # a new dictionary: another thread may still be reading the old one
        if len(hashed) <= self.max_words:
            self.words.update(hashed)
        return hashed


def _column(gram: str, n_features: int) -> int:
    """The column HashingVectorizer gives ``gram`` (signed MurmurHash3 of its UTF-8, seed 0)."""
    hashed = murmurhash3_32(gram, seed=0)
    if hashed == -2**31:
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(hashed) % n_features


def _unchanged(text: str) -> str:
    return text


def _ngram_spans(text: str) -> list[tuple[str, int, int]]:
    words = words_with_offsets(text)
    bigrams = [(f"{a[0]} {b[0]}", a[1], b[2]) for a, b in zip(words, words[1:])]
    return [w for w in words if w[0][0].isalnum()] + bigrams
