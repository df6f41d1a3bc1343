"""The embedded backend: one SQLite file in WAL mode with full sync, so an acknowledged insert
survives a crash and several processes can share the file. The format number is the file's
``user_version``; a file with documents but no number is format 1.

The lexical index is a contentless FTS5 table (rowid = the document's rowid; its terms are not
stored twice: taking a document out recomputes them from its text) and a ``vocabulary`` table of
document frequencies, which FTS5 cannot give cheaply and which choosing rare query terms needs."""
from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from detector.reference.fingerprints import fingerprint_keys, unpack
from detector.reference.storage import (
    MAX_CANDIDATES,
    SQLITE_FORMAT,
    IndexUnavailable,
    ReferenceStorage,
    check_format,
    last_of_each,
)
from detector.reference.terms import text_terms

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, text TEXT NOT NULL)",
    # Apart from the texts, so that reading a fingerprint never walks a long text's overflow pages.
    "CREATE TABLE IF NOT EXISTS fingerprints (id TEXT PRIMARY KEY, hashes BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sketches (id TEXT PRIMARY KEY, sentences BLOB NOT NULL)",
    # LSH band keys, one B-tree keyed (key, document rowid): a document's rows are found by computing
    # its keys again from its fingerprint, so no index by document is written. (Format 3 had a
    # ``bands`` table of (key, id) with an index by key and one by id: three B-trees a key.)
    "CREATE TABLE IF NOT EXISTS buckets (key BLOB NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID",
)
MAX_VARIABLES = 900  # per statement: SQLite builds before 3.32 allow 999
# FTS5 keeps new terms in memory up to this size before writing them out as a segment (default 1 MB):
# a batch of 1,000 news articles fits, and fewer, larger segments need fewer merges.
FTS_HASH_BYTES = 16 << 20
# Pages of a new file (SQLite's default is 4 KB). A batch of 1,000 documents inserts band keys and
# terms all over the band-key index and the vocabulary, dirtying most of their pages, each one
# written to the WAL at commit and again at the checkpoint: fewer, larger pages cost less per byte.
# An existing file keeps its page size.
PAGE_BYTES = 16384
# Page cache while a batch is stored (SQLite's default is 2 MB): the pages a batch dirties are
# read and changed many times over. Given back at the end of the batch.
WRITE_CACHE_KIB = 256 << 10
COUNT = ("INSERT INTO vocabulary (term, documents) VALUES (?, ?) "
         "ON CONFLICT (term) DO UPDATE SET documents = documents + excluded.documents")


