import json
import shutil
from importlib.metadata import version

import pytest

from detector.artifact import MANIFEST, ArtifactError
from detector.scoring import Detector, DocumentError
from detector.settings import Settings
from detector.training.model_card import card_text
from detector.training.recipe import HUMAN_GENRES
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from tests.conftest import FRENCH
from tests.fixture_corpus import fixture_articles

CLEAN = "American and European officials may be staying away from the meeting in Geneva."
SPUN = "American and European officers may be staying away from the meeting in Geneva."


def test_swapped_word_gets_the_top_span_with_its_original(detector):
    result = detector.score(SPUN, "hand-written")
    top = result.spans[0]
    assert SPUN[top.begin:top.end] == top.text == "officers"
    assert top.likely_original == "officials"
    assert top.kind == "synonym"
    clean = detector.score(CLEAN)
    assert all(span.text != "officials" for span in clean.spans)


def test_result_shape(detector):
    result = detector.score(fixture_articles(1, seed=99)[0], "doc-1")
    assert set(result.to_dict()) == {"id", "flagged", "categories", "category_scores", "thresholds", "spans",
                                     "signals", "num_words", "language", "supported", "model_version"}
    assert result.id == "doc-1" and result.language == "en" and result.supported
    assert set(result.category_scores) == set(result.categories) == {"spun_text", "machine_paraphrase"}
    for category, score in result.category_scores.items():
        assert 0.0 <= score <= 1.0
        too_short = category == "spun_text" and "too_short_to_tell" in result.signals
        assert result.categories[category] == (score >= result.thresholds[category] and not too_short)
    assert result.flagged == any(result.categories.values())


def test_spun_articles_score_higher_than_clean(detector):
    thesaurus = Thesaurus.load()
    clean = fixture_articles(20, seed=5)
    spun = [Spinner(thesaurus, rate=0.3, seed=i).spin(t).text for i, t in enumerate(clean)]
    clean_scores, _ = detector.spun_scores(clean)
    spun_scores, _ = detector.spun_scores(spun)
    assert spun_scores.mean() > clean_scores.mean() + 0.3
    assert (spun_scores > 0.5).mean() > 0.8


def test_every_span_slices_the_input(detector):
    thesaurus = Thesaurus.load()
    text = "“Quoted” — " + Spinner(thesaurus, rate=0.4, seed=11).spin(" ".join(fixture_articles(2))).text
    result = detector.score(text)
    assert result.spans
    for span in result.spans:
        assert text[span.begin:span.end] == span.text


def test_long_documents_are_scored_in_full(detector):
    text = " ".join(fixture_articles(60, seed=3))
    spun_tail = text + " " + SPUN
    result = detector.score(spun_tail)
    assert result.num_words > 10_000
    assert any(span.begin > len(text) for span in result.spans)


@pytest.mark.parametrize("text, code", [
    ("", "empty_text"), ("   \n\t ", "empty_text"), ("abc\x00\x01\x02def", "binary_content"),
    (12, "not_a_string"), (None, "not_a_string"),
])
def test_bad_input_gets_a_clear_error(detector, text, code):
    with pytest.raises(DocumentError) as error:
        detector.score(text)
    assert error.value.code == code


def test_huge_input_is_refused(tiny_model):
    small = Detector.load(tiny_model, Settings(model_path=str(tiny_model), max_document_chars=1000))
    with pytest.raises(DocumentError) as error:
        small.score("word " * 1000)
    assert error.value.code == "too_long"


def test_non_english_is_not_scored(detector):
    result = detector.score(FRENCH)
    assert not result.supported and result.language == "fr"
    assert result.category_scores["spun_text"] is None and not result.flagged
    assert "English" in result.reason


