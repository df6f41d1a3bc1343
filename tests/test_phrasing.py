import random

import numpy as np
import pytest

from detector.phrasing import STRONG_WEIGHT, PhrasingLexicon
from detector.training.phrasing import MAX_WEIGHT, phrasing_weights

TOPICS = ["river", "budget", "school", "vaccine", "bridge", "election", "harvest", "museum", "stadium", "court"]


def paired_texts(count: int, seed: int = 3) -> tuple[list[str], list[int]]:
    """Pairs on one topic each: the machine side says "additionally" and "crucial" where the
    human side says "also" and "important"; the topic word is on both sides."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        filler = " ".join(rng.choice(["the", "plan", "for", "a", "new", "town", "was", "read"]) for _ in range(12))
        texts.append(f"The {topic} plan is important. We also met. {filler}.")
        texts.append(f"The {topic} plan is crucial. Additionally, we met. {filler}.")
        labels += [0, 1]
    return texts, labels


def test_weights_favour_the_machine_words_and_cancel_shared_topics():
    weights = phrasing_weights(*paired_texts(60))
    assert weights["additionally"] > STRONG_WEIGHT and weights["crucial"] > STRONG_WEIGHT
    assert weights["also"] < -STRONG_WEIGHT and weights["important"] < -STRONG_WEIGHT
    assert abs(weights["river"]) < 0.5  # a topic word on both sides of its pairs weighs nothing
    assert max(abs(w) for w in weights.values()) <= MAX_WEIGHT


def test_rare_words_get_no_weight():
    texts, labels = paired_texts(60)
    texts[1] += " zygote"  # one machine document only
    assert "zygote" not in phrasing_weights(texts, labels)
    assert phrasing_weights([], []) == {}


def test_profile_and_telling_words_of_a_document():
    lexicon = PhrasingLexicon.from_weights({"llm": phrasing_weights(*paired_texts(60)), "other": {"plan": 1.0}})
    machine = "Additionally, the budget is crucial."
    human = "The budget is also important."
    names = list(lexicon.feature_names)
    machine_row, human_row = lexicon.features(machine), lexicon.features(human)
    assert machine_row[names.index("llm_mean_weight")] > 0 > human_row[names.index("llm_mean_weight")]
    # 5 words and 2 marks, of which "additionally", "crucial" and the comma after "additionally"
    assert machine_row[names.index("llm_machine_word_share")] == pytest.approx(3 / 7)
    assert human_row[names.index("llm_human_word_share")] > 0
    found = lexicon.telling_words(machine, "llm", limit=5)
    assert [machine[begin:end] for begin, end, _ in found] in (["Additionally", "crucial"], ["crucial", "Additionally"])
    assert lexicon.telling_words(human, "llm", limit=5) == []
    assert np.all(lexicon.features("") == 0)


def test_lexicon_round_trips_through_arrays():
    lexicon = PhrasingLexicon.from_weights({"a": {"x": 1.5, "y": -2.0}, "b": {"y": 3.0}})
    again = PhrasingLexicon.from_arrays(lexicon.to_arrays("p_"), "p_")
    assert again.kinds == ("a", "b") and again.words == ("x", "y")
    np.testing.assert_array_equal(again.weights, [[1.5, 0.0], [-2.0, 3.0]])
    assert np.allclose(again.features("x y z"), lexicon.features("x y z"))
