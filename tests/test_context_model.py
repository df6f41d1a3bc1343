import numpy as np
import pytest

from detector.context_model import ContextModel
from detector.lm import NgramStats
from detector.text import lm_forms
from detector.training.context_model import BOUNDARY, ContextTrainingConfig, target_positions, train_context_model
from detector.training.statistics import build_statistics

CORPUS = ["interest rates rose sharply on monday"] * 20 + ["house prices rose sharply in june"] * 20 + \
         ["the places were busy", "the plates were empty", "the wolf ran away", "the fox ran away"]
SMALL = ContextTrainingConfig(min_count=1, embedding_dim=8, hidden_dim=16, output_dim=8, examples=12_000,
                              batch_size=64, negatives=8, learning_rate=1e-2, window=2)


def id_stream(stats: NgramStats, texts: list[str]) -> np.ndarray:
    return np.concatenate([np.r_[BOUNDARY, stats.ids(lm_forms(t))] for t in texts]).astype(np.int32)


@pytest.fixture(scope="module")
def trained():
    stats = build_statistics(CORPUS, min_word_count=1, min_ngram_count=1)
    return stats, train_context_model(id_stream(stats, CORPUS), stats, SMALL, progress=False)


def scores_at(stats, model, sentence: str, position: int, words: list[str]) -> np.ndarray:
    vectors = model.context_vectors(stats.ids(sentence.split()), np.array([position]))
    return model.scores(np.repeat(vectors, len(words), axis=0), stats.ids(words))


def test_the_model_prefers_the_word_its_context_was_seen_with(trained):
    stats, model = trained
    rates, places = scores_at(stats, model, "interest places rose sharply on", 1, ["rates", "places"])
    assert rates > places + 3
    prices, plates = scores_at(stats, model, "june house plates rose sharply", 2, ["prices", "plates"])
    assert prices > plates + 3


def test_artifact_arrays_give_the_same_scores(trained):
    stats, model = trained
    restored = ContextModel.from_arrays(model.to_arrays())
    sentence, words = "interest places rose sharply on", ["rates", "places", "wolf", "monday"]
    assert np.allclose(scores_at(stats, model, sentence, 1, words), scores_at(stats, restored, sentence, 1, words),
                       atol=0.05)  # the embedding tables are stored as int8 rows with a scale


def test_rare_words_share_the_unknown_output_by_frequency():
    stats = build_statistics(CORPUS, min_word_count=1, min_ngram_count=1)
    config = ContextTrainingConfig(**{**SMALL.__dict__, "min_count": 20, "examples": 640})
    model = train_context_model(id_stream(stats, CORPUS), stats, config, progress=False)
    common, rare, rarer = stats.ids(["rose", "wolf", "fox"])
    assert common < model.vocabulary_size <= min(rare, rarer)  # only words seen 20+ times have their own output
    vectors = model.context_vectors(stats.ids("the wolf ran away".split()), np.array([1, 1]))
    unknown = model.scores(vectors[:1], np.array([0]))[0]
    wolf, fox = model.scores(vectors, np.array([rare, rarer]))
    share = stats.word_probability[[rare, rarer]] / stats.word_probability[model.vocabulary_size:].sum()
    assert np.allclose([wolf, fox], unknown + np.log(share), atol=1e-4)


def test_function_words_are_thinned_out_as_targets():
    stats = build_statistics(CORPUS * 50, min_word_count=1, min_ngram_count=1)
    ids = id_stream(stats, CORPUS * 50)
    config = ContextTrainingConfig(window=2, function_word_share=0.25)
    targets = target_positions(ids, stats.vocabulary, config, np.random.default_rng(0))
    the = stats.index["the"]
    assert 0.15 < np.sum(ids[targets] == the) / np.sum(ids == the) < 0.35
    assert np.sum(ids[targets] == stats.index["wolf"]) == np.sum(ids == stats.index["wolf"])
    assert not np.any(ids[targets] == BOUNDARY)