def test_artifact_version_is_checked(tiny_model, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    assert manifest["version"] and manifest["metrics"]["validation"] and manifest["training"]["seed"] == 13
    manifest["format_version"] = 999
    (copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="format 999"):
        Detector.load(copy, Settings())


def test_arrays_are_written_one_file_per_group_with_the_tortured_phrases(tiny_model):
    manifest = json.loads((tiny_model / MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["candidates.npz", "context_model.npz", "models.npz", "statistics.npz",
                                         "tortured_phrases.csv"]
    assert manifest["libraries"]["numpy"] and manifest["code_version"]


def test_tampered_artifact_is_refused(tiny_model, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    with open(copy / "models.npz", "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ArtifactError, match="checksum"):
        Detector.load(copy, Settings())
    with pytest.raises(ArtifactError, match="no model"):
        Detector.load(tmp_path / "missing", Settings())


def test_training_writes_a_loadable_model_with_card_and_plots(trained_model):
    card = (trained_model / "MODEL_CARD.md").read_text()
    assert "python -m tests.fixture_model" in card and "Threshold" in card
    assert f"torch {version('torch')}" in card  # a retrain under another PyTorch gives other arrays
    for plot in ("roc.png", "score_histogram.png"):
        assert (trained_model / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Detector.load(trained_model).score(SPUN).spans[0].text == "officers"


def test_training_learns_and_validates_on_other_genres_of_human_prose(trained_model):
    manifest = json.loads((trained_model / MANIFEST).read_text())
    genres = set(HUMAN_GENRES.values())
    assert genres <= set(manifest["metrics"]["validation"])
    assert all(manifest["metrics"]["validation"][genre]["positives"] == 0 for genre in genres)
    assert "2% of each other genre" in (trained_model / "MODEL_CARD.md").read_text()


def test_model_card_says_when_the_test_policy_was_trained_on(tiny_model):
    manifest = json.loads((tiny_model / MANIFEST).read_text())
    assert "`frequency` policy never used in training" in card_text(manifest)
    manifest["training"]["spinner_policies"].append("frequency")
    card = card_text(manifest)
    assert "never used in training (every test policy was among the training policies)" in card
    assert "`frequency` policy never used" not in card


def test_the_models_own_tortured_phrases_are_used_by_default(detector):
    text = "The company said counterfeit consciousness would change the market."
    spans = [s for s in detector.score(text).spans if s.kind == "tortured_phrase"]
    assert [(s.text, s.likely_original) for s in spans] == [("counterfeit consciousness", "artificial intelligence")]


def test_another_tortured_phrase_list_can_be_configured(tiny_model, tmp_path):
    phrases = tmp_path / "tortured.csv"
    phrases.write_text('tortured_phrase,expected_phrase,num_papers\n"""colossal information""",'
                       'big data,10\n"""bosom"" AND ""breast""",breast,3\n')
    detector = Detector.load(tiny_model, Settings(tortured_phrases=str(phrases)))
    text = "The company said colossal information would change the market."
    spans = [s for s in detector.score(text).spans if s.kind == "tortured_phrase"]
    assert [(s.text, s.likely_original) for s in spans] == [("colossal information", "big data")]
    assert text[spans[0].begin:spans[0].end] == "colossal information"


def test_contraction_flips_are_pointed_at(tiny_model, detector):
    text = ("Officials said they do not expect talks soon. Analysts do not agree. "
            "Unions don't accept the plan, and ministers do not comment.")
    assert detector.score(text).signals["style_flips"] == 1
    assert all(s.kind != "style_flip" for s in detector.score(text).spans)  # below the default span score
    curious = Detector.load(tiny_model, Settings(span_min_score=0.2))
    flips = [s for s in curious.score(text).spans if s.kind == "style_flip"]
    assert [(s.text, s.likely_original) for s in flips] == [("don't", "do not")]
    assert text[flips[0].begin:flips[0].end] == "don't"


def test_one_suspicious_word_does_not_flag_a_short_text(detector):
    result = detector.score(SPUN, thresholds={"spun_text": 0.0})
    assert result.signals["swaps_over_0.5"] == 1 and result.num_words < 100
    assert not result.categories["spun_text"] and result.signals["too_short_to_tell"] == 1
    assert result.category_scores["spun_text"] > 0  # the score is still reported
    two = detector.score(SPUN.replace("meeting", "assembly"), thresholds={"spun_text": 0.0})
    assert two.signals["swaps_over_0.5"] >= 2 and two.categories["spun_text"] and "too_short_to_tell" not in two.signals
    long = detector.score(" ".join(fixture_articles(2, seed=4)), thresholds={"spun_text": 0.0})
    assert long.num_words >= 100 and long.categories["spun_text"]


def test_a_long_document_is_scored_in_windows_and_names_the_most_suspicious(detector):
    clean = fixture_articles(16, seed=12)
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=2).spin("\n\n".join(fixture_articles(6, seed=13))).text
    text = "\n\n".join(clean[:8] + [spun] + clean[8:])
    result = detector.score(text)
    window = result.most_suspicious
    assert result.num_words > 4000 and window is not None
    spun_begin = text.index(spun)
    assert window.begin < spun_begin + len(spun) and spun_begin < window.end  # the window overlaps the spun part
    assert result.category_scores["spun_text"] == window.score
    assert result.to_dict()["most_suspicious"] == {"begin": window.begin, "end": window.end, "score": window.score}
    assert all(text[s.begin:s.end] == s.text for s in result.spans)
    whole_clean = detector.score("\n\n".join(clean))
    assert whole_clean.category_scores["spun_text"] < window.score
    assert "most_suspicious" not in detector.score(clean[0]).to_dict()
