"""Refitting a model on a user's own labels and clean text: one command, no PyTorch, before and
after in the new model card, and one-line errors for training data that cannot be used."""
import json
import subprocess
import sys

import pytest

from detector.cli import main
from detector.scoring import Detector
from tests.fixture_corpus import fixture_articles, fixture_translations


def labeled_line(document_id: str, text: str, **labels) -> str:
    return json.dumps({"id": document_id, "text": text, "labels": labels}) + "\n"


@pytest.fixture(scope="module")
def user_data(tmp_path_factory):
    """Labeled posts (spun and not, machine-translated and not) and a folder of clean text."""
    from detector.training.spinner import Spinner
    from detector.training.thesaurus import Thesaurus

    root = tmp_path_factory.mktemp("user")
    thesaurus, articles = Thesaurus.load(), fixture_articles(200, sentences_per_article=4, seed=901)
    lines = [labeled_line(f"s{k}", Spinner(thesaurus, rate=0.25, seed=k).spin(text).text, spun_text=1)
             if k % 2 else labeled_line(f"c{k}", text, spun_text=0) for k, text in enumerate(articles[:80])]
    for k, record in enumerate(fixture_translations(30, seed=902)):
        lines.append(labeled_line(f"h{k}", " ".join(record["refs"]["A"]), machine_paraphrase=0, spun_text=0))
        lines.append(labeled_line(f"m{k}", " ".join(record["hyps"]["SystemOne"]), machine_paraphrase=1))
    (root / "labeled.jsonl").write_text("".join(lines))
    (root / "clean").mkdir()
    for k, text in enumerate(articles[80:]):
        (root / "clean" / f"{k}.txt").write_text(text)
    return root


@pytest.fixture(scope="module")
def refitted(user_data, tiny_model, tmp_path_factory):
    output = tmp_path_factory.mktemp("refit") / "model"
    assert main(["train", "--from", str(tiny_model), "--labeled", str(user_data / "labeled.jsonl"), "--clean",
                 str(user_data / "clean"), "--output", str(output), "--version", "2.0.0-test"]) == 0
    return output


def test_a_refit_keeps_the_base_statistics_and_replaces_the_classifiers(refitted, tiny_model):
    for name in ("statistics.npz", "candidates.npz", "context_model.npz", "tortured_phrases.csv"):
        assert (refitted / name).read_bytes() == (tiny_model / name).read_bytes()
    new, base = Detector.load(refitted), Detector.load(tiny_model)
    assert new.version == "2.0.0-test" and base.version != new.version
    manifest = json.loads((refitted / "manifest.json").read_text())["refit"]
    assert manifest["attributes"]["machine_paraphrase"]["refitted"]
    assert manifest["documents"]["labeled_held_out"] > 0 and manifest["documents"]["clean_held_out"] > 0
    text = fixture_articles(1, seed=905)[0]
    assert new.score(text).category_scores != base.score(text).category_scores  # new classifiers answer


def test_the_card_shows_both_models_on_the_held_out_documents(refitted):
    card = (refitted / "MODEL_CARD.md").read_text()
    assert "refitted" in card and "| base | labeled |" in card and "| refit | labeled |" in card
    assert "Where the refit does worse" in card


def test_evaluate_compares_two_models(refitted, tiny_model, user_data, capsys):
    capsys.readouterr()
    assert main(["evaluate", str(user_data / "labeled.jsonl"), "--model", str(tiny_model), "--model", str(refitted),
                 "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert set(table["labeled"]) == {str(tiny_model), str(refitted)} and "worse" in table
    assert table["labeled"][str(refitted)]["spun_text"]["all"]["documents"] > 0


def test_a_refit_needs_no_pytorch(user_data, tiny_model, tmp_path):
    blocked = ("import sys\n"
               "class NoTorch:\n"  # any import of torch now fails
               "    def find_spec(self, name, path=None, target=None):\n"
               "        if name.split('.')[0] == 'torch':\n"
               "            raise ImportError('no torch here')\n"
               "sys.meta_path.insert(0, NoTorch())\n"
               "from detector.cli import main\n"
               f"sys.exit(main(['train', '--from', {str(tiny_model)!r}, '--clean', {str(user_data / 'clean')!r}, "
               f"'--output', {str(tmp_path / 'model')!r}]))")
    run = subprocess.run([sys.executable, "-c", blocked], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]


def one_line(capsys, *argv) -> str:
    assert main(list(argv)) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error, error
    return error


@pytest.mark.parametrize("content, message", [
    ('{"id": "a", "text": "x"\n', "labeled.jsonl:1"),
    (labeled_line("a", "Some text here.", spun_text=1).replace('"labels"', '"label_s"'), "'labels' must be"),
    (labeled_line("a", "Some text here.", spun_text=2), "must be 0 or 1"),
    (labeled_line("a", "Some text here.", toxic=1), "unknown label 'toxic'"),
    ("".join(labeled_line(f"a{k}", "Officials said the talks went well.", spun_text=1) for k in range(40)),
     "one class for spun_text"),
], ids=["wrong-json", "missing-labels", "not-0-or-1", "unknown-attribute", "one-class"])
def test_training_data_that_cannot_be_used_is_one_line(tmp_path, tiny_model, capsys, content, message):
    (tmp_path / "labeled.jsonl").write_text(content)
    error = one_line(capsys, "train", "--from", str(tiny_model), "--labeled", str(tmp_path / "labeled.jsonl"),
                     "--output", str(tmp_path / "out"))
    assert message in error


def test_too_few_documents_to_set_a_threshold(tmp_path, tiny_model, capsys):
    (tmp_path / "clean").mkdir()
    for k, text in enumerate(fixture_articles(40, seed=907)):
        (tmp_path / "clean" / f"{k}.txt").write_text(text)
    error = one_line(capsys, "train", "--from", str(tiny_model), "--clean", str(tmp_path / "clean"), "--output",
                     str(tmp_path / "out"))
    assert "too few documents to set a threshold" in error
    assert not (tmp_path / "out").exists()


def test_labels_without_a_base_model_and_a_refit_onto_its_base_are_refused(tmp_path, tiny_model, capsys):
    assert "--from MODEL" in one_line(capsys, "train", "--labeled", str(tmp_path / "x.jsonl"))
    assert "must differ" in one_line(capsys, "train", "--from", str(tiny_model), "--clean", str(tmp_path),
                                     "--output", str(tiny_model))
