"""Storage formats 3 to 5 of the reference index: migration of format-2, format-3 and format-4
indexes (interrupted and run again), crash safety of the lexical index, the shingle terms counted by
FTS5 rather than the vocabulary, and queries on a file opened read-only."""
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from detector.reference import migrate, open_index, sqlite_storage
from detector.reference.fingerprints import fingerprint_keys, unpack
from detector.reference.index import ReferenceIndex, entry
from detector.reference.redis_storage import RedisStorage
from detector.reference.sqlite_storage import FTS_HASH_BYTES, PAGE_BYTES, SHINGLE_ROWS
from detector.reference.storage import SQLITE_FORMAT, IndexFormatError, open_storage
from detector.reference.terms import is_shingle_term, text_terms
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from tests import test_reference
from tests.test_reference import REDIS_URL, articles
from tests.test_reference_alignment import BRIDGE, BRIDGE_PARAPHRASE

redis_prefix = test_reference.redis_prefix  # the fixture: a Redis client and a key prefix of the test's own


def format_2_sqlite_index(path, documents):
    """An index as format 2 wrote it: texts, fingerprints and band keys."""
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT NOT NULL);"
                             "CREATE TABLE fingerprints (id TEXT PRIMARY KEY, hashes BLOB NOT NULL);"
                             "CREATE TABLE bands (key BLOB NOT NULL, doc_id TEXT NOT NULL);"
                             "PRAGMA user_version = 2;")
    for document_id, text in documents:
        stored = entry(document_id, text)
        connection.execute("INSERT INTO documents VALUES (?, ?)", (document_id, text))
        connection.execute("INSERT INTO fingerprints VALUES (?, ?)", (document_id, stored.fingerprint))
        connection.executemany("INSERT INTO bands VALUES (?, ?)", [(k, document_id) for k in stored.keys])
    connection.commit()
    connection.close()


def term_counts(documents, terms):
    """How many of the documents hold each term (what the lexical index must say)."""
    held = [set(text_terms(text)) for _, text in documents]
    return {term: sum(term in h for h in held) for term in terms if any(term in h for h in held)}


def migrated_after_an_interruption(path: str, documents, found: int, capsys):
    """The old-format index at ``path`` is refused, half migrated (still refused), then migrated
    by the command; returns it opened."""
    with pytest.raises(IndexFormatError, match=f"has storage format {found}, this version reads format {SQLITE_FORMAT}.*"
                                               "detector.reference.migrate"):
        open_index(path)
    storage = open_storage(path, upgrade=True)
    storage.add_many([entry(i, t) for i, t in documents[:4]])  # a migration stopped half way
    storage.close()
    with pytest.raises(IndexFormatError, match=f"has storage format {found}"):
        open_index(path)
    assert migrate.main([path]) == 0 and f"migrated {len(documents)} documents" in capsys.readouterr().out
    return open_index(path)


def test_a_format_2_sqlite_index_is_migrated_even_when_interrupted(tmp_path, capsys):
    path = str(tmp_path / "v2.db")
    documents = articles(8) + [("bridge", BRIDGE)]
    format_2_sqlite_index(path, documents)
    index = migrated_after_an_interruption(path, documents, 2, capsys)
    terms = ["meet", "official", "northbridg", "ferri"]
    assert index.storage.frequencies(terms) == term_counts(documents, terms)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
    index.storage.connection.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")


def format_4_sqlite_index(path, documents, removed=()):
    """An index as format 4 wrote it: the documents numbered by an implicit rowid, the band keys
    keyed (key, number) without parts, and a vocabulary row for every term, shingle terms included.
    ``removed``: ids stored, then removed (gaps in the numbers, which the upgrade must keep)."""
    storage = open_storage(path, create=True)
    storage.add_many([entry(i, t) for i, t in documents])
    for document_id in removed:
        storage.remove(document_id)
    kept = [(i, t) for i, t in documents if i not in removed]
    counts = term_counts(kept, sorted({term for _, text in kept for term in text_terms(text) if is_shingle_term(term)}))
    storage.close()
    with sqlite3.connect(path) as connection:
        for statement in ("CREATE TABLE documents_4 (id TEXT PRIMARY KEY, text TEXT NOT NULL)",
                          "INSERT INTO documents_4 (rowid, id, text) SELECT doc, id, text FROM documents",
                          "DROP TABLE documents", "ALTER TABLE documents_4 RENAME TO documents",
                          "DROP TABLE search_terms", "CREATE TABLE buckets_4 (key BLOB NOT NULL, doc INTEGER NOT "
                          "NULL, PRIMARY KEY (key, doc)) WITHOUT ROWID", "INSERT INTO buckets_4 SELECT key, doc FROM buckets",
                          "DROP TABLE buckets", "ALTER TABLE buckets_4 RENAME TO buckets", "PRAGMA user_version = 4"):
            connection.execute(statement)
        connection.executemany("INSERT INTO vocabulary (term, documents) VALUES (?, ?)", counts.items())
    connection.close()


