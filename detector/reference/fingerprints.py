"""Spinner-robust fingerprints. Spinners leave function words, numbers and names alone (DSpin's
"immutables"), so n-grams over the sequence of immutable tokens survive spinning, while plain
word shingles break around every swapped word."""
from __future__ import annotations

import hashlib

import numpy as np
from datasketch import MinHash

from detector.candidates import NUMERAL_WORDS
from detector.text import STOPWORDS, Token, is_capitalized_name

SHINGLE_SIZE = 5
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1 - (1 - J^4)^32: 0.23 at J = 0.3, 0.87 at J = 0.5, 0.9999 at J = 0.8
NUMERALS = {word: str(value) for value, word in enumerate(NUMERAL_WORDS)}
MIN_SHINGLES = 5  # fewer immutable 5-grams (a text of a dozen words) make no reliable fingerprint
HASH_DTYPE = np.dtype("<u4")  # datasketch's default MinHash input hash is 32 bits (SHA-1 prefix)


def immutable_forms(tokens: list[Token]) -> list[str | None]:
    """Each token's normalised form (number words as digits) when a spinner does not touch it, else None."""
    forms: list[str | None] = []
    for k, token in enumerate(tokens):
        text = token.text
        lower = text.lower()
        if lower in NUMERALS:
            forms.append(NUMERALS[lower])
        elif lower in STOPWORDS or text[0].isdigit() or (text[0].isupper() and is_capitalized_name(tokens, k)):
            forms.append(lower)  # (a number, a function word or a name; the cheap tests first)
        else:
            forms.append(None)
    return forms


def shingle_hashes(forms: list[str | None], size: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the immutable ``size``-grams (of ``immutable_forms``): the
    document's fingerprint, stored with it so that verifying a candidate needs no re-tokenising."""
    sequence = [form for form in forms if form is not None]
    grams = [sequence[k:k + size] for k in range(len(sequence) - size + 1)] or ([sequence] if sequence else [])
    # datasketch's sha1_hash32: the first 4 bytes of the SHA-1 digest, little-endian
    digests = b"".join([hashlib.sha1(" ".join(gram).encode()).digest()[:4] for gram in grams])
    return np.unique(np.frombuffer(digests, dtype=HASH_DTYPE))


def pack(hashes: np.ndarray) -> bytes:
    return hashes.astype(HASH_DTYPE, copy=False).tobytes()


def unpack(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=HASH_DTYPE)


EMPTY = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)  # copied, so that the permutations are drawn once


def minhash(hashes: np.ndarray) -> MinHash:
    """MinHash of already hashed shingles (the same signature datasketch gives the shingles)."""
    signature = EMPTY.copy()
    signature.update_batch(hashes.tolist())
    return signature


def band_keys(signature: MinHash) -> list[bytes]:
    """One key per LSH band: documents sharing any key become candidates of each other."""
    values = np.asarray(signature.hashvalues, dtype=np.uint64).reshape(BANDS, ROWS)
    return [bytes([band]) + hashlib.blake2b(row.tobytes(), digest_size=8).digest() for band, row in enumerate(values)]


def fingerprint_keys(hashes: np.ndarray) -> list[bytes]:
    """LSH band keys of a fingerprint; none for texts too short to fingerprint, whose few
    shingles would put them in the same buckets as every other short text."""
    return band_keys(minhash(hashes)) if hashes.size >= MIN_SHINGLES else []


def containment(query: np.ndarray, source: np.ndarray) -> float:
    """Share of the query's fingerprint found in the source's (both sorted and distinct)."""
    return np.intersect1d(query, source, assume_unique=True).size / query.size if query.size else 0.0
