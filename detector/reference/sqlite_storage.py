"""The embedded backend: one SQLite file in WAL mode with full sync, so an acknowledged insert
survives a crash and several processes can share the file. The format number is the file's
``user_version``; a file with documents but no number is format 1.

The lexical index is a contentless FTS5 table (rowid = the document's number; its terms are not
stored twice: taking a document out recomputes them from its text). Choosing rare query terms needs
their document frequencies: a ``vocabulary`` table counts the words' (FTS5 cannot give them cheaply
for common words), and the sampled immutable 5-grams (``terms.is_shingle_term``), nearly all of the
distinct terms and all of them rare or fairly rare, are counted by FTS5 itself when a query asks
(``search_terms``, an fts5vocab table): since format 5 they have no row of their own to upsert."""
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
from detector.reference.terms import is_shingle_term, text_terms

DOCUMENTS = "CREATE TABLE IF NOT EXISTS {name} (doc INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, text TEXT NOT NULL)"
# LSH band keys, one B-tree keyed (part, key, document number), ``part`` being the number's
# ``PART_BITS`` high bits: a document's rows are found by computing its keys again from its
# fingerprint, so no index by document is written (format 3 had a ``bands`` table of (key, id)
# indexed both ways: three B-trees a key), and a batch of new documents inserts its keys into the
# last part only, whose pages are a fraction of the table's (format 4 keyed (key, doc): a batch
# dirtied nearly every page of the table, each written to the WAL at commit and again at the
# checkpoint). A lookup seeks each key in every part.
BUCKETS = ("CREATE TABLE IF NOT EXISTS {name} (part INTEGER NOT NULL, key BLOB NOT NULL, doc INTEGER NOT NULL, "
           "PRIMARY KEY (part, key, doc)) WITHOUT ROWID")
