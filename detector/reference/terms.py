"""Content terms: the words a rewrite keeps when it rewords. A paraphrase changes function words,
word order and inflection, so texts are compared by the stems of their content words, names and
numbers. The same terms feed the lexical (BM25) candidate stage and the sentence alignment.

The stored postings of a document are these terms of its text: changing what this module returns
changes the storage format (``storage.FORMAT``) and needs a migration."""
from __future__ import annotations

import re
from functools import lru_cache

from detector.candidates import NUMERAL_WORDS
from detector.morphology import IRREGULAR
from detector.text import STOPWORDS, Token, tokenize

NUMERALS = {word: str(value) for value, word in enumerate(NUMERAL_WORDS)}
PART = re.compile(r"[^\W_]+")  # letters and digits: hyphens and apostrophes split a word into parts
DOUBLED = frozenset("bdfgklmnprtz")
SUFFIXES = ("ing", "ed", "ly")


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
    return list(dict.fromkeys(term for terms in token_terms(tokens) for term in terms))


def text_terms(text: str) -> list[str]:
    """``document_terms`` of a text: what the lexical index holds for it, recomputed to take a
    replaced or removed document out of the index."""
    return document_terms(tokenize(text))
