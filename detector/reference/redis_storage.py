"""The shared backend: one Redis database (several indexes may share it under different prefixes).
Texts, fingerprints and sentence sketches live in three hashes, each band key is a set of document
ids and each document's band keys a set; ``<prefix>:format`` holds the format number (documents
without it are format 1).

The lexical index gives each document a number (hashes ``docnum``: id -> number, ``docid``: number
-> id) and keeps, per term, a posting list: a string of 4-byte document numbers (``post:<term>``).
A set of ids per term would take some 60 bytes a posting, the packed list 4; its length is the
term's document frequency. ``lengths`` packs each document's term count in 2 bytes at twice its
number, ``total`` sums them. Lua scripts append, remove, count and score postings inside the
server."""
from __future__ import annotations

from itertools import chain, count

import numpy as np

from detector.reference.storage import (
    BM25_B,
    BM25_K1,
    MAX_CANDIDATES,
    REDIS_FORMAT,
    Entry,
    IndexUnavailable,
    ReferenceStorage,
    check_format,
    last_of_each,
)
from detector.reference.terms import text_terms

WRITE_TIMEOUT = 120  # seconds

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


# Scripts name posting lists by the prefix they are given and a term, so that a document's few
# hundred terms travel as one argument: packing them as separate keys was most of an insert's time.

# Stores a batch of documents: each one's text, fingerprint and sketch, its id in its band sets (and
# the band keys in its own set), its number and term count, then each term's postings for the whole
# batch with one APPEND. The caller numbers the documents and gathers the postings (collecting them
# here, term by term, was two thirds of the script's time). KEYS: docnum, docid, lengths, total,
# texts, fingerprints, sketches; ARGV: the posting-list, band-set and band-key-set prefixes, the
# number of documents, then eight values a document: id, number, term count, band keys in hex
# separated by spaces (they name the band sets), the same keys as bytes one after the other
# (decoding the hex here took a third of the script's time), text, fingerprint, sketch; then the
# batch's terms separated by spaces, how many postings each has (4 bytes each) and all the postings
# (4-byte numbers), term after term. Three values rather than two a term: the client packed each
# value on its own, slower than the script ran.
STORE = """
local last, total = 4 + 8 * tonumber(ARGV[4]), 0
for k = 5, last, 8 do
  local id, number, terms = ARGV[k], ARGV[k + 1], tonumber(ARGV[k + 2])
  redis.call('HSET', KEYS[5], id, ARGV[k + 5])
  redis.call('HSET', KEYS[6], id, ARGV[k + 6])
  redis.call('HSET', KEYS[7], id, ARGV[k + 7])
  local keys, at = {}, 1
  for band in string.gmatch(ARGV[k + 3], '%S+') do
    redis.call('SADD', ARGV[2] .. band, id)
    keys[#keys + 1] = string.sub(ARGV[k + 4], at, at + #band / 2 - 1)
    at = at + #band / 2
  end
  if #keys > 0 then
    redis.call('SADD', ARGV[3] .. id, unpack(keys))
  end
  redis.call('HSET', KEYS[1], id, number)
  redis.call('HSET', KEYS[2], number, id)
  redis.call('SETRANGE', KEYS[3], 2 * tonumber(number), struct.pack('<I2', math.min(terms, 65535)))
  total = total + terms
end
local at, k = 1, 1
for term in string.gmatch(ARGV[last + 1], '%S+') do
  local size = 4 * struct.unpack('<I4', ARGV[last + 2], k)
  redis.call('APPEND', ARGV[1] .. term, string.sub(ARGV[last + 3], at, at + size - 1))
  at, k = at + size, k + 4
end
redis.call('INCRBY', KEYS[4], total)
"""

# KEYS: docnum, docid, lengths, total; ARGV: the document id, the posting-list prefix, its terms.
UNPOST = """
local number = redis.call('HGET', KEYS[1], ARGV[1])
if not number then
  return 0
end
local posting, terms = struct.pack('<I4', tonumber(number)), 0
for term in string.gmatch(ARGV[3], '%S+') do
  local key = ARGV[2] .. term
  local list = redis.call('GET', key) or ''
  local at = string.find(list, posting, 1, true)
  while at and (at - 1) % 4 ~= 0 do
    at = string.find(list, posting, at + 1, true)
  end
  if at and #list == 4 then
    redis.call('DEL', key)
  elseif at then
    redis.call('SET', key, string.sub(list, 1, at - 1) .. string.sub(list, at + 4))
  end
  terms = terms + 1
end
redis.call('INCRBY', KEYS[4], -terms)
redis.call('SETRANGE', KEYS[3], 2 * tonumber(number), struct.pack('<I2', 0))
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], number)
return 1
"""

