"""The reference index: add originals, and for a query find the sources it was rewritten from.

Two candidate stages feed one verification. The fingerprints (MinHash LSH over immutable 5-grams,
verified by containment) find spun copies, whose content words were swapped; the lexical stage
(BM25 over the query's rarest content terms) finds rewordings and partial copies, which keep the
content words but not the immutable 5-grams. Every candidate is then aligned sentence by sentence
(``matching``), and only sources with aligned passages are returned."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from detector.inputs import DocumentError, check_id, check_text
from detector.reference.fingerprints import band_keys, containment, minhash, pack, shingle_hashes, unpack
from detector.reference.matching import Prepared, compare, prepare
from detector.reference.storage import Entry, ReferenceStorage, open_storage
from detector.reference.terms import document_terms
from detector.result import Match
from detector.text import Token, tokenize

MIN_CONTAINMENT = 0.5
MIN_SHINGLES = 5  # fewer immutable 5-grams (a text of a dozen words) make no reliable fingerprint
MAX_REFERENCE_CHARS = 2_000_000
LEXICAL_CANDIDATES = 10
MAX_QUERY_TERMS = 32
POSTING_BUDGET = 4000  # postings a lexical search may read beyond its rarest term: bounds its time


def fingerprint_keys(hashes: np.ndarray) -> list[bytes]:
    """LSH band keys of a fingerprint; none for texts too short to fingerprint, whose few
    shingles would put them in the same buckets as every other short text."""
    return band_keys(minhash(hashes)) if hashes.size >= MIN_SHINGLES else []


def entry(document_id: str, text: str) -> Entry:
    """What the storage keeps of a document: its text, band keys, fingerprint and content terms."""
    tokens = tokenize(text)
    hashes = shingle_hashes(tokens)
    return Entry(document_id, text, fingerprint_keys(hashes), pack(hashes), document_terms(tokens))


def rare_terms(frequencies: dict[str, int]) -> list[str]:
    """The terms to search for: the rarest the index holds, at most ``MAX_QUERY_TERMS`` and, after
    the first, ``POSTING_BUDGET`` postings in all. Rare terms (names, numbers, uncommon words) pick
    out the source; common ones would cost time and rank nothing."""
    chosen, budget = [], POSTING_BUDGET
    for term, count in sorted(frequencies.items(), key=lambda item: (item[1], item[0])):
        if len(chosen) >= MAX_QUERY_TERMS or (chosen and count > budget):
            break
        chosen.append(term)
        budget -= count
    return chosen


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
        """Sources of ``text``, best copy first; empty when nothing matches. A text that cannot be
        read raises ``DocumentError``."""
        tokens = tokenize(check_text(text, self.max_chars))
        fingerprinted = self._fingerprinted(tokens)
        candidates = list(dict.fromkeys([*fingerprinted, *self._lexical(tokens)]))
        matches = self._compared(prepare(text, tokens), self.storage.texts(candidates), fingerprinted)
        return sorted(matches, key=lambda m: -m.copy_score)[:limit]

    def _fingerprinted(self, tokens: list[Token]) -> list[str]:
        """Sources whose fingerprint holds most of the query's: candidates for a spun copy."""
        hashes = shingle_hashes(tokens)
        keys = fingerprint_keys(hashes)
        if not keys:
            return []
        shared = self.storage.candidates(keys)
        # A source shares many bands with its spun copy, chance neighbours one or two: only
        # candidates with at least half the best count are worth verifying.
        candidates = [source_id for source_id, count in shared if 2 * count >= shared[0][1]]
        return [source_id for source_id, fingerprint in self.storage.fingerprints(candidates).items()
                if containment(hashes, unpack(fingerprint)) >= MIN_CONTAINMENT]

    def _lexical(self, tokens: list[Token]) -> list[str]:
        """The sources that rank highest by BM25 over the query's rarest terms."""
        terms = rare_terms(self.storage.frequencies(document_terms(tokens)))
        return [source_id for source_id, _ in self.storage.search(terms, LEXICAL_CANDIDATES)]

    @staticmethod
    def _compared(query: Prepared, sources: dict[str, str], fingerprinted: list[str]) -> list[Match]:
        """Matches of the sources the alignment accepts; a text stored under several ids (the
        corpora repeat articles) is compared once."""
        done: dict[tuple[str, bool], Match | None] = {}
        matches = []
        for source_id, source in sources.items():
            key = (source, source_id in fingerprinted)
            if key not in done:
                done[key] = compare(query, prepare(source), source_id, key[1])
            if done[key] is not None:
                matches.append(replace(done[key], source_id=source_id))
        return matches

    def close(self) -> None:
        self.storage.close()


def open_index(location: str, create: bool = False) -> ReferenceIndex:
    """The index at ``location`` (an SQLite path or a redis:// URL), created only when ``create``."""
    return ReferenceIndex(open_storage(location, create=create))
