"""The reference index: add originals, and for a query find the sources it was spun from,
verified by fingerprint containment and explained by a word alignment."""
from __future__ import annotations

import numpy as np

from detector.inputs import DocumentError, check_id, check_text
from detector.reference.align import Alignment, align
from detector.reference.fingerprints import band_keys, containment, minhash, pack, shingle_hashes, unpack
from detector.reference.storage import Entry, ReferenceStorage, open_storage
from detector.result import Match
from detector.text import Token, tokenize

MIN_CONTAINMENT = 0.5
MIN_SHINGLES = 5  # fewer immutable 5-grams (a text of a dozen words) make no reliable fingerprint
MIN_COVERAGE = 0.3
MAX_REFERENCE_CHARS = 2_000_000


def fingerprint_keys(hashes: np.ndarray) -> list[bytes]:
    """LSH band keys of a fingerprint; none for texts too short to fingerprint, whose few
    shingles would put them in the same buckets as every other short text."""
    return band_keys(minhash(hashes)) if hashes.size >= MIN_SHINGLES else []


def entry(document_id: str, text: str) -> Entry:
    """What the storage keeps of a document: its text, band keys and fingerprint."""
    hashes = shingle_hashes(tokenize(text))
    return Entry(document_id, text, fingerprint_keys(hashes), pack(hashes))


class ReferenceIndex:
    def __init__(self, storage: ReferenceStorage, max_chars: int = MAX_REFERENCE_CHARS):
        self.storage = storage
        self.max_chars = max_chars

    def add_many(self, documents: list[tuple[str, str]]) -> list[dict]:
        """Index (id, text) pairs in one atomic write; returns one error per rejected document, with
        its position in ``documents`` (``index``). The others are stored."""
        accepted, errors, seen = [], [], set()
        for position, (document_id, text) in enumerate(documents):
            try:
                check_id(document_id)
                if document_id in seen:
                    raise DocumentError("duplicate_id", f"id {document_id!r} appears more than once in this batch")
                check_text(text, self.max_chars)
            except DocumentError as exc:
                errors.append({"index": position, "id": None if exc.code == "invalid_id" else document_id,
                               "code": exc.code, "message": str(exc)})
                continue
            seen.add(document_id)
            accepted.append(entry(document_id, text))
        if accepted:
            self.storage.add_many(accepted)
        return errors

    def remove(self, document_id: str) -> bool:
        return self.storage.remove(document_id)

    def stats(self) -> dict:
        return self.storage.stats()

    def query(self, text: str, limit: int = 3) -> list[Match]:
        """Verified sources of ``text``, best copy first; empty when nothing matches. A text that
        cannot be read raises ``DocumentError``."""
        tokens = tokenize(check_text(text, self.max_chars))
        hashes = shingle_hashes(tokens)
        keys = fingerprint_keys(hashes)
        if not keys:
            return []
        shared = self.storage.candidates(keys)
        # A source shares many bands with its spun copy, chance neighbours one or two: only
        # candidates with at least half the best count are worth verifying.
        candidates = [source_id for source_id, count in shared if 2 * count >= shared[0][1]]
        verified = [source_id for source_id, fingerprint in self.storage.fingerprints(candidates).items()
                    if containment(hashes, unpack(fingerprint)) >= MIN_CONTAINMENT]
        matches = self._aligned(text, tokens, self.storage.texts(verified))
        return sorted(matches, key=lambda m: -m.copy_score)[:limit]

    @staticmethod
    def _aligned(text: str, tokens: list[Token], sources: dict[str, str]) -> list[Match]:
        """Matches of the sources the query covers enough; a text stored under several ids (the
        corpora repeat articles) is aligned once."""
        alignments: dict[str, Alignment] = {}
        matches = []
        for source_id, source in sources.items():
            if source not in alignments:
                alignments[source] = align(text, source, tokens)
            if alignments[source].coverage >= MIN_COVERAGE:
                matches.append(alignments[source].match(source_id))
        return matches

    def close(self) -> None:
        self.storage.close()


def open_index(location: str, create: bool = False) -> ReferenceIndex:
    """The index at ``location`` (an SQLite path or a redis:// URL), created only when ``create``."""
    return ReferenceIndex(open_storage(location, create=create))
