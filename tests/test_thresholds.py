import json

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier

from detector.features import FEATURE_NAMES
from detector.thresholds import MIN_BAND_DOCUMENTS, MIN_THRESHOLD, LengthThresholds, lowest_threshold
from detector.training.recipe import out_of_fold_scores
from tests.fixture_corpus import fixture_articles


def test_each_length_band_keeps_its_own_false_positive_rate():
    rng = np.random.default_rng(0)
    num_words = rng.integers(50, 900, size=4000)
    spread = np.where(num_words < 200, 0.25, 0.05)  # short documents' clean scores spread wider
    scores = np.clip(0.2 + spread * rng.standard_normal(4000), 0, 1)
    thresholds = LengthThresholds.choose(scores, num_words, 0.01, edges=(0, 200))
    assert thresholds.values[0] > thresholds.values[1]
    for k, (low, high) in enumerate([(0, 200), (200, 10**9)]):
        band = (num_words >= low) & (num_words < high)
        assert np.mean(scores[band] >= thresholds.values[k]) <= 0.01
    assert thresholds(199) == thresholds.values[0] and thresholds(200) == thresholds.values[1]
    assert thresholds.band_name(5) == "0-199 words" and thresholds.band_name(900) == "200+ words"
    assert LengthThresholds.from_list(thresholds.to_list()) == thresholds


def test_the_lowest_threshold_flags_no_more_than_the_rate_on_small_sets():
    rng = np.random.default_rng(2)
    for size in (50, 99, 100, 106, 114, 212, 1001):
        scores = 0.5 + 0.5 * rng.random(size)
        for rate in (0.01, 0.02, 0.0075):
            threshold = lowest_threshold(scores, rate)
            allowed = int(rate * size + 1e-9)
            assert np.sum(scores >= threshold) == allowed  # at most the rate, and no stricter than needed
    assert lowest_threshold(np.zeros(10), 0.01) == MIN_THRESHOLD


def test_thresholds_rise_for_another_genre_only_where_it_has_documents():
    rng = np.random.default_rng(3)
    news = LengthThresholds.choose(rng.random(2000) * 0.6, rng.integers(50, 900, size=2000), 0.01, edges=(0, 200))
    genre_words = rng.integers(50, 200, size=200)  # all in the first band
    genre_scores = 0.5 + 0.5 * rng.random(200)
    raised = news.raised_for(genre_scores, genre_words, 0.02, min_documents=30)
    assert raised.values[0] > news.values[0] and np.mean(genre_scores >= raised.values[0]) <= 0.02
    assert raised.values[1] == news.values[1]
    assert news.raised_for(genre_scores[:29], genre_words[:29], 0.02, min_documents=30) == news


def test_a_band_without_enough_validation_documents_takes_the_pooled_threshold():
    rng = np.random.default_rng(1)
    num_words = np.r_[np.full(1000, 300), np.full(MIN_BAND_DOCUMENTS - 1, 1500)]
    scores = rng.random(len(num_words))
    thresholds = LengthThresholds.choose(scores, num_words, 0.01, edges=(0, 1000))
    assert thresholds.values[1] == LengthThresholds.choose(scores, np.zeros(len(scores)), 0.01, edges=(0,)).values[0]


def test_results_carry_the_threshold_of_their_length(detector):
    short, long_ = fixture_articles(1, seed=3)[0], " ".join(fixture_articles(6, seed=4))
    for text in (short, long_):
        result = detector.score(text)
        assert result.thresholds["spun_text"] == detector.spun_thresholds(result.num_words)
    scores, thresholds = detector.spun_scores([short, long_])
    assert thresholds.tolist() == [detector.spun_thresholds(detector.score(t).num_words) for t in (short, long_)]


def test_out_of_fold_scores_never_come_from_a_model_that_saw_the_document_or_its_twin():
    # Each article and its twin share features and a label, and labels carry no signal: a model that
    # saw either twin scores it perfectly, a model that saw neither can only guess.
    rng = np.random.default_rng(2)
    articles = rng.standard_normal((300, len(FEATURE_NAMES)))
    articles[:, FEATURE_NAMES.index("tortured_phrases")] = 0.0
    features, labels = np.repeat(articles, 2, axis=0), np.repeat(rng.integers(0, 2, 300), 2)
    nearest = KNeighborsClassifier(n_neighbors=1)
    assert roc_auc_score(labels, nearest.fit(features, labels).predict_proba(features)[:, 1]) == 1.0
    scores = out_of_fold_scores(nearest, features, labels, groups=np.arange(600) // 2)
    assert scores.shape == (600,) and 0.35 < roc_auc_score(labels, scores) < 0.65


def test_thresholds_are_set_on_validation_and_out_of_fold_training_documents(tiny_model):
    documents = json.loads((tiny_model / "manifest.json").read_text())["training"]["documents"]
    validation_clean = documents["validation"] // 2  # each validation article with one spun variant
    assert documents["threshold_clean"] > validation_clean
