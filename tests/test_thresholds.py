import numpy as np

from detector.thresholds import MIN_BAND_DOCUMENTS, LengthThresholds
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
        assert result["threshold"] == detector.spun_thresholds(result["num_words"])
    scores, thresholds = detector.spun_scores([short, long_])
    assert thresholds.tolist() == [detector.spun_thresholds(detector.score(t)["num_words"]) for t in (short, long_)]