# ARGV: the posting-list prefix, terms. Returns each term's document frequency.
FREQUENCIES = """
local found = {}
for term in string.gmatch(ARGV[2], '%S+') do
  found[#found + 1] = redis.call('STRLEN', ARGV[1] .. term) / 4
end
return found
"""

# BM25 as FTS5 computes it (idf floored at 1e-6, every term once per document). KEYS: docid, lengths,
# total; ARGV: limit, k1, b, the posting-list prefix, the query terms. Returns id, score pairs, best first.
SEARCH = """
local documents = redis.call('HLEN', KEYS[1])
if documents == 0 then
  return {}
end
local average = math.max(1, tonumber(redis.call('GET', KEYS[3]) or '0') / documents)
local lengths = redis.call('GET', KEYS[2]) or ''
local k1, b = tonumber(ARGV[2]), tonumber(ARGV[3])
local sums = {}
for term in string.gmatch(ARGV[5], '%S+') do
  local list = redis.call('GET', ARGV[4] .. term) or ''
  local found = #list / 4
  local idf = math.log((documents - found + 0.5) / (found + 0.5))
  if idf <= 0 then
    idf = 1e-6
  end
  for at = 1, #list, 4 do
    local number = struct.unpack('<I4', list, at)
    sums[number] = (sums[number] or 0) + idf
  end
end
local ranked = {}
for number, sum in pairs(sums) do
  local length = average
  if 2 * number + 2 <= #lengths then
    length = struct.unpack('<I2', lengths, 2 * number + 1)
  end
  ranked[#ranked + 1] = {number, sum * (k1 + 1) / (1 + k1 * (1 - b + b * length / average))}
end
table.sort(ranked, function(x, y) return x[2] > y[2] end)
local top = {}
for k = 1, math.min(tonumber(ARGV[1]), #ranked) do
  top[#top + 1] = redis.call('HGET', KEYS[1], ranked[k][1])
  top[#top + 1] = tostring(ranked[k][2])
end
return top
"""


def store_values(numbered: list[tuple[Entry, int]]) -> list:
    """``STORE``'s values: eight a document, then the batch's terms, how many postings each has and
    the postings, documents in batch order within a term."""
    values = []
    for entry, number in numbered:
        values += [entry.id, number, len(entry.terms), " ".join(key.hex() for key in entry.keys), b"".join(entry.keys),
                   entry.text, entry.fingerprint, entry.sketch]
    terms = list(chain.from_iterable(entry.terms for entry, _ in numbered))
    # Each term's first position in ``terms`` names its group: setdefault keeps the first one.
    first = np.fromiter(map({}.setdefault, terms, count()), dtype=np.int64, count=len(terms))
    numbers = np.repeat(np.array([number for _, number in numbered], dtype="<u4"),
                        [len(entry.terms) for entry, _ in numbered])
    groups, sizes = np.unique(first, return_counts=True)
    return values + [" ".join(terms[k] for k in groups.tolist()), sizes.astype("<u4").tobytes(),
                     numbers[np.argsort(first, kind="stable")].tobytes()]


