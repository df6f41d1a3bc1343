"""Content terms: the words a rewrite keeps when it rewords. A paraphrase changes function words,
word order and inflection, so texts are compared by the stems of their content words, names and
numbers. The same terms feed the lexical (BM25) candidate stage and the sentence alignment. The
lexical index also holds a sample of each text's immutable 5-grams (``shingle_terms``), which a
spinner leaves whole: they find a spun passage whose content words were swapped.

The stored postings of a document are ``text_terms`` of its text: changing what this module
returns changes the storage format of both backends (``storage.SQLITE_FORMAT`` and
``storage.REDIS_FORMAT``) and needs a migration."""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain

import numpy as np

from detector.candidates import NUMERAL_WORDS
from detector.morphology import IRREGULAR
from detector.reference.fingerprints import immutable_forms, shingle_hashes
from detector.text import STOPWORDS, Token, tokenize

NUMERALS = {word: str(value) for value, word in enumerate(NUMERAL_WORDS)}
PART = re.compile(r"[^\W_]+")  # letters and digits: hyphens and apostrophes split a word into parts
DOUBLED = frozenset("bdfgklmnprtz")
SUFFIXES = ("ing", "ed", "ly")
SHINGLE_SAMPLE = 8  # one immutable 5-gram in 8 (by hash, the same in every text) becomes a term
SHINGLE_TERM = re.compile(r"q[0-9a-f]{8}")  # what ``shingle_terms`` look like


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light, consistent stem of a lower-case word: inflections fold together ("rising",
    "rises", "rise" -> "ris"; "tries", "tried" -> "tri"), which is all comparing two texts needs; stems need not be words."""
    if word in IRREGULAR:
        word = IRREGULAR[word][0]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            if word[-1] == word[-2] and word[-1] in DOUBLED:
                word = word[:-1]
            break
    if len(word) > 3 and word[-1] == "e":
        word = word[:-1]
    return word[:-1] + "i" if len(word) > 2 and word[-1] == "y" else word


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """Terms of one token: stems of its content parts, number words as digits, numbers without
    their thousands separators; nothing for function words and punctuation."""
    lower = word.lower()
    if lower in NUMERALS:
        return (NUMERALS[lower],)
    if word[0].isdigit():
        return ("".join(PART.findall(lower)),)
    return tuple(stem(part) for part in PART.findall(lower) if len(part) > 1 and part not in STOPWORDS)


def token_terms(tokens: list[Token]) -> list[tuple[str, ...]]:
    """The terms of each token, in order."""
    return [word_terms(token.text) for token in tokens]


def document_terms(tokens: list[Token]) -> list[str]:
    """The distinct terms of a text, in order of first occurrence: what the lexical stage stores."""
    return distinct_terms(token_terms(tokens))


def distinct_terms(terms: list[tuple[str, ...]]) -> list[str]:
    """``document_terms`` of tokens whose ``token_terms`` are known."""
    return list(dict.fromkeys(chain.from_iterable(terms)))


def shingle_terms(hashes: np.ndarray) -> list[str]:
    """The sampled immutable 5-grams (of ``fingerprints.shingle_hashes``) as terms: "q" and the hash
    in hex, a word FTS5 indexes as it is."""
    return [f"q{value:08x}" for value in hashes.tolist() if value % SHINGLE_SAMPLE == 0]


def is_shingle_term(term: str) -> bool:
    """Whether ``term`` has the form of a ``shingle_terms`` term (a word of that form is taken for one
    too: the lexical index cannot tell them apart either)."""
    return len(term) == 9 and term[0] == "q" and SHINGLE_TERM.fullmatch(term) is not None


def text_terms(text: str) -> list[str]:
    """What the lexical index holds for a text: its ``document_terms`` and ``shingle_terms``;
    recomputed to take a replaced or removed document out of the index."""
    tokens = tokenize(text)
    return document_terms(tokens) + shingle_terms(shingle_hashes(immutable_forms(tokens)))
