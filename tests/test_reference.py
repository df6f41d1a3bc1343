import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from detector.cli import main
from detector.reference import index as reference_index
from detector.reference import migrate, open_index
from detector.reference.align import align
from detector.reference.diff import opcodes
from detector.reference.index import ReferenceIndex, entries, entry, entry_pool
from detector.reference.redis_storage import RedisStorage
from detector.reference.storage import IndexFormatError, open_storage
from detector.text import tokenize
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles

SOURCE = ("American and European officials may be staying away from the meeting, the news agency said on "
          "Tuesday. The two leaders will attend the summit in Geneva.")
QUERY = ("American and European officers could be staying away from the assembly, the information company said "
         "on Tuesday. The 2 leaders will attend the summit in Geneva. This sentence was added.")
REDIS_URL = os.environ.get("SPUN_DETECTOR_TEST_REDIS", "redis://127.0.0.1:6379/15")


def articles(count, seed=0):
    return [(f"src-{seed}-{i}", text) for i, text in enumerate(fixture_articles(count, seed=seed))]


def test_alignment_of_a_hand_written_pair():
    result = align(QUERY, SOURCE)
    pairs = [(s.original, s.replacement) for s in result.substitutions]
    assert pairs == [("officials", "officers"), ("may", "could"), ("meeting", "assembly"),
                     ("news", "information"), ("agency", "company"), ("two", "2")]
    for s in result.substitutions:
        assert SOURCE[s.source_begin:s.source_end] == s.original and QUERY[s.begin:s.end] == s.replacement
    assert [QUERY[i.begin:i.end] for i in result.insertions] == ["This sentence was added."]
    assert result.deletions == []
    assert 0.7 < result.coverage < 1 and 0 < result.substitution_rate < 0.3


def test_a_synonym_found_elsewhere_in_the_source_does_not_derail_the_alignment():
    source = "The refinery had been running at about half of its capacity since the end of January."
    query = "The refinery had been running at about end of its stuffed afterwards the deadline of January."
    pairs = [(s.original, s.replacement) for s in align(query, source).substitutions]
    assert pairs == [("half", "end"), ("capacity", "stuffed"), ("since", "afterwards"), ("end", "deadline")]


def test_word_diff_covers_both_texts_and_keeps_equal_runs_equal():
    thesaurus = Thesaurus.load()
    for k, (_, text) in enumerate(articles(6)):
        source = [t.text.lower() for t in tokenize(text)]
        query = [t.text.lower() for t in tokenize(Spinner(thesaurus, rate=0.3, seed=k).spin(text).text)]
        steps = list(opcodes(source, query))
        assert [s[1] for s in steps] == [0] + [s[2] for s in steps[:-1]] and steps[-1][2] == len(source)
        assert [s[3] for s in steps] == [0] + [s[4] for s in steps[:-1]] and steps[-1][4] == len(query)
        assert all(source[s1:s2] == query[q1:q2] for tag, s1, s2, q1, q2 in steps if tag == "equal")
        assert sum(s2 - s1 for tag, s1, s2, _, _ in steps if tag == "equal") > 0.6 * len(source)


def test_finds_the_source_of_spun_copies(tmp_path):
    index = open_index(str(tmp_path / "index.db"), create=True)
    originals = articles(40)
    assert index.add_many(originals) == []
    thesaurus = Thesaurus.load()
    for rate in (0.1, 0.3, 0.5):
        for source_id, text in originals[:10]:
            spun = Spinner(thesaurus, rate=rate, seed=7).spin(text)
            matches = index.query(spun.text)
            assert matches and matches[0].source_id == source_id
            truth = {(c.original_begin, c.begin) for c in spun.changes if c.kind == "synonym"}
            found = {(s.source_begin, s.begin) for s in matches[0].substitutions}
            assert len(truth & found) >= 0.9 * len(truth)
    assert index.query("A completely unrelated note about gardening, tomatoes and the spring weather.") == []


def test_a_spun_copy_hidden_with_invisible_characters_is_found_with_offsets_into_the_query_as_sent(tmp_path):
    index = open_index(str(tmp_path / "index.db"), create=True)
    originals = articles(20, seed=4)
    index.add_many(originals)
    source_id, text = originals[3]
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=5).spin(text)
    hidden = spun.text.replace(" ", " \u200b").replace("e", "\u0435")  # zero-width spaces, Cyrillic е
    matches = index.query(hidden)
    assert matches and matches[0].source_id == source_id
    plain = index.query(spun.text)[0]
    assert len(matches[0].substitutions) == len(plain.substitutions) > 0

    def read(part):
        return part.replace("\u200b", "").replace("\u0435", "e")

    for found in matches[0].substitutions:
        assert read(hidden[found.begin:found.end]) == found.replacement
    assert matches[0].passages
    for passage in matches[0].passages:
        assert read(hidden[passage.begin:passage.end]) and read(hidden[passage.begin:passage.end]) in spun.text