def format_3_sqlite_index(path, documents):
    """An index as format 3 wrote it: the band keys in a table of (key, id) indexed both ways."""
    format_4_sqlite_index(path, documents)
    connection = sqlite3.connect(path)
    connection.executescript(
        "CREATE TABLE bands (key BLOB NOT NULL, doc_id TEXT NOT NULL);"
        "INSERT INTO bands SELECT key, documents.id FROM buckets JOIN documents ON documents.rowid = buckets.doc;"
        "CREATE INDEX bands_by_key ON bands (key); CREATE INDEX bands_by_doc ON bands (doc_id);"
        "DROP TABLE buckets; PRAGMA user_version = 3;")
    connection.close()


def test_a_format_3_sqlite_index_is_migrated_even_when_interrupted(tmp_path, capsys):
    path = str(tmp_path / "v3.db")
    documents = articles(8, seed=2) + [("bridge", BRIDGE)]
    format_3_sqlite_index(path, documents)
    index = migrated_after_an_interruption(path, documents, 3, capsys)
    connection = index.storage.connection
    assert connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'bands'").fetchone() is None
    keys = connection.execute("SELECT COUNT(*) FROM buckets").fetchone()[0]
    assert keys == sum(len(entry(i, t).keys) for i, t in documents)
    stored_consistently(index.storage, documents)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=4).spin(documents[5][1])
    assert index.query(spun.text)[0].source_id == documents[5][0]


def test_a_format_4_sqlite_index_is_upgraded_in_place_keeping_its_document_numbers(tmp_path, capsys, monkeypatch):
    """Format 4 -> 5 stores no document again: the documents table gets its numbers as an explicit
    INTEGER PRIMARY KEY (the same numbers, gaps included) and the shingle terms' vocabulary rows
    go, FTS5 counting those terms; the band keys are parted (4 documents a part here, so that
    there are several). Interrupted after the first step, it is still refused."""
    monkeypatch.setattr(sqlite_storage, "PART_BITS", 2)
    path = str(tmp_path / "v4.db")
    documents = articles(8, seed=3) + [("bridge", BRIDGE)]
    removed = {documents[1][0], documents[4][0]}
    format_4_sqlite_index(path, documents, removed)
    kept = [(i, t) for i, t in documents if i not in removed]
    numbers = dict(sqlite3.connect(path).execute("SELECT id, rowid FROM documents"))
    monkeypatch.setattr(migrate, "entry", lambda *_: pytest.fail("format 4's entries are format 5's"))
    open_storage(path, upgrade=True).close()  # stopped after the documents table was rebuilt
    index = migrated_after_an_interruption(path, kept, 4, capsys)
    connection = index.storage.connection
    assert dict(connection.execute("SELECT id, doc FROM documents")) == numbers
    assert connection.execute(f"SELECT COUNT(*) FROM vocabulary WHERE {SHINGLE_ROWS}").fetchone()[0] == 0
    stored_consistently(index.storage, kept)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=5).spin(kept[2][1])
    assert index.query(spun.text)[0].source_id == kept[2][0]


def test_shingle_terms_are_counted_by_fts5_through_replacements_removals_and_vacuum(tmp_path, monkeypatch):
    """The vocabulary has no row for a shingle term, nor for a word of that form; FTS5 counts both
    as the texts say, after texts are replaced and documents removed, and VACUUM (which may
    renumber an implicit rowid) leaves the numbers that FTS5 and the band keys (in parts of 4
    documents here) refer to."""
    monkeypatch.setattr(sqlite_storage, "PART_BITS", 2)
    path = str(tmp_path / "counts.db")
    documents = articles(10, seed=7) + [("bridge", BRIDGE), ("odd", "The code qdeadbeef came back. " + BRIDGE)]
    storage = open_storage(path, create=True)
    storage.add_many([entry(i, t) for i, t in documents])
    replaced = [(i, text) for (i, _), (_, text) in zip(documents[:3], articles(3, seed=8))]
    storage.add_many([entry(i, t) for i, t in replaced])
    for document_id, _ in documents[3:6]:
        assert storage.remove(document_id)
    now = replaced + documents[6:]
    assert "qdeadbeef" in text_terms(documents[-1][1])
    assert storage.connection.execute(f"SELECT COUNT(*) FROM vocabulary WHERE {SHINGLE_ROWS}").fetchone()[0] == 0
    stored_consistently(storage, now)
    storage.connection.execute("VACUUM")
    stored_consistently(storage, now)
    index = ReferenceIndex(storage)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=6).spin(documents[7][1])
    assert index.query(spun.text)[0].source_id == documents[7][0]


