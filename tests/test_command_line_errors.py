"""Every command-line user error is one line on standard error with exit code 2, never a
traceback, and an index path is created only by ``index add``."""
import json
import os

import pytest

from detector.cli import main
from tests.fixture_corpus import fixture_articles

ARTICLE = fixture_articles(1, seed=21)[0]  # long enough to fingerprint


def one_line_error(capsys, *argv) -> str:
    assert main(list(argv)) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("spun-detector") and "Traceback" not in error, error
    return error


@pytest.fixture
def jsonl(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ARTICLE}) + "\n")
    return path


def test_index_paths_that_are_not_indexes(tmp_path, capsys, jsonl):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database, " * 100)
    assert "directory" in one_line_error(capsys, "index", "stats", "--index", str(tmp_path))
    assert "cannot be opened" in one_line_error(capsys, "index", "stats", "--index", str(garbage))
    assert "cannot be reached" in one_line_error(capsys, "index", "stats", "--index", "redis://127.0.0.1:1/0")
    assert "no reference index" in one_line_error(capsys, "score", str(jsonl), "--index", str(tmp_path / "a" / "b.db"))


def test_a_mistyped_index_path_creates_nothing(tmp_path, capsys, jsonl):
    missing = tmp_path / "typo" / "index.db"
    for argv in (["index", "stats"], ["index", "query", str(jsonl)]):
        assert "index add" in one_line_error(capsys, *argv, "--index", str(missing))
    assert not missing.parent.exists()
    assert main(["index", "add", str(jsonl), "--index", str(missing)]) == 0 and missing.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_index_answers_queries(tmp_path, capsys, jsonl):
    path = tmp_path / "ro.db"
    assert main(["index", "add", str(jsonl), "--index", str(path)]) == 0
    path.chmod(0o444)
    assert main(["index", "query", str(jsonl), "--index", str(path)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["matches"][0]["source_id"] == "a"
    assert "read-only" in one_line_error(capsys, "index", "add", str(jsonl), "--index", str(path))


def test_a_read_only_index_answers_queries_when_opened_read_only(tmp_path, monkeypatch, capsys, jsonl):
    path = tmp_path / "ro.db"
    assert main(["index", "add", str(jsonl), "--index", str(path)]) == 0
    monkeypatch.setattr(os, "access", lambda target, mode: mode != os.W_OK)  # as an unprivileged user sees it
    assert main(["index", "query", str(jsonl), "--index", str(path)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["matches"][0]["source_id"] == "a"
    assert "read-only" in one_line_error(capsys, "index", "add", str(jsonl), "--index", str(path))


def test_a_corrupt_manifest(tmp_path, capsys, tiny_model, jsonl):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    (copy / "manifest.json").write_text("{broken")
    assert "not valid JSON" in one_line_error(capsys, "score", str(jsonl), "--model", str(copy))


def test_inputs_that_are_not_files(tmp_path, capsys, tiny_model):
    assert "is a directory" in one_line_error(capsys, "score", str(tmp_path), "--model", str(tiny_model))
    assert "no such file" in one_line_error(capsys, "score", str(tmp_path / "missing.txt"), "--model", str(tiny_model))
    assert "no file matches" in one_line_error(capsys, "score", str(tmp_path / "*.jsonl"), "--model", str(tiny_model))
    assert "no such file" in one_line_error(capsys, "index", "add", str(tmp_path / "missing.jsonl"), "--index",
                                            str(tmp_path / "i.db"))
    assert not (tmp_path / "i.db").exists()
    assert "no such file" in one_line_error(capsys, "index", "query", str(tmp_path / "missing.jsonl"), "--index",
                                            str(tmp_path / "i.db"))


def test_index_query_on_a_line_whose_text_is_a_number(tmp_path, capsys, jsonl):
    index = tmp_path / "i.db"
    assert main(["index", "add", str(jsonl), "--index", str(index)]) == 0
    query = tmp_path / "q.jsonl"
    query.write_text(json.dumps({"id": "n", "text": 42}) + "\n" + json.dumps({"id": "ok", "text": ARTICLE}) + "\n")
    capsys.readouterr()
    assert main(["index", "query", str(query), "--index", str(index)]) == 0
    first, second = map(json.loads, capsys.readouterr().out.splitlines())
    assert first["error"]["code"] == "not_a_string" and first["line"] == 1
    assert second["matches"][0]["source_id"] == "a"


def test_resume_onto_an_output_that_is_not_ours(tmp_path, capsys, tiny_model, jsonl):
    output = tmp_path / "out.jsonl"
    output.write_text("this is not JSON\n")
    assert "cannot resume" in one_line_error(capsys, "score", str(jsonl), "-o", str(output), "--resume",
                                             "--model", str(tiny_model))


def test_evaluate_on_a_line_that_is_not_json(tmp_path, capsys, tiny_model):
    labeled = tmp_path / "labeled.jsonl"
    labeled.write_text(json.dumps({"text": ARTICLE, "label": 1}) + "\n{oops\n")
    assert "labeled.jsonl:2" in one_line_error(capsys, "evaluate", str(labeled), "--model", str(tiny_model))


def test_a_setting_that_is_not_a_number(monkeypatch, capsys, jsonl, tiny_model):
    monkeypatch.setenv("SPUN_DETECTOR_MAX_SPANS", "ten")
    assert "SPUN_DETECTOR_MAX_SPANS='ten'" in one_line_error(capsys, "score", str(jsonl), "--model", str(tiny_model))


def test_usage_mistakes_are_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["score", "--jobs", "many"])
    assert exit_.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--jobs" in error and "--help" in error


def test_adding_rewriters_needs_the_model_to_add_them_to(tmp_path, capsys):
    assert "--from MODEL" in one_line_error(capsys, "train", "--add-rewriters", "--output", str(tmp_path / "m"))


def test_a_synonym_source_without_its_data_is_refused_before_training(tmp_path, capsys):
    for command in (["train"], ["train", "--from", str(tmp_path / "base"), "--retrain-spun-text"]):
        error = one_line_error(capsys, *command, "--synonym-sources", "moby", "tortured", "--data", str(tmp_path),
                               "--output", str(tmp_path / "m"))
        assert "tortured-phrase list" in error and str(tmp_path) in error