def test_persistence_idempotence_delete_and_bad_input(tmp_path):
    path = str(tmp_path / "index.db")
    index = open_index(path, create=True)
    originals = articles(5)
    index.add_many(originals)
    index.add_many(originals[:2])  # re-adding is idempotent
    assert index.stats()["documents"] == 5
    index.close()
    index = open_index(path, create=True)  # a restart
    assert index.stats()["documents"] == 5
    assert index.query(originals[3][1])[0].source_id == originals[3][0]
    assert list(index.storage.fingerprints([originals[3][0]])) == [originals[3][0]]
    assert index.remove(originals[3][0]) and not index.remove(originals[3][0])
    assert all(m.source_id != originals[3][0] for m in index.query(originals[3][1]))
    assert index.storage.fingerprints([originals[3][0]]) == {}
    buckets = index.storage.connection.execute("SELECT COUNT(*) FROM buckets").fetchone()[0]
    assert buckets == sum(len(entry(i, t).keys) for i, t in originals if i != originals[3][0])  # its keys went too
    errors = index.add_many([("e", ""), ("d", "x y"), ("d", "again"), ("", "text"), ("huge", "word " * 600_000)])
    assert [(e["index"], e["id"], e["code"]) for e in errors] == [(0, "e", "empty_text"), (2, "d", "duplicate_id"),
                                                                   (3, None, "invalid_id"), (4, "huge", "too_long")]
    assert index.stats()["documents"] == 5


CRASH_WRITER = """
import sys
from detector.reference import open_index
from tests.test_reference import articles
index = open_index(sys.argv[1], create=True)
for batch in range(1000):
    index.add_many(articles(5, seed=batch))
    print(f"ACK {batch}", flush=True)
"""


def test_crash_during_batch_inserts_loses_no_acknowledged_document(tmp_path):
    path = str(tmp_path / "index.db")
    writer = subprocess.Popen([sys.executable, "-c", CRASH_WRITER, path], stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(__file__)))
    acked = []
    for line in writer.stdout:
        acked.append(int(line.split()[1]))
        if len(acked) >= 8:
            break
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    for line in writer.stdout:  # acknowledgements written before the kill
        acked.append(int(line.split()[1]))
    index = open_index(path, create=True)
    assert index.storage.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    for batch in acked:
        for document_id, text in articles(5, seed=batch):
            assert index.storage.text(document_id) == text
    assert index.stats()["documents"] >= 5 * len(acked)


