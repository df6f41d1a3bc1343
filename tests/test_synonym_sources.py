from dataclasses import replace

import numpy as np
import pytest

from detector.artifact import read_artifact, sha256
from detector.candidates import CandidateTable
from detector.context_model import ContextModel
from detector.evaluation.synonym_sources import FluentSpinner
from detector.scoring import Detector
from detector.training.corpora import Article
from detector.training.recipe import TrainingConfig, retrain_spun_text, spun_pairs
from detector.training.spinner import Spinner
from detector.training.statistics import build_statistics
from detector.training.synonym_sources import (
    EMBEDDING,
    MOBY,
    embedding_thesaurus,
    load_synonym_sources,
    tortured_thesaurus,
)
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles, fixture_translations
from tests.fixture_model import fixture_config

MACHINE_PREFIXES = ("machine",)

TORTURED_CSV = '''tortured_phrase,expected_phrase,num_papers
"""big data""",big data (BD),10
"""enormous information""",big data,9
"""counterfeit consciousness""",artificial intelligence,8
"""bosom"" AND ""breast""",breast,7
"""irregular woodland""",random forest,6
"""profound learning"" ~3",deep learning,5
'''


def test_tortured_vocabulary_maps_expected_words_to_their_tortured_versions(tmp_path):
    path = tmp_path / "tortured.csv"
    path.write_text(TORTURED_CSV)
    thesaurus = tortured_thesaurus(path)
    assert thesaurus.synonyms == {"big": ["enormous"], "data": ["information"], "artificial": ["counterfeit"],
                                  "intelligence": ["consciousness"], "random": ["irregular"], "forest": ["woodland"]}
    assert thesaurus.phrases["big data"] == ["enormous information"]
    assert "deep learning" not in thesaurus.phrases and "breast" not in thesaurus.synonyms  # search expressions


def test_the_fluent_spinner_keeps_the_synonym_the_statistics_have_seen_here():
    corpus = ["prices rose sharply on monday"] * 20 + ["prices rose steeply on tuesday", "the wall was steep"]
    stats = build_statistics(corpus, min_word_count=1, min_ngram_count=1)
    thesaurus = Thesaurus({"quickly": ["steeply", "sharply", "rapidly"]}, {})
    for seed in range(5):
        spun = FluentSpinner(thesaurus, stats, rate=1.0, numeral_rate=0, phrase_rate=0, seed=seed).spin(
            "prices rose quickly on monday")
        assert spun.text == "prices rose sharply on monday"


def test_embedding_neighbours_are_the_nearest_other_words_and_not_their_inflections():
    corpus = ["apple pear plum apples stone"] * 5
    stats = build_statistics(corpus, min_word_count=1, min_ngram_count=1)
    ids = {word: stats.ids([word])[0] for word in ("apple", "pear", "plum", "apples", "stone")}
    embeddings = np.zeros((len(stats.vocabulary) + 1, 2), dtype=np.float32)
    directions = {"apple": (1, 0), "apples": (1, 0.01), "pear": (1, 0.1), "plum": (1, 0.3), "stone": (0, 1)}
    for word, vector in directions.items():
        embeddings[ids[word]] = vector
    size = len(stats.vocabulary)
    model = ContextModel(embeddings, np.zeros((4, 1)), np.zeros(1), np.zeros((1, 2)), np.zeros(2),
                         np.zeros((size, 2)), np.zeros(size), 1, np.zeros(size))
    thesaurus = embedding_thesaurus(model, stats, neighbours=2)
    assert thesaurus.synonyms["apple"] == ["pear"]  # "apples" was the nearest, but it is the same word
    assert thesaurus.synonyms["stone"][0] == "plum"


def test_a_merged_thesaurus_lists_every_source_s_synonyms_once():
    first = Thesaurus({"big": ["large", "huge"]}, {"big data": ["large data"]})
    second = Thesaurus({"big": ["huge", "enormous"], "data": ["information"]}, {})
    merged = Thesaurus.merged([first, second])
    assert merged.synonyms == {"big": ["large", "huge", "enormous"], "data": ["information"]}
    assert merged.phrases == {"big data": ["large data"]}
    assert merged.inverted()["enormous"] == ["big"]


def test_training_spins_draw_on_every_synonym_source():
    config = TrainingConfig(news=[], min_rate=0.5, max_rate=0.5, policies=("uniform",))
    sources = [Thesaurus({"rose": ["climbed"]}, {}), Thesaurus({"rose": ["soared"]}, {})]
    articles = [Article(str(i), "Prices rose on Monday and rose again on Tuesday.") for i in range(40)]
    swaps = {change.text for _, spun in spun_pairs(articles, config, sources, seed=3) for change in spun.changes
             if change.kind == "synonym"}
    assert swaps == {"climbed", "soared"}


def test_synonym_sources_are_named_and_the_tortured_one_needs_its_list():
    with pytest.raises(ValueError, match="unknown synonym source wordnet"):
        load_synonym_sources(["moby", "wordnet"], None, None, None)
    with pytest.raises(ValueError, match="tortured-phrase list"):
        load_synonym_sources(["tortured"], None, None, None)


def test_retraining_spun_text_on_more_sources_keeps_the_rest_of_the_model(tiny_model, fixture_data, tmp_path):
    pytest.importorskip("matplotlib")
    config = replace(fixture_config(fixture_data, tmp_path / "new"), synonym_sources=(MOBY, EMBEDDING), version="9.9.9",
                     command="retrain test")
    folder = retrain_spun_text(tiny_model, config)
    base, new = read_artifact(tiny_model), read_artifact(folder)
    for name in ("statistics.npz", "context_model.npz", "tortured_phrases.csv"):
        assert sha256(folder / name) == sha256(tiny_model / name)
    for key, array in base.arrays.items():
        if key.startswith(MACHINE_PREFIXES):
            np.testing.assert_array_equal(new.arrays[key], array)
    assert new.manifest["training"]["synonym_sources"] == [MOBY, EMBEDDING]
    assert new.manifest["training"]["spun_text_retrained"]["from"]["version"] == base.manifest["version"]
    old_table, new_table = CandidateTable.from_arrays(base.arrays), CandidateTable.from_arrays(new.arrays)
    assert len(new_table.candidates) > len(old_table.candidates)  # embedding neighbours became candidate originals
    before, after = Detector.load(tiny_model), Detector.load(folder)
    text = " ".join(fixture_translations(1, seed=9)[0]["hyps"]["SystemOne"])
    assert before.score(text).category_scores["machine_paraphrase"] == after.score(text).category_scores["machine_paraphrase"]
    spun = Spinner(embedding_thesaurus(after.engine.substitutions.context_model, after.engine.substitutions.stats),
                   rate=0.3, seed=2).spin(fixture_articles(1, seed=11)[0])
    assert after.score(spun.text).category_scores["spun_text"] > after.score(fixture_articles(1, seed=11)[0]).category_scores["spun_text"]
