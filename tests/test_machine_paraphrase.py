import json
import random

import numpy as np
from sklearn.metrics import roc_auc_score

from detector.cli import main
from detector.lexical import WordCachedCounter, skeleton_ngrams
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import lm_form, tokenize
from detector.training.lexical import lexical_model
from detector.training.machine_paraphrase import HELD_OUT_SYSTEMS, TRANSLATION_SPLITS, translation_splits
from detector.training.rewrites import LLM_POLISH, PARAPHRASER, read_rewrites, rewrite_splits
from detector.training.translations import read_translations
from tests.fixture_corpus import SENTENCES, fixture_translations, machine_wording


def write_jsonl(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    return path


def sentence_records(count: int) -> list[dict]:
    """A WMT21 ``sents`` file: one sentence a line; SystemB misses line 3."""
    records = []
    for line in range(1, count + 1):
        sentence = SENTENCES[line % len(SENTENCES)]
        hyps = {"SystemA": machine_wording(sentence, random.Random(line), 1.0)}
        if line != 3:
            hyps["SystemB"] = sentence.upper()
        records.append({"pair": "xx-en", "line": line, "refs": {"A": sentence, "B": sentence.lower()}, "hyps": hyps})
    return records


def test_sentence_files_become_passages_with_aligned_translations(tmp_path):
    path = write_jsonl(tmp_path / "wmt21_test.xx-en.sents.jsonl", sentence_records(40))
    translations = list(read_translations(path))
    sources = {t.source for t in translations}
    assert len(sources) >= 2
    first = [t for t in translations if t.source == "xx-en:lines-1"]
    assert {t.system for t in first} == {"human-A", "human-B", "SystemA"}  # SystemB lacks a sentence here
    human = next(t for t in first if t.system == "human-A")
    assert len(human.text.split()) >= 180 and human.label == 0
    assert all(t.label == 1 for t in first if t.system == "SystemA")
    later = {t.system for t in translations if t.source != "xx-en:lines-1"}
    assert "SystemB" in later


def test_splits_keep_sources_apart_and_held_out_systems_unseen(tmp_path):
    path = write_jsonl(tmp_path / "wmt21_test.xx-en.docs.jsonl", fixture_translations(60, seed=4))
    splits = translation_splits([str(path)])
    by_split = {name: {t.source for t in getattr(splits, name)} for name, _ in TRANSLATION_SPLITS}
    assert not by_split["train"] & by_split["test"] and not by_split["validation"] & by_split["test"]
    assert not by_split["train"] & by_split["validation"]
    assert all(t.system not in HELD_OUT_SYSTEMS for t in splits.train + splits.validation)
    assert any(t.system in HELD_OUT_SYSTEMS for t in splits.test)


def test_rewrites_keep_each_pair_and_question_in_one_split_and_leave_generated_answers_out(fixture_data):
    rewrites = read_rewrites(fixture_data / "paraphrase_llm")
    assert {(r.kind, r.label) for r in rewrites} == {(LLM_POLISH, 0), (LLM_POLISH, 1), (PARAPHRASER, 0), (PARAPHRASER, 1)}
    assert len([r for r in rewrites if r.kind == PARAPHRASER]) == 2 * 60  # a human answer and a rewrite a question
    by_question = {}
    for r in rewrites:
        by_question.setdefault(r.group, set()).add(r.label)
    assert all(labels == {0, 1} for labels in by_question.values())  # a human answer shares its question's group
    splits = rewrite_splits(rewrites, TRANSLATION_SPLITS)
    groups = {name: {r.group for r in part} for name, part in splits.items()}
    assert not groups["train"] & groups["test"] and not groups["validation"] & groups["test"]


def test_style_features_are_finite_for_any_length(detector):
    stats = detector.engine.substitutions.stats
    for text in ("Hello.", "Officials said so", " ".join(SENTENCES)):
        tokens = tokenize(text)
        row = style_features(tokens, [lm_form(t.text) for t in tokens], stats)
        assert row.shape == (len(STYLE_FEATURE_NAMES),) and np.all(np.isfinite(row))


def test_skeleton_keeps_structure_not_topic():
    assert skeleton_ngrams("Officials said, in order to") == skeleton_ngrams("Doctors said, in order to")
    assert skeleton_ngrams("the bank said") != skeleton_ngrams("the bank stated")


def test_machine_wording_scores_higher_on_unseen_sources_and_systems(detector):
    records = fixture_translations(30, seed=777)  # sources the model never saw
    human = [" ".join(r["refs"]["A"]) for r in records]
    for system in ("SystemOne", "Facebook-AI"):  # a trained system and a held-out one
        machine = [" ".join(r["hyps"][system]) for r in records]
        scores = [detector.score(t).category_scores["machine_paraphrase"] for t in human + machine]
        assert roc_auc_score([0] * len(human) + [1] * len(machine), scores) > 0.9


def test_flagged_machine_text_explains_itself_with_exact_spans(detector):
    records = fixture_translations(10, seed=778)
    texts = [" ".join(r["hyps"]["SystemOne"]) for r in records]
    results = [detector.score(t) for t in texts]
    flagged = [(t, r) for t, r in zip(texts, results) if r.categories["machine_paraphrase"]]
    assert flagged, "the tiny model flags none of its own machine wording"
    for text, result in flagged:
        spans = [s for s in result.spans if s.kind == "machine_translation"]
        assert spans and all(text[s.begin:s.end] == s.text for s in spans)
        assert max(s.score for s in spans) <= result.category_scores["machine_paraphrase"] + 1e-3  # rounding
    human = detector.score(" ".join(records[0]["refs"]["A"]))
    if not human.categories["machine_paraphrase"]:
        assert not [s for s in human.spans if s.kind == "machine_translation"]


def test_evaluate_reports_both_attributes(tmp_path, tiny_model, capsys):
    records = fixture_translations(12, seed=779)
    rows = [{"id": f"h{i}", "text": " ".join(r["refs"]["A"]), "labels": {"spun_text": 0, "machine_paraphrase": 0}}
            for i, r in enumerate(records)]
    rows += [{"id": f"m{i}", "text": " ".join(r["hyps"]["SystemTwo"]), "labels": {"spun_text": 0,
                                                                                  "machine_paraphrase": 1}}
             for i, r in enumerate(records)]
    path = write_jsonl(tmp_path / "labelled.jsonl", rows)
    assert main(["evaluate", str(path), "--json", "--model", str(tiny_model)]) == 0
    tables = json.loads(capsys.readouterr().out)
    assert set(tables) == {"spun_text", "machine_paraphrase"}
    assert tables["machine_paraphrase"]["all"]["documents"] == 24
    assert tables["machine_paraphrase"]["all"]["roc_auc"] > 0.8
    assert tables["spun_text"]["all"]["positives"] == 0


def test_the_attribute_can_be_switched_off(tiny_model, detector):
    from detector.scoring import Detector
    from detector.settings import Settings

    settings = Settings.from_env({"SPUN_DETECTOR_MACHINE_PARAPHRASE": "false"}, model_path=str(tiny_model))
    spun_only = Detector.load(settings=settings)
    text = " ".join(fixture_translations(1, seed=780)[0]["hyps"]["SystemOne"])
    result, full = spun_only.score(text), detector.score(text)
    assert set(result.category_scores) == set(result.categories) == set(result.thresholds) == {"spun_text"}
    assert result.category_scores["spun_text"] == full.category_scores["spun_text"]
    assert not [s for s in result.spans if s.kind == "machine_translation"]


def test_boolean_settings_parse_words_and_refuse_nonsense():
    import pytest

    from detector.settings import Settings

    assert Settings.from_env({"SPUN_DETECTOR_MACHINE_PARAPHRASE": "off"}).machine_paraphrase is False
    assert Settings.from_env({"SPUN_DETECTOR_MACHINE_PARAPHRASE": "1"}).machine_paraphrase is True
    with pytest.raises(ValueError, match="true or false"):
        Settings.from_env({"SPUN_DETECTOR_MACHINE_PARAPHRASE": "maybe"})


def test_word_cached_character_counts_equal_the_vectorizer_even_after_the_cache_fills():
    vectorizer = dict(lexical_model().named_steps["blocks"].transformer_list)["characters"].named_steps["hash"]
    counter = WordCachedCounter(vectorizer, max_words=8)
    texts = SENTENCES[:20] + ["", "  \t\n ", "Caf\u00e9 \u201cquoted\u201d \u2014 dash", "a\u00a0b\tc\n\nd ok ok"]
    for text in texts + texts[::-1]:
        expected = vectorizer.transform([text])
        columns, counts = counter.counts(text)
        assert columns.tolist() == sorted(expected.indices.tolist())
        assert counts.tolist() == [expected[0, c] for c in columns]
    counter.counts("it is ok.")
    assert 0 < len(counter.words) <= 8


def test_machine_translation_spans_stay_on_their_words_after_a_letter_that_grows_in_lower_case(detector):
    from detector.lexical import words_with_offsets

    text = "İİİİ " + " ".join(fixture_translations(1, seed=778)[0]["hyps"]["SystemOne"])
    for word, begin, end in words_with_offsets(text):
        assert text[begin:end].lower() == word or text[begin:end] == "İİİİ"