class RedisStorage(ReferenceStorage):
    def __init__(self, url: str, prefix: str = "spun", upgrade: bool = False):
        import redis

        # A batch of a thousand long articles can keep the server busy for seconds (more while it
        # forks to save): redis-py's default of 5 s would give up on a write that then succeeds. A
        # ``socket_timeout`` in the URL wins.
        self.client = redis.Redis.from_url(url, socket_timeout=WRITE_TIMEOUT)
        self.prefix = prefix
        self.texts_key, self.fingerprints_key = f"{prefix}:documents", f"{prefix}:fingerprints"
        self.sketches_key = f"{prefix}:sketches"
        self.count_shared = self.client.register_script(COUNT_SHARED)
        self.store, self.unpost = self.client.register_script(STORE), self.client.register_script(UNPOST)
        self.search_postings = self.client.register_script(SEARCH)
        self.count_postings = self.client.register_script(FREQUENCIES)
        self.postings = f"{prefix}:post:"
        self.lexical = [f"{prefix}:{name}" for name in ("docnum", "docid", "next", "lengths", "total")]
        try:
            found = self._stored_format()
        except redis.RedisError as exc:
            raise IndexUnavailable(f"reference index {self._where()} cannot be reached: {exc}") from None
        check_format(self._where(), found, REDIS_FORMAT, upgrade)
        if found is None:
            self.client.set(f"{prefix}:format", REDIS_FORMAT, nx=True)

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

    def _unindex(self, pipe, document_id: str, text: str) -> None:
        """Take a stored document's terms out of the lexical index (nothing when it has none)."""
        docnum, docid, _, lengths, total = self.lexical
        self.unpost(keys=[docnum, docid, lengths, total], args=[document_id, self.postings, " ".join(text_terms(text))],
                    client=pipe)

    def add_many(self, entries):
        from redis.exceptions import WatchError

        while True:
            try:
                return self._store(last_of_each(entries))
            except WatchError:
                continue  # another writer changed the index after we read it: read it again

    def _store(self, entries: list[Entry]) -> None:
        """One attempt at ``add_many``: reads what is stored, then writes in one transaction that
        fails (``WatchError``) if another writer added or removed documents in between, since
        the documents are numbered here."""
        docnum, docid, following, lengths, total = self.lexical
        with self.client.pipeline(transaction=True) as pipe:
            pipe.watch(docnum, following, self.texts_key)
            last = int(self.client.get(following) or 0)
            pipe.multi()
            numbered = self._take_out_replaced(pipe, entries, last + 1)
            if numbered:
                pipe.set(following, max(last, *(number for _, number in numbered)))
                self.store(keys=[docnum, docid, lengths, total, self.texts_key, self.fingerprints_key, self.sketches_key],
                           args=[self.postings, f"{self.prefix}:band:", f"{self.prefix}:keys:", len(numbered),
                                 *store_values(numbered)], client=pipe)
            pipe.execute()

    def _take_out_replaced(self, pipe, entries: list[Entry], following: int) -> list[tuple[Entry, int]]:
        """The entries to store, with their numbers (new ones from ``following`` on), having queued on
        ``pipe`` the removal of the versions they replace; entries stored as they are are left out."""
        ids = [entry.id for entry in entries]
        old_texts, numbers = self.client.hmget(self.texts_key, ids), self.client.hmget(self.lexical[0], ids)
        old_keys = self._stored_keys([i for i, text in zip(ids, old_texts) if text is not None])
        numbered = []
        for entry, old_text, number in zip(entries, old_texts, numbers):
            old = old_text.decode("utf-8") if old_text is not None else None
            if number is not None and old == entry.text:
                continue  # stored as it is
            if old is not None:
                self._unlink(pipe, entry.id, old_keys[entry.id])
            if number is not None and old is not None:
                self._unindex(pipe, entry.id, old)  # its number goes with its old terms
                number = None
            if number is None:
                number, following = following, following + 1
            numbered.append((entry, int(number)))
        return numbered

    def _stored_keys(self, document_ids: list[str]) -> dict[str, set[bytes]]:
        """The band keys of stored documents, in one round trip."""
        with self.client.pipeline(transaction=False) as pipe:
            for document_id in document_ids:
                pipe.smembers(f"{self.prefix}:keys:{document_id}")
            return dict(zip(document_ids, pipe.execute()))

    def remove(self, document_id):
        keys = self.client.smembers(f"{self.prefix}:keys:{document_id}")
        text = self.client.hget(self.texts_key, document_id)
        with self.client.pipeline(transaction=True) as pipe:
            self._unlink(pipe, document_id, keys)
            if text is not None:
                self._unindex(pipe, document_id, text.decode("utf-8"))
            pipe.hdel(self.fingerprints_key, document_id)
            pipe.hdel(self.sketches_key, document_id)
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

    def sketches(self, document_ids):
        return self._hmget(self.sketches_key, document_ids)

    def candidates(self, keys, limit=MAX_CANDIDATES):
        flat = self.count_shared(keys=[self._band(key) for key in keys], args=[limit])
        return [(flat[k].decode("utf-8"), int(flat[k + 1])) for k in range(0, len(flat), 2)]

    def frequencies(self, terms):
        counts = self.count_postings(args=[self.postings, " ".join(terms)]) if terms else []
        return {term: int(count) for term, count in zip(terms, counts) if count}

    def search(self, terms, limit):
        if not terms:
            return []
        _, docid, _, lengths, total = self.lexical
        flat = self.search_postings(keys=[docid, lengths, total], args=[limit, BM25_K1, BM25_B, self.postings,
                                                                        " ".join(terms)])
        return [(flat[k].decode("utf-8"), float(flat[k + 1])) for k in range(0, len(flat), 2)]

    def ids(self):
        return [i.decode("utf-8") for i in self.client.hkeys(self.texts_key)]

    def mark_current_format(self):
        self.client.set(f"{self.prefix}:format", REDIS_FORMAT)

    def stats(self):
        return {"backend": "redis", "documents": self.client.hlen(self.texts_key),
                "bytes": self.client.info("memory")["used_memory"]}

    def close(self):
        self.client.close()
