import json

import pytest

from detector.cli import main
from tests.conftest import FRENCH
from tests.fixture_corpus import fixture_articles
from tests.test_detector import SPUN


@pytest.fixture
def model_args(tiny_model):
    return ["--model", str(tiny_model)]


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_score_jsonl_with_bad_lines(tmp_path, model_args, capsys):
    source = tmp_path / "docs.jsonl"
    lines = [json.dumps({"id": "a", "text": SPUN}), "{not json", json.dumps({"id": "b"}),
             json.dumps({"id": "c", "text": ""}), json.dumps({"id": "d", "text": FRENCH})]
    source.write_bytes("\n".join(lines).encode() + b"\n\xff\xfe broken\n")
    output = tmp_path / "out.jsonl"
    assert main(["score", str(source), "--output", str(output), *model_args]) == 0
    results = read_jsonl(output)
    assert len(results) == 6
    assert results[0]["id"] == "a" and results[0]["spans"][0]["likely_original"] == "officials"
    assert [r.get("error", {}).get("code") for r in results[1:4]] == ["invalid_json", "missing_text", "empty_text"]
    assert results[1]["line"] == 2
    assert results[4]["supported"] is False
    assert results[5]["error"]["code"] == "not_utf8"
    assert "scored 2, flagged" in capsys.readouterr().err


def test_score_text_files_and_terminal_format(tmp_path, model_args, capsys):
    (tmp_path / "story.txt").write_text(SPUN)
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert main(["score", str(tmp_path / "story.txt"), str(tmp_path / "binary.txt"), "--format", "text",
                 *model_args]) == 0
    out = capsys.readouterr().out
    assert "story.txt:" in out and "[officers] <- 'officials'" in out
    assert "binary.txt" in out and "ERROR" in out


def test_score_stdin(monkeypatch, model_args, capsys):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SPUN.encode())))
    assert main(["score", *model_args]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["id"] == "stdin" and result["supported"]


def test_unreadable_model_is_fatal(tmp_path, capsys):
    assert main(["score", "--model", str(tmp_path / "nothing")]) == 2
    assert "no model" in capsys.readouterr().err


def test_spin_then_evaluate(tmp_path, model_args, capsys):
    source = tmp_path / "clean.jsonl"
    articles = fixture_articles(12, seed=21)
    source.write_text("\n".join(json.dumps({"id": str(i), "text": t}) for i, t in enumerate(articles)))
    spun_path = tmp_path / "spun.jsonl"
    assert main(["spin", str(source), "--rate", "0.3", "--seed", "5", "--output", str(spun_path)]) == 0
    spun = read_jsonl(spun_path)
    assert len(spun) == 12 and all(s["changes"] and s["original"] == articles[int(s["id"])] for s in spun)
    labelled = tmp_path / "labelled.jsonl"
    rows = [{"id": f"c{i}", "text": t, "label": 0, "subset": "fixture"} for i, t in enumerate(articles)]
    rows += [{"id": f"s{s['id']}", "text": s["text"], "label": 1, "subset": "fixture"} for s in spun]
    labelled.write_text("\n".join(json.dumps(r) for r in rows))
    assert main(["evaluate", str(labelled), "--json", *model_args]) == 0
    table = json.loads(capsys.readouterr().out)
    assert table["spun_text"]["fixture"]["documents"] == 24 and table["spun_text"]["fixture"]["roc_auc"] > 0.8


def test_train_passes_policies_and_keeps_the_default(tmp_path, monkeypatch):
    import detector.training.recipe

    recipes = []
    monkeypatch.setattr(detector.training.recipe, "train", lambda config: recipes.append(config) or tmp_path)
    assert main(["train", "--output", str(tmp_path), "--policies", "uniform", "frequency"]) == 0
    assert main(["train", "--output", str(tmp_path)]) == 0
    assert recipes[0].policies == ("uniform", "frequency")
    assert recipes[1].policies == detector.training.recipe.TrainingConfig.policies == ("uniform", "first")
    with pytest.raises(SystemExit):
        main(["train", "--policies", "synonymous"])


def test_command_line_policies_are_the_spinners():
    from detector.cli import POLICIES
    from detector.training.spinner import POLICIES as SPINNER_POLICIES

    assert POLICIES == SPINNER_POLICIES


def test_command_line_synonym_sources_are_the_trainings():
    from detector.cli import SYNONYM_SOURCES
    from detector.training.synonym_sources import SYNONYM_SOURCES as TRAINING_SOURCES

    assert SYNONYM_SOURCES == TRAINING_SOURCES


def test_terminal_format_says_what_the_reader_view_and_the_length_rules_found(tmp_path, model_args, capsys):
    (tmp_path / "short.txt").write_text(SPUN)
    (tmp_path / "hidden.txt").write_text(SPUN.replace("European", "Europ\u200bean"))
    (tmp_path / "long.txt").write_text("\n\n".join(fixture_articles(12, seed=3)))
    assert main(["score", *(str(tmp_path / name) for name in ("short.txt", "hidden.txt", "long.txt")),
                 "--format", "text", *model_args]) == 0
    out = capsys.readouterr().out
    assert "too short to tell" in out and "1 words hold hidden characters" in out
    assert "most suspicious passage: characters 0-" in out
