"""Where the reference index keeps its documents and LSH band keys: one interface, two backends.

``SQLiteStorage`` is the embedded default (WAL mode, full sync: an acknowledged insert survives a
crash; several processes may share the file). ``RedisStorage`` shares one index between machines."""
from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from pathlib import Path

MAX_CANDIDATES = 8  # verified by text: the true source shares the most bands, duplicates tie with it


class ReferenceStorage(ABC):
    @abstractmethod
    def add_many(self, documents: list[tuple[str, str, list[bytes]]]) -> None:
        """Store (id, text, band keys) triples atomically; an existing id is replaced."""

    @abstractmethod
    def remove(self, document_id: str) -> bool:
        """Delete a document; False when it was not there."""

    @abstractmethod
    def texts(self, document_ids: list[str]) -> dict[str, str]:
        """Texts of the given ids that are stored, in one round trip."""

    def text(self, document_id: str) -> str | None:
        return self.texts([document_id]).get(document_id)

    @abstractmethod
    def candidates(self, keys: list[bytes], limit: int = MAX_CANDIDATES) -> list[tuple[str, int]]:
        """Ids sharing at least one band key, with the number of keys shared, most first."""

    @abstractmethod
    def stats(self) -> dict: ...

    def close(self) -> None:
        pass


class SQLiteStorage(ReferenceStorage):
    SCHEMA = """
        CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, text TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS bands (key BLOB NOT NULL, doc_id TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS bands_by_key ON bands (key);
        CREATE INDEX IF NOT EXISTS bands_by_doc ON bands (doc_id);
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = threading.Lock()
        self.connection = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA synchronous=FULL")
        self.connection.executescript(self.SCHEMA)

    def add_many(self, documents):
        with self.lock:
            cursor = self.connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                for document_id, text, keys in documents:
                    cursor.execute("DELETE FROM bands WHERE doc_id = ?", (document_id,))
                    cursor.execute("INSERT OR REPLACE INTO documents (id, text) VALUES (?, ?)", (document_id, text))
                    cursor.executemany("INSERT INTO bands (key, doc_id) VALUES (?, ?)", [(k, document_id) for k in keys])
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise

    def remove(self, document_id):
        with self.lock:
            cursor = self.connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("DELETE FROM bands WHERE doc_id = ?", (document_id,))
            removed = cursor.execute("DELETE FROM documents WHERE id = ?", (document_id,)).rowcount
            cursor.execute("COMMIT")
            return removed > 0

    def texts(self, document_ids):
        marks = ",".join("?" * len(document_ids))
        with self.lock:
            rows = self.connection.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})",
                                           document_ids).fetchall()
        return dict(rows)

    def candidates(self, keys, limit=MAX_CANDIDATES):
        marks = ",".join("?" * len(keys))
        with self.lock:
            rows = self.connection.execute(
                f"SELECT doc_id, COUNT(*) AS shared FROM bands WHERE key IN ({marks}) "
                f"GROUP BY doc_id ORDER BY shared DESC LIMIT ?", (*keys, limit)).fetchall()
        return [(doc_id, shared) for doc_id, shared in rows]

    def stats(self):
        with self.lock:
            count = self.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        size = sum(p.stat().st_size for p in self.path.parent.glob(self.path.name + "*"))
        return {"backend": "sqlite", "documents": count, "bytes": size}

    def close(self):
        self.connection.close()


# Counts, inside the server, how many of the query's band sets hold each document and returns the
# top ``ARGV[1]`` as id, count pairs: one round trip, and large band sets never cross the network.
COUNT_SHARED = """
local counts = {}
for _, key in ipairs(KEYS) do
  for _, member in ipairs(redis.call('SMEMBERS', key)) do
    counts[member] = (counts[member] or 0) + 1
  end
end
local ranked = {}
for member, count in pairs(counts) do
  ranked[#ranked + 1] = {member, count}
end
table.sort(ranked, function(a, b) return a[2] > b[2] end)
local top = {}
for i = 1, math.min(tonumber(ARGV[1]), #ranked) do
  top[#top + 1] = ranked[i][1]
  top[#top + 1] = ranked[i][2]
end
return top
"""


class RedisStorage(ReferenceStorage):
    """Texts in one hash, each band key a set of document ids, each document's keys a set."""

    def __init__(self, url: str, prefix: str = "spun"):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.client.ping()
        self.count_shared = self.client.register_script(COUNT_SHARED)

    def _band(self, key: bytes) -> str:
        return f"{self.prefix}:band:{key.hex()}"

    def add_many(self, documents):
        old = {doc_id: self.client.smembers(f"{self.prefix}:keys:{doc_id}") for doc_id, _, _ in documents}
        with self.client.pipeline(transaction=True) as pipe:
            for document_id, text, keys in documents:
                for key in old[document_id]:
                    pipe.srem(self._band(key), document_id)
                pipe.delete(f"{self.prefix}:keys:{document_id}")
                pipe.hset(f"{self.prefix}:documents", document_id, text)
                for key in keys:
                    pipe.sadd(self._band(key), document_id)
                if keys:
                    pipe.sadd(f"{self.prefix}:keys:{document_id}", *keys)
            pipe.execute()

    def remove(self, document_id):
        keys = self.client.smembers(f"{self.prefix}:keys:{document_id}")
        with self.client.pipeline(transaction=True) as pipe:
            for key in keys:
                pipe.srem(self._band(key), document_id)
            pipe.delete(f"{self.prefix}:keys:{document_id}")
            pipe.hdel(f"{self.prefix}:documents", document_id)
            return bool(pipe.execute()[-1])

    def texts(self, document_ids):
        if not document_ids:
            return {}
        values = self.client.hmget(f"{self.prefix}:documents", document_ids)
        return {i: v.decode("utf-8") for i, v in zip(document_ids, values) if v is not None}

    def candidates(self, keys, limit=MAX_CANDIDATES):
        flat = self.count_shared(keys=[self._band(key) for key in keys], args=[limit])
        return [(flat[k].decode("utf-8"), int(flat[k + 1])) for k in range(0, len(flat), 2)]

    def stats(self):
        return {"backend": "redis", "documents": self.client.hlen(f"{self.prefix}:documents"),
                "bytes": self.client.info("memory")["used_memory"]}

    def close(self):
        self.client.close()


def open_storage(location: str) -> ReferenceStorage:
    """``redis://...`` selects Redis; anything else is the path of an SQLite file."""
    if location.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage(location)
    Path(location).parent.mkdir(parents=True, exist_ok=True)
    return SQLiteStorage(location)