@pytest.mark.integration
def test_a_format_2_redis_index_is_migrated(redis_prefix):
    client, prefix = redis_prefix
    documents = articles(6, seed=9) + [("bridge", BRIDGE)]
    for document_id, text in documents:
        stored = entry(document_id, text)
        client.hset(f"{prefix}:documents", document_id, text)
        client.hset(f"{prefix}:fingerprints", document_id, stored.fingerprint)
        for key in stored.keys:
            client.sadd(f"{prefix}:band:{key.hex()}", document_id)
            client.sadd(f"{prefix}:keys:{document_id}", key)
    client.set(f"{prefix}:format", 2)
    with pytest.raises(IndexFormatError, match="has storage format 2"):
        RedisStorage(REDIS_URL, prefix=prefix)
    storage = RedisStorage(REDIS_URL, prefix=prefix, upgrade=True)
    storage.add_many([entry(i, t) for i, t in documents[:3]])  # interrupted
    assert migrate.migrate(RedisStorage(REDIS_URL, prefix=prefix, upgrade=True)) == 7
    index = ReferenceIndex(RedisStorage(REDIS_URL, prefix=prefix))
    terms = ["meet", "official", "northbridg"]
    assert index.storage.frequencies(terms) == term_counts(documents, terms)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"


CRASH_WRITER = """
import sys
from detector.reference import open_index
from tests.test_reference import articles
index = open_index(sys.argv[1], create=True)
for batch in range(1000):
    index.add_many([(f"doc-{k}", text) for k, (_, text) in enumerate(articles(3, seed=batch))] + articles(2, seed=batch))
    print(f"ACK {batch}", flush=True)
"""


def test_a_crash_while_replacing_documents_leaves_the_lexical_index_whole(tmp_path):
    """Each batch gives three ids new texts (their postings and counts are rewritten) and adds two
    documents; a kill -9 in the middle leaves FTS5 and the counts consistent with the texts."""
    path = str(tmp_path / "index.db")
    writer = subprocess.Popen([sys.executable, "-c", CRASH_WRITER, path], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(__file__)))
    for count, _ in enumerate(writer.stdout):
        if count >= 12:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    index = open_index(path)
    connection = index.storage.connection
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")
    stored = [(i, index.storage.text(i)) for i in index.storage.ids()]
    assert index.storage.frequencies(["meet", "official"]) == term_counts(stored, ["meet", "official"])
    searchable = connection.execute("SELECT COUNT(*) FROM search_docsize").fetchone()[0]
    assert searchable == len(stored)
    buckets_match_fingerprints(connection)


def test_a_read_only_file_answers_lexical_queries(tmp_path, monkeypatch):
    path = str(tmp_path / "ro.db")
    index = open_index(path, create=True)
    index.add_many(articles(5) + [("bridge", BRIDGE)])
    index.close()
    monkeypatch.setattr(os, "access", lambda target, mode: mode != os.W_OK)  # as an unprivileged user sees it
    index = open_index(path)
    assert index.storage.read_only
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"


def buckets_match_fingerprints(connection):
    """SQLite: the band keys stored are those of the stored fingerprints, no more and no fewer (a
    document's keys are taken out by computing them again from its fingerprint)."""
    expected = {(rowid >> sqlite_storage.PART_BITS, key, rowid) for rowid, hashes in connection.execute(
        "SELECT documents.rowid, hashes FROM documents JOIN fingerprints USING (id)")
        for key in fingerprint_keys(unpack(hashes))}
    assert set(connection.execute("SELECT part, key, doc FROM buckets")) == expected


def stored_consistently(storage, documents):
    """The index agrees with the texts stored: document frequencies, and (SQLite) FTS5 and band keys."""
    terms = sorted({term for _, text in documents for term in text_terms(text)})
    assert storage.frequencies(terms) == term_counts(documents, terms)
    assert storage.frequencies(["qffffffff", "nowher"]) == {}  # held by no document
    if hasattr(storage, "connection"):
        storage.connection.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")
        assert storage.connection.execute("SELECT COUNT(*) FROM search_docsize").fetchone()[0] == len(documents)
        buckets_match_fingerprints(storage.connection)


