import random

import numpy as np

from detector.evaluation.variants import (
    CONTEXT_PROBABILITY_FEATURES,
    FUNCTION_WORD_FEATURES,
    INTERACTING_FEATURES,
    TOPIC_FEATURES,
    VARIANTS,
    ContextProbabilityFeatures,
    ExtendedRecognizer,
    FunctionWordFeatures,
    TopicFeatures,
    TopicVectors,
    paired_comparison,
)
from detector.evidence import PAIR_FEATURES
from detector.lm import NgramStats
from detector.text import lm_forms, token_forms, tokenize
from detector.training.context_model import BOUNDARY
from detector.training.statistics import build_statistics

MUSIC = "the orchestra played jazz and the saxophone solo thrilled the concert audience with its band".split()
HARBOUR = "the ships unloaded cargo at the docks and the harbour crane lifted containers onto the pier".split()


def topic_corpus(documents: int = 40, words: int = 60) -> list[str]:
    rng = random.Random(3)
    return [" ".join(rng.choice(MUSIC if k % 2 else HARBOUR) for _ in range(words)) for k in range(documents)]


def topic_vectors(texts: list[str]) -> tuple[TopicVectors, NgramStats]:
    stats = build_statistics(texts, min_word_count=1)
    ids = np.concatenate([np.r_[BOUNDARY, stats.ids(lm_forms(text))] for text in texts])
    return TopicVectors.build(ids, stats, dimensions=2, segment=30, min_count=1), stats


def test_topic_vectors_are_unit_for_content_words_and_zero_for_function_words():
    topic, stats = topic_vectors(topic_corpus())
    norms = np.linalg.norm(topic.vectors, axis=1)
    assert norms[stats.index["the"]] == 0.0
    assert np.isclose(norms[stats.index["saxophone"]], 1.0) and np.isclose(norms[stats.index["docks"]], 1.0)


def test_a_word_from_another_topic_fits_a_document_worse_than_its_own_words():
    topic, stats = topic_vectors(topic_corpus())
    document = stats.ids(lm_forms("the orchestra played jazz and the saxophone solo thrilled the concert band"))
    context = topic.contexts(document, np.array([6]))  # where "saxophone" stands
    own, foreign = (topic.fit(context, np.array([stats.index[word]])) for word in ("saxophone", "docks"))
    assert own[0] > foreign[0] + 0.5


SENTENCE = "American and European officers may be staying away from the meeting in Geneva, the bank said on it."


def extended_pairs(base, extensions):
    tokens = tokenize(SENTENCE)
    forms = token_forms(SENTENCE, tokens)
    return base.pairs(tokens, forms), ExtendedRecognizer(base, extensions).pairs(tokens, forms)


def test_the_extended_recognizer_appends_each_extensions_features_to_the_models_own(detector):
    base = detector.engine.substitutions
    topic = TopicVectors(np.eye(len(base.stats.vocabulary), 4, dtype=np.float32), np.zeros(4, dtype=np.float32))
    extensions = [TopicFeatures(topic), ContextProbabilityFeatures()]
    plain, extended = extended_pairs(base, extensions)
    width = plain.features.shape[1]
    assert ExtendedRecognizer(base, extensions).feature_names == PAIR_FEATURES + TOPIC_FEATURES + CONTEXT_PROBABILITY_FEATURES
    assert extended.features.shape == (len(plain.rows), width + len(TOPIC_FEATURES) + len(CONTEXT_PROBABILITY_FEATURES))
    np.testing.assert_array_equal(extended.features[:, :width], plain.features)
    word, candidate, gain = extended.features[:, width:width + 3].T
    np.testing.assert_allclose(gain, candidate - word)


def test_context_probabilities_are_normalised_over_the_context_models_vocabulary(detector):
    base = detector.engine.substitutions
    plain, extended = extended_pairs(base, [ContextProbabilityFeatures()])
    log_probability, pmi, top = extended.features[:, plain.features.shape[1]:].T
    assert len(log_probability) > 0
    assert np.all(log_probability <= top + 1e-5) and np.all(top <= 1e-5)
    frequency = base.stats.probability(plain.words[plain.rows])
    np.testing.assert_allclose(pmi, log_probability - np.log(frequency), rtol=1e-4)
    # The same word in the same slot has one probability, whichever candidate its pair compares it with.
    for row in np.unique(plain.rows):
        assert np.ptp(log_probability[plain.rows == row]) == 0


def test_function_word_features_repeat_the_main_features_for_function_words_only(detector):
    base = detector.engine.substitutions
    plain, extended = extended_pairs(base, [FunctionWordFeatures()])
    function_word = plain.features[:, PAIR_FEATURES.index("function_word")] == 1
    assert function_word.any() and (~function_word).any()
    added = extended.features[:, plain.features.shape[1]:]
    assert added.shape[1] == len(FUNCTION_WORD_FEATURES)
    main = plain.features[:, [PAIR_FEATURES.index(name) for name in INTERACTING_FEATURES]]
    np.testing.assert_array_equal(added[function_word], main[function_word])
    assert np.all(added[~function_word] == 0)


def test_every_variant_names_features_that_its_extensions_provide():
    known = set(PAIR_FEATURES + TOPIC_FEATURES + CONTEXT_PROBABILITY_FEATURES + FUNCTION_WORD_FEATURES)
    assert all(set(features) <= known for features in VARIANTS.values())


def test_the_paired_comparison_counts_documents_gained_and_lost_per_subset():
    subsets = np.array(["clean"] * 4 + ["spun"] * 12)
    reference = np.array([0, 0, 0, 1] + [1] * 6 + [0] * 6, dtype=bool)
    flagged = np.array([1, 0, 0, 1] + [1] * 6 + [1] * 6, dtype=bool)
    table = paired_comparison(flagged, reference, subsets)
    assert table["clean"]["gained"] == 1 and table["clean"]["lost"] == 0
    assert table["spun"] == {"gained": 6, "lost": 0, "p_value": table["spun"]["p_value"]}
    assert 0.03 < table["spun"]["p_value"] < 0.032  # two-sided sign test, 6 of 6: 2 / 2**6
    assert paired_comparison(reference, reference, subsets)["spun"]["p_value"] == 1.0
