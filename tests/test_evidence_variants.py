import random

import numpy as np

from benchmarks.evidence_variants import TOPIC_FEATURES, TopicRecognizer, TopicVectors
from detector.context_training import BOUNDARY
from detector.lm import NgramStats
from detector.text import lm_forms, token_forms, tokenize

MUSIC = "the orchestra played jazz and the saxophone solo thrilled the concert audience with its band".split()
HARBOUR = "the ships unloaded cargo at the docks and the harbour crane lifted containers onto the pier".split()


def topic_corpus(documents: int = 40, words: int = 60) -> list[str]:
    rng = random.Random(3)
    return [" ".join(rng.choice(MUSIC if k % 2 else HARBOUR) for _ in range(words)) for k in range(documents)]


def topic_vectors(texts: list[str]) -> tuple[TopicVectors, NgramStats]:
    stats = NgramStats.build(texts, min_word_count=1)
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


def test_topic_recognizer_appends_the_topic_features_to_the_models_own(detector):
    base = detector.engine.substitutions
    topic = TopicVectors(np.eye(len(base.stats.vocabulary), 4, dtype=np.float32), np.zeros(4, dtype=np.float32))
    text = "American and European officers may be staying away from the meeting in Geneva."
    tokens = tokenize(text)
    forms = token_forms(text, tokens)
    plain = base.pairs(tokens, forms)
    extended = TopicRecognizer(base, topic).pairs(tokens, forms)
    width = plain.features.shape[1]
    assert extended.features.shape == (len(plain.rows), width + len(TOPIC_FEATURES))
    np.testing.assert_array_equal(extended.features[:, :width], plain.features)
    word, candidate, gain = extended.features[:, width:].T
    np.testing.assert_allclose(gain, candidate - word)