class SQLiteStorage(ReferenceStorage):
    def __init__(self, path: str | Path, upgrade: bool = False):
        self.path = Path(path)
        self.lock = threading.Lock()
        self.read_only = self.path.exists() and not os.access(self.path, os.W_OK)
        self.upgrading = False  # opened to be upgraded from an older format: every document is stored again
        try:
            self.connection = self._connect()
            if self.read_only:
                check_format(str(self.path), self._stored_format(self.connection.cursor()), SQLITE_FORMAT, False)
            else:
                self._set_up(upgrade)
        except sqlite3.DatabaseError as exc:  # a file that is not a database, a locked or unreadable one
            raise IndexUnavailable(f"reference index {self.path} cannot be opened: {exc}") from None

    def _connect(self) -> sqlite3.Connection:
        """A connection; a file this process cannot write is opened read-only and immutable (nothing
        may change it behind our back that we could see), so WAL needs no shared-memory file."""
        if self.read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            return sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        connection.execute(f"PRAGMA page_size = {PAGE_BYTES}")  # before anything is written; else ignored
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        return connection

    def _set_up(self, upgrade: bool) -> None:
        with self._transaction() as cursor:  # one writer at a time: a new file is set up once
            found = self._stored_format(cursor)
            check_format(str(self.path), found, SQLITE_FORMAT, upgrade)
            self.upgrading = found is not None and found < SQLITE_FORMAT
            for statement in SCHEMA:
                cursor.execute(statement)
            if cursor.execute("SELECT 1 FROM search_config WHERE k = 'hashsize'").fetchone() is None:
                cursor.execute("INSERT INTO search (search, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
            if found is None:
                cursor.execute(f"PRAGMA user_version = {SQLITE_FORMAT}")

    @staticmethod
    def _stored_format(cursor: sqlite3.Cursor) -> int | None:
        version = cursor.execute("PRAGMA user_version").fetchone()[0]
        if version:
            return version
        return 1 if cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone() else None

    @contextmanager
    def _transaction(self, cache_kib: int | None = None) -> Iterator[sqlite3.Cursor]:
        """One write transaction; with ``cache_kib``, a page cache of that size while it lasts."""
        if self.read_only:
            raise IndexUnavailable(f"reference index {self.path} is read-only here: it can be queried, not changed")
        with self.lock:
            cursor = self.connection.cursor()
            default = cursor.execute("PRAGMA cache_size").fetchone()[0] if cache_kib else None
            if cache_kib:
                cursor.execute(f"PRAGMA cache_size = {-cache_kib}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                try:
                    yield cursor
                except BaseException:
                    cursor.execute("ROLLBACK")
                    raise
                cursor.execute("COMMIT")
            finally:
                if cache_kib:
                    cursor.execute(f"PRAGMA cache_size = {default}")

    def _select(self, table: str, column: str, document_ids: list[str]) -> dict:
        if not document_ids:
            return {}
        marks = ",".join("?" * len(document_ids))
        with self.lock:
            return dict(self.connection.execute(f"SELECT id, {column} FROM {table} WHERE id IN ({marks})",
                                                document_ids).fetchall())

    def add_many(self, entries):
        """Row by row only what needs a row's answer (is it stored, its rowid), then each table in one
        ``executemany``, band keys and terms sorted (neighbours in the indexes' B-trees), the lexical
        index last: FTS5 writes its pending terms out at every later statement of the transaction,
        which made storing the texts slower than everything else together."""
        with self._transaction(WRITE_CACHE_KIB) as cursor:
            counts: Counter[str] = Counter()
            unsearched: list[tuple[int, str]] = []
            stored = []
            for entry in last_of_each(entries):
                if self._unchanged(cursor, entry, counts, unsearched):
                    continue
                rowid = cursor.execute("INSERT INTO documents (id, text) VALUES (?, ?) ON CONFLICT (id) DO UPDATE "
                                       "SET text = excluded.text RETURNING rowid", (entry.id, entry.text)).fetchone()[0]
                stored.append((rowid, entry))
                counts.update(entry.terms)
            cursor.executemany("INSERT OR REPLACE INTO fingerprints (id, hashes) VALUES (?, ?)",
                               [(entry.id, entry.fingerprint) for _, entry in stored])
            cursor.executemany("INSERT OR REPLACE INTO sketches (id, sentences) VALUES (?, ?)",
                               [(entry.id, entry.sketch) for _, entry in stored])
            cursor.executemany("INSERT INTO buckets (key, doc) VALUES (?, ?)",
                               sorted((key, rowid) for rowid, entry in stored for key in entry.keys))
            self._count(cursor, counts)
            cursor.executemany("INSERT INTO search (search, rowid, terms) VALUES ('delete', ?, ?)", unsearched)
            cursor.executemany("INSERT INTO search (rowid, terms) VALUES (?, ?)",
                               [(rowid, " ".join(entry.terms)) for rowid, entry in stored])

    def _unchanged(self, cursor: sqlite3.Cursor, entry, counts: Counter[str], unsearched: list[tuple[int, str]]) -> bool:
        """True when ``entry`` is stored as it is, in the current format; otherwise takes the stored
        version's band keys out and notes what takes its terms out of the lexical index
        (subtracting them from ``counts``)."""
        old = cursor.execute("SELECT rowid, text FROM documents WHERE id = ?", (entry.id,)).fetchone()
        if old is None:
            return False
        searchable = self._searchable(cursor, old[0])  # not when stored by a format before the lexical index
        if searchable and old[1] == entry.text and not self.upgrading:
            return True
        self._unbucket(cursor, old[0], entry.id)
        if searchable:
            unsearched.append(self._unsearch(old[0], old[1], counts))
        return False

    @staticmethod
    def _unbucket(cursor: sqlite3.Cursor, rowid: int, document_id: str) -> None:
        """Takes a document's band keys out, computed again from its stored fingerprint (rows are
        written with the fingerprint, in one transaction, so they are the same keys)."""
        stored = cursor.execute("SELECT hashes FROM fingerprints WHERE id = ?", (document_id,)).fetchone()
        if stored is not None:
            cursor.executemany("DELETE FROM buckets WHERE key = ? AND doc = ?",
                               [(key, rowid) for key in fingerprint_keys(unpack(stored[0]))])

    @staticmethod
    def _searchable(cursor: sqlite3.Cursor, rowid: int) -> bool:
        return cursor.execute("SELECT 1 FROM search_docsize WHERE id = ?", (rowid,)).fetchone() is not None

    @staticmethod
    def _unsearch(rowid: int, text: str, counts: Counter[str]) -> tuple[int, str]:
        """The row that takes a document out of the contentless FTS5 table, which needs the very
        terms it was given; subtracts them from ``counts``."""
        terms = text_terms(text)
        counts.subtract(terms)
        return rowid, " ".join(terms)

    @staticmethod
    def _count(cursor: sqlite3.Cursor, counts: Counter[str]) -> None:
        cursor.executemany(COUNT, [(term, counts[term]) for term in sorted(counts) if counts[term]])
        if min(counts.values(), default=0) < 0:
            cursor.execute("DELETE FROM vocabulary WHERE documents <= 0")

    def remove(self, document_id):
        with self._transaction() as cursor:
            old = cursor.execute("SELECT rowid, text FROM documents WHERE id = ?", (document_id,)).fetchone()
            if old is None:
                return False
            counts: Counter[str] = Counter()
            if self._searchable(cursor, old[0]):
                cursor.execute("INSERT INTO search (search, rowid, terms) VALUES ('delete', ?, ?)",
                               self._unsearch(old[0], old[1], counts))
                self._count(cursor, counts)
            self._unbucket(cursor, old[0], document_id)
            cursor.execute("DELETE FROM fingerprints WHERE id = ?", (document_id,))
            cursor.execute("DELETE FROM sketches WHERE id = ?", (document_id,))
            cursor.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            return True

    def texts(self, document_ids):
        return self._select("documents", "text", document_ids)

    def fingerprints(self, document_ids):
        return self._select("fingerprints", "hashes", document_ids)

    def sketches(self, document_ids):
        return self._select("sketches", "sentences", document_ids)

    def candidates(self, keys, limit=MAX_CANDIDATES):
        marks = ",".join("?" * len(keys))
        with self.lock:
            rows = self.connection.execute(
                f"SELECT documents.id, best.shared FROM (SELECT doc, COUNT(*) AS shared FROM buckets "
                f"WHERE key IN ({marks}) GROUP BY doc ORDER BY shared DESC LIMIT ?) AS best "
                f"JOIN documents ON documents.rowid = best.doc ORDER BY best.shared DESC", (*keys, limit)).fetchall()
        return [(doc_id, shared) for doc_id, shared in rows]

    def frequencies(self, terms):
        found = {}
        with self.lock:
            for start in range(0, len(terms), MAX_VARIABLES):
                chunk = terms[start:start + MAX_VARIABLES]
                found.update(self.connection.execute(
                    f"SELECT term, documents FROM vocabulary WHERE term IN ({','.join('?' * len(chunk))})", chunk))
        return found

    def search(self, terms, limit):
        if not terms:
            return []
        query = " OR ".join(f'"{term}"' for term in terms)
        with self.lock:
            rows = self.connection.execute(
                "SELECT documents.id, best.score FROM (SELECT rowid, -rank AS score FROM search WHERE search MATCH ? "
                "ORDER BY rank LIMIT ?) AS best JOIN documents ON documents.rowid = best.rowid ORDER BY best.score DESC",
                (query, limit)).fetchall()
        return [(document_id, score) for document_id, score in rows]

    def ids(self):
        with self.lock:
            return [row[0] for row in self.connection.execute("SELECT id FROM documents")]

    def mark_current_format(self):
        with self._transaction() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bands")  # formats 1-3's band keys, now in ``buckets``
            cursor.execute(f"PRAGMA user_version = {SQLITE_FORMAT}")
        self.upgrading = False

    def stats(self):
        with self.lock:
            count = self.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return {"backend": "sqlite", "documents": count, "bytes": size}

    def close(self):
        self.connection.close()
