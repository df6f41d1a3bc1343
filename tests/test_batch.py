import json

import pytest

from detector.cli import main
from tests.conftest import FRENCH
from tests.fixture_corpus import fixture_articles


@pytest.fixture
def model_args(tiny_model):
    return ["--model", str(tiny_model), "--quiet"]


def write_shard(path, start, count, bad_lines=True):
    lines = [json.dumps({"id": f"doc-{start + i}", "text": text})
             for i, text in enumerate(fixture_articles(count, sentences_per_article=4, seed=start))]
    if bad_lines:
        lines[1:1] = ["{broken", "", json.dumps({"id": f"no-text-{start}"}), json.dumps({"id": f"fr-{start}", "text": FRENCH})]
    path.write_bytes("\n".join(lines).encode() + b"\n" + (b"\xff\xfe\n" if bad_lines else b""))
    return len(lines) + bad_lines


def read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def keys(records):
    return [r["id"] if r.get("id") is not None else f"{r['source']}:{r['line']}" for r in records]


def test_one_line_in_one_line_out(tmp_path, model_args):
    source = tmp_path / "in.jsonl"
    lines = write_shard(source, 0, 20)
    output = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(output), *model_args]) == 0
    records = read(output)
    assert len(records) == lines
    codes = [r["error"]["code"] for r in records if "error" in r]
    assert codes == ["invalid_json", "blank_line", "missing_text", "not_utf8"]
    assert [r["line"] for r in records if "error" in r] == [2, 3, 4, lines]
    assert [r["id"] for r in records if "error" not in r][:3] == ["doc-0", "fr-0", "doc-1"]


def test_jobs_2_gives_the_same_results(tmp_path, model_args):
    source = tmp_path / "in.jsonl"
    write_shard(source, 0, 30)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["score", str(source), "-o", str(one), *model_args]) == 0
    assert main(["score", str(source), "-o", str(two), "--jobs", "2", *model_args]) == 0
    assert read(one) == read(two)


def test_resume_after_an_interrupted_run(tmp_path, model_args, capsys):
    source = tmp_path / "in.jsonl"
    write_shard(source, 0, 30)
    full = tmp_path / "full.jsonl"
    assert main(["score", str(source), "-o", str(full), *model_args]) == 0
    expected = keys(read(full))
    interrupted = tmp_path / "resumed.jsonl"
    text = full.read_text()
    cut = text.index("\n", len(text) // 2) + 40  # a torn line, as a killed run leaves it
    interrupted.write_text(text[:cut])
    capsys.readouterr()
    assert main(["score", str(source), "-o", str(interrupted), "--resume", *model_args]) == 0
    resumed = keys(read(interrupted))
    assert sorted(resumed) == sorted(expected) and len(set(resumed)) == len(resumed)
    assert "skipped" in capsys.readouterr().err


def test_glob_inputs(tmp_path, model_args):
    for n in range(2):
        write_shard(tmp_path / f"shard-{n}.jsonl", n * 100, 5, bad_lines=False)
    output = tmp_path / "out.jsonl"
    assert main(["score", str(tmp_path / "shard-*.jsonl"), "-o", str(output), *model_args]) == 0
    assert len(read(output)) == 10
