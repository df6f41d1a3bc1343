"""Where the reference index keeps its documents: one interface, two backends.

Each document is stored with its LSH band keys and its fingerprint (the packed shingle hashes that
verification compares), its content terms in a lexical index that ranks documents by BM25 (the
candidate stage that survives rewording), and its sentence sketch (what the sentence alignment
reads), so that a query reads the text only of the sources that match. ``SQLiteStorage`` is the embedded default (WAL mode, full sync: an acknowledged insert
survives a crash; several processes may share the file; FTS5 for the lexical index).
``RedisStorage`` shares one index between machines (posting lists scored in a server-side script)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import NamedTuple

# Storage format of each backend: how it lays a document out, and what a document's entry is (its
# keys, fingerprint, terms and sketch: changing those bumps both). 1: texts and band keys only;
# 2: fingerprints stored too; 3: lexical index and sentence sketches; 4, SQLite only: band keys in
# one table keyed (key, document number); 5, SQLite only: the document number an explicit INTEGER
# PRIMARY KEY, and no vocabulary row for the sampled immutable 5-grams (FTS5 counts them). Redis's
# layout did not change: its indexes need no upgrade.
SQLITE_FORMAT, REDIS_FORMAT = 5, 3
MAX_CANDIDATES = 8  # verified by fingerprint: the true source shares the most bands, duplicates tie with it
# BM25 as FTS5 computes it; every term counts once per document (the stored terms are distinct).
BM25_K1, BM25_B = 1.2, 0.75


class Entry(NamedTuple):
    id: str
    text: str
    keys: list[bytes]
    fingerprint: bytes
    terms: list[str]  # distinct terms for the lexical index (``terms.text_terms``)
    sketch: bytes  # its sentences, packed (``sketch.pack``), for verification


def last_of_each(entries: list[Entry]) -> list[Entry]:
    """One entry an id, the last given, where the first stood: what storing them one by one leaves."""
    return list({entry.id: entry for entry in entries}.values())


class ReferenceIndexError(RuntimeError):
    """The reference index cannot be used; the message says why and what to do."""


class IndexUnavailable(ReferenceIndexError):
    """The index does not exist, is not an index, or cannot be reached."""


class IndexFormatError(ReferenceIndexError):
    def __init__(self, where: str, found: int, current: int):
        advice = ("upgrade it with: python -m detector.reference.migrate INDEX (INDEX as given to --index)"
                  if found < current else "it was written by a newer spun-detector")
        super().__init__(f"reference index {where} has storage format {found}, this version reads format "
                         f"{current}: {advice}")


def check_format(where: str, found: int | None, current: int, upgrade: bool) -> None:
    """Accept a new store (``found`` None), the ``current`` format, and an older one when upgrading."""
    if found is not None and found != current and not (upgrade and found < current):
        raise IndexFormatError(where, found, current)


class ReferenceStorage(ABC):
    @abstractmethod
    def add_many(self, entries: list[Entry]) -> None:
        """Store entries atomically; an existing id is replaced (and left alone when its text is the
        same and it is stored in the current format)."""

    @abstractmethod
    def remove(self, document_id: str) -> bool:
        """Delete a document with its keys, fingerprint, terms and sketch; False when it was not there."""

    @abstractmethod
    def texts(self, document_ids: list[str]) -> dict[str, str]:
        """Texts of the given ids that are stored, in one round trip."""

    @abstractmethod
    def fingerprints(self, document_ids: list[str]) -> dict[str, bytes]:
        """Packed fingerprints of the given ids that are stored, in one round trip."""

    @abstractmethod
    def sketches(self, document_ids: list[str]) -> dict[str, bytes]:
        """Packed sentence sketches of the given ids that are stored, in one round trip."""

    def text(self, document_id: str) -> str | None:
        return self.texts([document_id]).get(document_id)

    @abstractmethod
    def candidates(self, keys: list[bytes], limit: int = MAX_CANDIDATES) -> list[tuple[str, int]]:
        """Ids sharing at least one band key, with the number of keys shared, most first."""

    @abstractmethod
    def frequencies(self, terms: list[str]) -> dict[str, int]:
        """How many documents hold each term, for the terms some document holds, in one round trip."""

    @abstractmethod
    def search(self, terms: list[str], limit: int) -> list[tuple[str, float]]:
        """The ``limit`` documents that score highest by BM25 over ``terms``, with their scores,
        best first. The caller picks rare terms: every posting of every term is read."""

    @abstractmethod
    def ids(self) -> list[str]:
        """Every stored id."""

    def outdated_ids(self) -> list[str]:
        """Ids whose entries an upgrade must store again, computed from their texts (all of them,
        unless the backend knows that its older format's entries are the current ones)."""
        return self.ids()

    @abstractmethod
    def mark_current_format(self) -> None:
        """Record that every document is stored in the current format (the end of an upgrade)."""

    @abstractmethod
    def stats(self) -> dict: ...

    def close(self) -> None:
        pass


def open_storage(location: str, upgrade: bool = False, create: bool = False) -> ReferenceStorage:
    """``redis://...`` selects Redis; anything else is the path of an SQLite file, created (with its
    folders) only when ``create``: a mistyped path must not become a new, empty index. A file that
    this process cannot write is opened read-only. An index in an older format raises
    ``IndexFormatError`` unless ``upgrade`` (used by the migration); one that cannot be opened
    raises ``IndexUnavailable``."""
    if location.startswith(("redis://", "rediss://", "unix://")):
        from detector.reference.redis_storage import RedisStorage

        return RedisStorage(location, upgrade=upgrade)
    from detector.reference.sqlite_storage import SQLiteStorage

    path = Path(location)
    if path.is_dir():
        raise IndexUnavailable(f"reference index {location} is a directory; give the path of an index file")
    if not path.exists():
        if not create:
            raise IndexUnavailable(f"no reference index at {location}; create one with 'spun-detector index add'")
        path.parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStorage(path, upgrade=upgrade)