@pytest.fixture
def redis_prefix():
    """A Redis client and a key prefix of this test's own, removed afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001 - any connection failure means no server here
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis server at {REDIS_URL}: {exc}")
    prefix = f"test{os.getpid()}"
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.fixture
def redis_index(redis_prefix):
    return ReferenceIndex(RedisStorage(REDIS_URL, prefix=redis_prefix[1]))


@pytest.mark.integration
def test_redis_backend(redis_index):
    originals = articles(10, seed=3)
    assert redis_index.add_many(originals) == []
    redis_index.add_many(originals[:3])
    assert redis_index.stats()["documents"] == 10
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=1).spin(originals[4][1])
    assert redis_index.query(spun.text)[0].source_id == originals[4][0]
    assert redis_index.remove(originals[4][0]) and redis_index.stats()["documents"] == 9
    assert all(m.source_id != originals[4][0] for m in redis_index.query(spun.text))
    storage = redis_index.storage
    assert storage.fingerprints([originals[4][0]]) == {} and storage.fingerprints([originals[5][0]])
    assert not storage.client.exists(f"{storage.prefix}:keys:{originals[4][0]}")


def test_index_command_line_and_score_with_matches(tmp_path, tiny_model, capsys):
    sources = tmp_path / "sources.jsonl"
    sources.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in articles(6)) + "\n{bad\n")
    index = str(tmp_path / "cli.db")
    assert main(["index", "add", str(sources), "--index", index]) == 0
    assert "indexed 6, errors 1" in capsys.readouterr().err
    assert main(["index", "stats", "--index", index]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 6
    query = tmp_path / "query.txt"
    query.write_text(Spinner(Thesaurus.load(), rate=0.2, seed=2).spin(articles(6)[2][1]).text)
    assert main(["index", "query", str(query), "--index", index]) == 0
    assert json.loads(capsys.readouterr().out)["matches"][0]["source_id"] == "src-0-2"
    assert main(["score", str(query), "--index", index, "--model", str(tiny_model),
                 "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["matches"][0]["source_id"] == "src-0-2" and result["matches"][0]["substitutions"]
    assert main(["index", "remove", "src-0-2", "--index", index]) == 0
    assert "removed" in capsys.readouterr().out


def test_reference_endpoints(tmp_path, tiny_model):
    from detector.settings import Settings
    from service.app import create_app

    client = create_app(Settings(model_path=str(tiny_model),
                                 index=str(tmp_path / "http.db"))).test_client()
    body = {"documents": [{"id": i, "text": t} for i, t in articles(4)] + [{"id": "bad", "text": ""}]}
    response = client.post("/v1/references", json=body)
    assert response.status_code == 200 and response.get_json()["added"] == 4
    assert response.get_json()["errors"][0]["code"] == "empty_text"
    assert client.post("/v1/references", json=body).get_json()["added"] == 4  # idempotent
    assert client.get("/v1/references/stats").get_json()["documents"] == 4
    spun = Spinner(Thesaurus.load(), rate=0.2, seed=5).spin(articles(4)[1][1]).text
    result = client.post("/v1/analyze", json={"documents": [{"id": "q", "text": spun}]}).get_json()["results"][0]
    assert result["matches"][0]["source_id"] == "src-0-1"
    assert client.delete("/v1/references/src-0-1").status_code == 200
    assert client.delete("/v1/references/src-0-1").status_code == 404
    none = create_app(Settings(model_path=str(tiny_model))).test_client()
    assert none.get("/v1/references/stats").get_json()["error"]["code"] == "index_not_configured"


@pytest.mark.integration
def test_texts_too_short_to_fingerprint_are_stored_but_not_bucketed(tmp_path, redis_index):
    for index in (open_index(str(tmp_path / "short.db"), create=True), redis_index):
        assert index.add_many([("short-1", "The cat sat."), ("short-2", "The cat sat.")]) == []
        assert index.storage.text("short-1") == "The cat sat."
        assert index.query("The cat sat.") == []


def legacy_sqlite_index(path, documents):
    """An index as format 1 wrote it: texts and band keys, no fingerprints, no format number."""
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT NOT NULL);"
                             "CREATE TABLE bands (key BLOB NOT NULL, doc_id TEXT NOT NULL);")
    for document_id, text in documents:
        connection.execute("INSERT INTO documents VALUES (?, ?)", (document_id, text))
        connection.executemany("INSERT INTO bands VALUES (?, ?)", [(k, document_id) for k in entry(document_id, text).keys])
    connection.commit()
    connection.close()


def test_an_old_sqlite_index_is_refused_until_migrated(tmp_path, capsys):
    path = str(tmp_path / "old.db")
    originals = articles(5)
    legacy_sqlite_index(path, originals)
    with pytest.raises(IndexFormatError, match="has storage format 1.*detector.reference.migrate"):
        open_index(path)
    assert migrate.main([path]) == 0 and "migrated 5 documents" in capsys.readouterr().out
    index = open_index(path)
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=4).spin(originals[2][1])
    assert index.query(spun.text)[0].source_id == originals[2][0]
    assert len(index.storage.fingerprints([i for i, _ in originals])) == 5


def test_the_command_line_names_the_migration_for_an_old_index(tmp_path, capsys):
    from detector.cli import main

    path = str(tmp_path / "old.db")
    legacy_sqlite_index(path, articles(2))
    assert main(["index", "stats", "--index", path]) == 2
    error = capsys.readouterr().err
    assert error.startswith("spun-detector: ") and "detector.reference.migrate" in error
    assert "Traceback" not in error


def test_an_index_of_a_newer_format_is_refused_even_by_the_migration(tmp_path):
    path = str(tmp_path / "new.db")
    open_index(path, create=True).close()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    for opening in (lambda: open_index(path), lambda: open_storage(path, upgrade=True)):
        with pytest.raises(IndexFormatError, match="format 99.*newer"):
            opening()


@pytest.mark.integration
def test_an_old_redis_index_is_refused_until_migrated(redis_prefix):
    client, prefix = redis_prefix
    originals = articles(5, seed=8)
    for document_id, text in originals:
        client.hset(f"{prefix}:documents", document_id, text)
        for key in entry(document_id, text).keys:
            client.sadd(f"{prefix}:band:{key.hex()}", document_id)
            client.sadd(f"{prefix}:keys:{document_id}", key)
    with pytest.raises(IndexFormatError, match="has storage format 1"):
        RedisStorage(REDIS_URL, prefix=prefix)
    assert migrate.migrate(RedisStorage(REDIS_URL, prefix=prefix, upgrade=True)) == 5
    index = ReferenceIndex(RedisStorage(REDIS_URL, prefix=prefix))
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=4).spin(originals[1][1])
    assert index.query(spun.text)[0].source_id == originals[1][0]


def test_two_processes_compute_the_same_entries_and_the_command_line_uses_them(tmp_path, capsys, monkeypatch):
    documents = articles(12, seed=8)
    with entry_pool(2) as pool:
        assert entries(documents, pool) == entries(documents)
    pools = []
    monkeypatch.setattr(reference_index, "entry_pool", lambda processes: pools.append(processes) or entry_pool(processes))
    sources = tmp_path / "sources.jsonl"
    sources.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in documents) + "\n")
    index = str(tmp_path / "jobs.db")
    assert main(["index", "add", str(sources), "--index", index, "--jobs", "2"]) == 0
    assert "indexed 12, errors 0" in capsys.readouterr().err and pools == [2]
    stored = open_index(index)
    assert stored.storage.texts([i for i, _ in documents]) == dict(documents)
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=3).spin(documents[7][1])
    assert stored.query(spun.text)[0].source_id == documents[7][0]