PART_BITS = 14  # 16,384 documents a part: 7 parts at 100,000 documents
SCHEMA = (
    # The document number is an explicit INTEGER PRIMARY KEY (format 5): the FTS5 table and the band
    # keys refer to it, and VACUUM may renumber an implicit rowid.
    DOCUMENTS.format(name="documents"),
    # Apart from the texts, so that reading a fingerprint never walks a long text's overflow pages.
    "CREATE TABLE IF NOT EXISTS fingerprints (id TEXT PRIMARY KEY, hashes BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sketches (id TEXT PRIMARY KEY, sentences BLOB NOT NULL)",
    BUCKETS.format(name="buckets"),
    "CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')",
    # Document frequencies of the terms that are not shingle terms; those are read from FTS5's own
    # doclists (format 5; formats 3 and 4 gave each of them a row here too).
    "CREATE TABLE IF NOT EXISTS vocabulary (term TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_terms USING fts5vocab(search, row)",
)
# The vocabulary rows of shingle terms (``is_shingle_term``) that formats 3 and 4 wrote.
SHINGLE_ROWS = "term GLOB 'q" + "[0-9a-f]" * 8 + "'"
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
# The first format whose entries are the current format's (what ``_lay_out_again`` cannot change).
SAME_ENTRIES_SINCE = 4
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
            # Format 4's entries (band keys, terms, sketches) are format 5's: only formats 1-3 need
            # every document stored again; format 4 needs its tables laid out anew.
            self.upgrading = found is not None and found < SAME_ENTRIES_SINCE
            if found is not None and found < SQLITE_FORMAT:
                self._lay_out_again(cursor)
            for statement in SCHEMA:
                cursor.execute(statement)
            if cursor.execute("SELECT 1 FROM search_config WHERE k = 'hashsize'").fetchone() is None:
                cursor.execute("INSERT INTO search (search, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
            if found is None:
                cursor.execute(f"PRAGMA user_version = {SQLITE_FORMAT}")

    @staticmethod
    def _lay_out_again(cursor: sqlite3.Cursor) -> None:
        """Formats 1-4 to 5, in the transaction that opens the file for its upgrade: the documents
        table again, each document keeping its rowid (which FTS5 and the band keys refer to) as an
        explicit INTEGER PRIMARY KEY, and format 4's band keys again with their parts. A step that
        an interrupted upgrade made is not made again."""
        if not any(name == "doc" and pk for _, name, _, _, _, pk in cursor.execute("PRAGMA table_info(documents)")):
            cursor.execute(DOCUMENTS.format(name="numbered_documents"))
            cursor.execute("INSERT INTO numbered_documents (doc, id, text) SELECT rowid, id, text FROM documents")
            cursor.execute("DROP TABLE documents")
            cursor.execute("ALTER TABLE numbered_documents RENAME TO documents")
        columns = [row[1] for row in cursor.execute("PRAGMA table_info(buckets)")]
        if columns and "part" not in columns:
            cursor.execute(BUCKETS.format(name="parted_buckets"))
            cursor.execute(f"INSERT INTO parted_buckets (part, key, doc) SELECT doc >> {PART_BITS}, key, doc "
                           f"FROM buckets ORDER BY doc >> {PART_BITS}, key, doc")
            cursor.execute("DROP TABLE buckets")
            cursor.execute("ALTER TABLE parted_buckets RENAME TO buckets")

    def outdated_ids(self):
        return self.ids() if self.upgrading else []

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
            cursor.executemany("INSERT INTO buckets (part, key, doc) VALUES (?, ?, ?)",
                               sorted((rowid >> PART_BITS, key, rowid) for rowid, entry in stored for key in entry.keys))
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
            cursor.executemany("DELETE FROM buckets WHERE part = ? AND key = ? AND doc = ?",
                               [(rowid >> PART_BITS, key, rowid) for key in fingerprint_keys(unpack(stored[0]))])

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
        """Adds ``counts`` to the vocabulary, but for the shingle terms (FTS5 counts those)."""
        cursor.executemany(COUNT, [(term, counts[term]) for term in sorted(counts)
                                   if counts[term] and not is_shingle_term(term)])
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
            last = self.connection.execute("SELECT MAX(doc) FROM documents").fetchone()[0] or 0
            parts = ",".join(map(str, range((last >> PART_BITS) + 1)))
            rows = self.connection.execute(
                f"SELECT documents.id, best.shared FROM (SELECT doc, COUNT(*) AS shared FROM buckets "
                f"WHERE part IN ({parts}) AND key IN ({marks}) GROUP BY doc ORDER BY shared DESC LIMIT ?) AS best "
                f"JOIN documents ON documents.rowid = best.doc ORDER BY best.shared DESC", (*keys, limit)).fetchall()
        return [(doc_id, shared) for doc_id, shared in rows]

    def frequencies(self, terms):
        """Words from the vocabulary; shingle terms from FTS5's doclists (each read whole, as the
        search would read it: these terms are rare)."""
        found = {}
        shingles = [term for term in terms if is_shingle_term(term)]
        words = [term for term in terms if not is_shingle_term(term)]
        with self.lock:
            for table, count, chosen in (("vocabulary", "documents", words), ("search_terms", "doc", shingles)):
                for start in range(0, len(chosen), MAX_VARIABLES):
                    chunk = chosen[start:start + MAX_VARIABLES]
                    found.update(self.connection.execute(
                        f"SELECT term, {count} FROM {table} WHERE term IN ({','.join('?' * len(chunk))}) "
                        f"AND {count} > 0", chunk))
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
            cursor.execute(f"DELETE FROM vocabulary WHERE {SHINGLE_ROWS}")  # formats 3-4's, now counted by FTS5
            cursor.execute(f"PRAGMA user_version = {SQLITE_FORMAT}")
        self.upgrading = False

    def stats(self):
        with self.lock:
            count = self.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return {"backend": "sqlite", "documents": count, "bytes": size}

    def close(self):
        self.connection.close()
