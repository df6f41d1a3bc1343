"""The shared backend: one Redis database (several indexes may share it under different prefixes).
Texts and fingerprints live in two hashes, each band key is a set of document ids and each
document's band keys a set; ``<prefix>:format`` holds the format number (documents without it are
format 1)."""
from __future__ import annotations

from detector.reference.storage import FORMAT, MAX_CANDIDATES, IndexUnavailable, ReferenceStorage, check_format

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
    def __init__(self, url: str, prefix: str = "spun", upgrade: bool = False):
        import redis

        self.client = redis.Redis.from_url(url)
        self.prefix = prefix
        self.texts_key, self.fingerprints_key = f"{prefix}:documents", f"{prefix}:fingerprints"
        self.count_shared = self.client.register_script(COUNT_SHARED)
        try:
            found = self._stored_format()
        except redis.RedisError as exc:
            raise IndexUnavailable(f"reference index {self._where()} cannot be reached: {exc}") from None
        check_format(self._where(), found, upgrade)
        if found is None:
            self.client.set(f"{prefix}:format", FORMAT, nx=True)

    def _stored_format(self) -> int | None:
        value = self.client.get(f"{self.prefix}:format")
        if value is not None:
            return int(value)
        return 1 if self.client.exists(self.texts_key) else None

    def _where(self) -> str:
        kwargs = self.client.connection_pool.connection_kwargs
        server = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
        return f"'{self.prefix}' on Redis {server} db {kwargs.get('db', 0)}"

    def _band(self, key: bytes) -> str:
        return f"{self.prefix}:band:{key.hex()}"

    def _unlink(self, pipe, document_id: str, keys: set[bytes]) -> None:
        for key in keys:
            pipe.srem(self._band(key), document_id)
        pipe.delete(f"{self.prefix}:keys:{document_id}")

    def add_many(self, entries):
        with self.client.pipeline(transaction=False) as pipe:
            for entry in entries:
                pipe.smembers(f"{self.prefix}:keys:{entry.id}")
            old = pipe.execute()
        with self.client.pipeline(transaction=True) as pipe:
            for entry, old_keys in zip(entries, old):
                self._unlink(pipe, entry.id, old_keys)
                pipe.hset(self.texts_key, entry.id, entry.text)
                pipe.hset(self.fingerprints_key, entry.id, entry.fingerprint)
                for key in entry.keys:
                    pipe.sadd(self._band(key), entry.id)
                if entry.keys:
                    pipe.sadd(f"{self.prefix}:keys:{entry.id}", *entry.keys)
            pipe.execute()

    def remove(self, document_id):
        keys = self.client.smembers(f"{self.prefix}:keys:{document_id}")
        with self.client.pipeline(transaction=True) as pipe:
            self._unlink(pipe, document_id, keys)
            pipe.hdel(self.fingerprints_key, document_id)
            pipe.hdel(self.texts_key, document_id)
            return bool(pipe.execute()[-1])

    def _hmget(self, name: str, document_ids: list[str]) -> dict[str, bytes]:
        if not document_ids:
            return {}
        return {i: v for i, v in zip(document_ids, self.client.hmget(name, document_ids)) if v is not None}

    def texts(self, document_ids):
        return {i: v.decode("utf-8") for i, v in self._hmget(self.texts_key, document_ids).items()}

    def fingerprints(self, document_ids):
        return self._hmget(self.fingerprints_key, document_ids)

    def candidates(self, keys, limit=MAX_CANDIDATES):
        flat = self.count_shared(keys=[self._band(key) for key in keys], args=[limit])
        return [(flat[k].decode("utf-8"), int(flat[k + 1])) for k in range(0, len(flat), 2)]

    def ids(self):
        return [i.decode("utf-8") for i in self.client.hkeys(self.texts_key)]

    def mark_current_format(self):
        self.client.set(f"{self.prefix}:format", FORMAT)

    def stats(self):
        return {"backend": "redis", "documents": self.client.hlen(self.texts_key),
                "bytes": self.client.info("memory")["used_memory"]}

    def close(self):
        self.client.close()