WRITER = """
import sys
from detector.reference import open_index
from tests.test_reference import articles
index, seed = open_index(sys.argv[1], create=True), int(sys.argv[2])
for batch in range(5):
    index.add_many([(f"shared-{k}", text) for k, (_, text) in enumerate(articles(3, seed=10 * seed + batch))]
                   + articles(2, seed=100 * seed + batch))
    index.remove(f"src-{100 * seed + batch}-0")
"""


def test_two_processes_writing_one_file_leave_it_consistent(tmp_path):
    """Both add, replace the same ids and remove at once: one writer at a time, nothing lost."""
    path = str(tmp_path / "shared.db")
    open_storage(path, create=True).close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, path, str(seed)],
                                cwd=os.path.dirname(os.path.dirname(__file__))) for seed in (1, 2)]
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0]
    storage = open_storage(path)
    expected = {f"src-{100 * seed + batch}-1" for seed in (1, 2) for batch in range(5)} | {"shared-0", "shared-1", "shared-2"}
    assert set(storage.ids()) == expected
    stored_consistently(storage, [(i, storage.text(i)) for i in storage.ids()])


@pytest.mark.integration
def test_a_batch_naming_an_id_twice_stores_its_last_text(tmp_path, redis_prefix):
    (_, first), (_, second), (_, third) = articles(3, seed=4)
    for storage in (open_storage(str(tmp_path / "twice.db"), create=True), RedisStorage(REDIS_URL, prefix=redis_prefix[1])):
        storage.add_many([entry("a", first), entry("b", second), entry("a", third)])
        assert storage.texts(["a", "b"]) == {"a": third, "b": second}
        stored_consistently(storage, [("a", third), ("b", second)])


@pytest.mark.integration
def test_a_redis_writer_that_loses_a_race_reads_the_index_again(redis_prefix):
    """Documents are numbered before the transaction: a writer whose reads another writer
    overtook is refused by Redis (WATCH) and starts again, rather than reusing numbers."""
    prefix = redis_prefix[1]
    ours, theirs = articles(3, seed=5), articles(3, seed=6)
    writer, other = RedisStorage(REDIS_URL, prefix=prefix), RedisStorage(REDIS_URL, prefix=prefix)
    take_out, attempts = writer._take_out_replaced, []

    def overtaken(pipe, entries, following):
        attempts.append(following)
        if len(attempts) == 1:
            other.add_many([entry(i, t) for i, t in theirs])
        return take_out(pipe, entries, following)

    writer._take_out_replaced = overtaken
    writer.add_many([entry(i, t) for i, t in ours])
    assert attempts == [1, 4]
    numbers = redis_prefix[0].hvals(f"{prefix}:docnum")
    assert len(numbers) == len(set(numbers)) == 6
    stored_consistently(writer, ours + theirs)
    assert ReferenceIndex(writer).query(ours[1][1])[0].source_id == ours[1][0]


def test_sqlite_keeps_a_batch_of_new_terms_in_memory_also_in_an_index_made_before(tmp_path):
    path = str(tmp_path / "hash.db")
    open_storage(path, create=True).close()
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT v FROM search_config WHERE k = 'hashsize'").fetchone() == (FTS_HASH_BYTES,)
    connection.execute("DELETE FROM search_config WHERE k = 'hashsize'")  # as an older version left it
    connection.commit()
    open_storage(path).close()
    assert connection.execute("SELECT v FROM search_config WHERE k = 'hashsize'").fetchone() == (FTS_HASH_BYTES,)


def test_sqlite_new_files_have_large_pages_and_older_files_keep_theirs(tmp_path):
    old = tmp_path / "old.db"
    connection = sqlite3.connect(old)
    connection.execute("PRAGMA page_size = 4096")
    connection.execute("CREATE TABLE placeholder (a)")  # a file written before, with 4 KB pages
    connection.close()
    for path, page_bytes in ((tmp_path / "new.db", PAGE_BYTES), (old, 4096)):
        storage = open_storage(str(path), create=True)
        default_cache = storage.connection.execute("PRAGMA cache_size").fetchone()[0]
        storage.add_many([entry(i, t) for i, t in articles(3)])
        assert storage.connection.execute("PRAGMA page_size").fetchone()[0] == page_bytes
        assert storage.connection.execute("PRAGMA cache_size").fetchone()[0] == default_cache  # given back
        assert storage.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert storage.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert sorted(storage.ids()) == sorted(i for i, _ in articles(3))
        storage.close()
