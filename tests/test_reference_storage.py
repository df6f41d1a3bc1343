"""Storage format 3 of the reference index: migration of format-2 indexes (interrupted and run
again), crash safety of the lexical index, and queries on a file opened read-only."""
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from detector.reference import migrate, open_index
from detector.reference.index import ReferenceIndex, entry
from detector.reference.redis_storage import RedisStorage
from detector.reference.storage import IndexFormatError, open_storage
from detector.reference.terms import text_terms
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


def test_a_format_2_sqlite_index_is_migrated_even_when_interrupted(tmp_path, capsys):
    path = str(tmp_path / "v2.db")
    documents = articles(8) + [("bridge", BRIDGE)]
    format_2_sqlite_index(path, documents)
    with pytest.raises(IndexFormatError, match="has storage format 2.*detector.reference.migrate"):
        open_index(path)
    storage = open_storage(path, upgrade=True)
    storage.add_many([entry(i, t) for i, t in documents[:4]])  # a migration stopped half way
    storage.close()
    with pytest.raises(IndexFormatError, match="has storage format 2"):
        open_index(path)
    assert migrate.main([path]) == 0 and "migrated 9 documents" in capsys.readouterr().out
    index = open_index(path)
    terms = ["meet", "official", "northbridg", "ferri"]
    assert index.storage.frequencies(terms) == term_counts(documents, terms)
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
    index.storage.connection.execute("INSERT INTO search (search, rank) VALUES ('integrity-check', 1)")


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


def test_a_read_only_file_answers_lexical_queries(tmp_path, monkeypatch):
    path = str(tmp_path / "ro.db")
    index = open_index(path, create=True)
    index.add_many(articles(5) + [("bridge", BRIDGE)])
    index.close()
    monkeypatch.setattr(os, "access", lambda target, mode: mode != os.W_OK)  # as an unprivileged user sees it
    index = open_index(path)
    assert index.storage.read_only
    assert index.query(BRIDGE_PARAPHRASE)[0].source_id == "bridge"
