"""Spinner-robust fingerprints. Spinners leave function words, numbers and names alone (DSpin's
"immutables"), so n-grams over the sequence of immutable tokens survive spinning, while plain
word shingles break around every swapped word."""
from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash

from detector.text import STOPWORDS, Token, is_capitalized_name, tokenize
from detector.thesaurus import NUMERAL_WORDS

SHINGLE_SIZE = 5
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J^4)^32: 0.23 at J = 0.3, 0.87 at J = 0.5, 0.9999 at J = 0.8
NUMERALS = {word: str(value) for value, word in enumerate(NUMERAL_WORDS)}


def immutable_sequence(tokens: list[Token]) -> list[str]:
    """The tokens a spinner does not touch, normalised (number words as digits)."""
    sequence = []
    for k, token in enumerate(tokens):
        lower = token.text.lower()
        if lower in NUMERALS:
            sequence.append(NUMERALS[lower])
        elif token.is_number or lower in STOPWORDS or is_capitalized_name(tokens, k):
            sequence.append(lower)
    return sequence


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[bytes]:
    sequence = immutable_sequence(tokenize(text))
    if len(sequence) < size:
        return {" ".join(sequence).encode()} if sequence else set()
    return {" ".join(sequence[k:k + size]).encode() for k in range(len(sequence) - size + 1)}


def minhash(items: set[bytes]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, seed=1)
    signature.update_batch(list(items))
    return signature


def band_keys(signature: MinHash) -> list[bytes]:
    """One key per LSH band: documents sharing any key become candidates of each other."""
    values = np.asarray(signature.hashvalues, dtype=np.uint64).reshape(BANDS, ROWS)
    return [bytes([band]) + hashlib.blake2b(row.tobytes(), digest_size=8).digest() for band, row in enumerate(values)]


def containment(query: set[bytes], source: set[bytes]) -> float:
    """Share of the query's fingerprints found in the source."""
    return len(query & source) / len(query) if query else 0.0
