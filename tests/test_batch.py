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


def test_a_lone_surrogate_fails_alone_with_one_or_two_jobs(tmp_path, model_args):
    source = tmp_path / "in.jsonl"
    texts = fixture_articles(3, sentences_per_article=3, seed=41)
    lines = [json.dumps({"id": "a", "text": texts[0]}), '{"id": "s", "text": "broken \\ud800 text"}',
             '{"id": "\\udfff", "text": "an id that cannot be written"}', json.dumps({"id": "b", "text": texts[1]})]
    source.write_text("\n".join(lines) + "\n")
    for jobs in ("1", "2"):
        output = tmp_path / f"out-{jobs}.jsonl"
        assert main(["score", str(source), "-o", str(output), "--jobs", jobs, *model_args]) == 0
        records = read(output)
        assert [r.get("error", {}).get("code") for r in records] == [None, "invalid_unicode", "invalid_id", None]
        assert [r["line"] for r in records] == [1, 2, 3, 4]


def test_resume_keys_on_the_place_of_each_input_not_its_id(tmp_path, model_args):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    texts = fixture_articles(5, sentences_per_article=3, seed=43)
    (tmp_path / "a" / "x.txt").write_text(texts[0])
    (tmp_path / "b" / "x.txt").write_text(texts[1])  # the same file name: the same id
    repeated = tmp_path / "repeated.jsonl"
    repeated.write_text("\n".join([json.dumps({"id": "same", "text": texts[2]}), json.dumps({"text": texts[3]}),
                                   json.dumps({"id": "same", "text": texts[4]}), json.dumps({"text": texts[3]})]) + "\n")
    inputs = [str(tmp_path / "a" / "x.txt"), str(tmp_path / "b" / "x.txt"), str(repeated)]
    full, resumed = tmp_path / "full.jsonl", tmp_path / "resumed.jsonl"
    assert main(["score", *inputs, "-o", str(full), *model_args]) == 0
    for done in range(len(read(full)) + 1):  # resume after every possible interruption
        resumed.write_text("".join(line + "\n" for line in full.read_text().splitlines()[:done]))
        assert main(["score", *inputs, "-o", str(resumed), "--resume", *model_args]) == 0
        assert read(resumed) == read(full)


def test_resume_refuses_an_output_of_other_inputs(tmp_path, model_args, capsys):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    write_shard(first, 0, 3, bad_lines=False)
    write_shard(second, 50, 3, bad_lines=False)
    output = tmp_path / "out.jsonl"
    assert main(["score", str(first), "-o", str(output), *model_args]) == 0
    capsys.readouterr()
    assert main(["score", str(second), "-o", str(output), "--resume", *model_args]) == 2
    assert "not the same inputs" in capsys.readouterr().err


def test_killed_twice_and_resumed_equals_an_uninterrupted_run(tmp_path, tiny_model):
    import os
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "in.jsonl"
    write_shard(source, 0, 1500)
    command = [sys.executable, "-m", "detector.cli", "score", str(source), "--model", str(tiny_model), "--quiet"]
    full = tmp_path / "full.jsonl"
    subprocess.run([*command, "-o", str(full)], check=True, capture_output=True)
    resumed = tmp_path / "resumed.jsonl"
    for kill_after_bytes in (40_000, 400_000):
        run = subprocess.Popen([*command, "-o", str(resumed), "--resume"], stderr=subprocess.DEVNULL)
        while run.poll() is None and (not resumed.exists() or resumed.stat().st_size < kill_after_bytes):
            time.sleep(0.01)
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    subprocess.run([*command, "-o", str(resumed), "--resume"], check=True, capture_output=True)
    assert resumed.read_bytes() == full.read_bytes()
