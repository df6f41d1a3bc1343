import json
import random
from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from detector.artifact import read_artifact, sha256
from detector.cli import main
from detector.lexical import WordCachedCounter, skeleton_ngrams
from detector.rewriters import aligned
from detector.scoring import Detector
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import lm_form, tokenize
from detector.training.lexical import lexical_model
from detector.training.machine_paraphrase import HELD_OUT_SYSTEMS, TRANSLATION_SPLITS, translation_splits
from detector.training.recipe import add_rewriter_kinds
from detector.training.rewrites import LLM_POLISH, PARAPHRASER, read_rewrites, rewrite_splits
from detector.training.translations import read_translations
from tests.fixture_corpus import SENTENCES, fixture_rewrites, fixture_translations, machine_wording
from tests.fixture_model import fixture_config


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


def test_llm_and_tool_rewrites_score_higher_and_name_their_kind(detector):
    polish, quillbot = fixture_rewrites(30, seed=778)  # pairs and questions the model never saw
    for records, kind in ((polish, LLM_POLISH), (quillbot, PARAPHRASER)):
        human = [r["text"] for r in records if r["label"] == "human"]
        machine = [r["text"] for r in records if r["label"] == "machine_paraphrase"]
        results = [detector.score(t) for t in human + machine]
        scores = [r.category_scores["machine_paraphrase"] for r in results]
        assert roc_auc_score([0] * len(human) + [1] * len(machine), scores) > 0.9
        for result in results:  # another kind's score counts where it reaches the threshold
            threshold = result.thresholds["machine_paraphrase"]
            flagging = [result.signals[f"machine_paraphrase_{k}"] for k in (LLM_POLISH, PARAPHRASER)
                        if result.signals[f"machine_paraphrase_{k}"] >= threshold]
            assert result.category_scores["machine_paraphrase"] == max(
                [result.signals["machine_paraphrase_translation"], *flagging])
        flagged = [r for r in results[len(human):] if r.categories["machine_paraphrase"]]
        assert flagged
        explained = 0
        for result in flagged:  # the spans are the evidence of one kind that reached the threshold
            reached = {"machine_translation" if k == "translation" else f"{k}_wording"
                       for k in ("translation", LLM_POLISH, PARAPHRASER)
                       if result.signals[f"machine_paraphrase_{k}"] >= result.thresholds["machine_paraphrase"]}
            machine_spans = {s.kind for s in result.spans if s.kind.endswith("_wording") or s.kind == "machine_translation"}
            assert len(machine_spans) <= 1 and machine_spans <= reached
            explained += bool(machine_spans)
        assert explained >= 0.8 * len(flagged)


def test_a_kind_s_threshold_lands_on_the_attribute_s():
    assert aligned(0.3, 0.3, 0.8) == pytest.approx(0.8) and aligned(0.0, 0.3, 0.8) == 0.0 and aligned(1.0, 0.3, 0.8) == 1.0
    values = [aligned(p, 0.6, 0.8) for p in np.linspace(0, 1, 101)]
    assert all(a < b for a, b in zip(values, values[1:]))  # order kept
    assert (aligned(0.59, 0.6, 0.8) < 0.8) and (aligned(0.61, 0.6, 0.8) > 0.8)


def test_every_kind_of_rewriter_has_a_span_kind_in_the_result_schema():
    from typing import get_args

    from detector.result import SpanKind

    assert {f"{kind}_wording" for kind in (LLM_POLISH, PARAPHRASER)} <= set(get_args(SpanKind))


def test_adding_rewriter_kinds_keeps_the_rest_of_the_model(tiny_model, fixture_data, tmp_path):
    pytest.importorskip("matplotlib")
    base = read_artifact(tiny_model)
    folder = add_rewriter_kinds(tiny_model, replace(fixture_config(fixture_data, tmp_path / "new"), seed=5,
                                                    version="9.9.9", command="add test"))
    new = read_artifact(folder)
    for name in ("statistics.npz", "candidates.npz", "context_model.npz", "tortured_phrases.csv"):
        assert sha256(folder / name) == sha256(tiny_model / name)
    for key, array in base.arrays.items():
        if not key.startswith("machine_rewriter"):
            np.testing.assert_array_equal(new.arrays[key], array)
    record = new.manifest["machine_paraphrase"]["rewriters"]
    assert record["added"]["to"]["version"] == base.manifest["version"] and record["kinds"] == [LLM_POLISH, PARAPHRASER]
    assert "Added to model" in (folder / "MODEL_CARD.md").read_text()
    before, after = Detector.load(tiny_model), Detector.load(folder)
    text = " ".join(fixture_translations(1, seed=9)[0]["hyps"]["SystemOne"])
    first, second = before.score(text), after.score(text)
    assert first.category_scores["spun_text"] == second.category_scores["spun_text"]
    assert first.signals["machine_paraphrase_translation"] == second.signals["machine_paraphrase_translation"]


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
        spans = [s for s in result.spans if s.kind == "machine_translation" or s.kind.endswith("_wording")]
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
