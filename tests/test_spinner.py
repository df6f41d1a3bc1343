import pytest
from wordfreq import zipf_frequency

from detector.text import STOPWORDS, tokenize
from detector.training.spinner import MIN_INFLECTED_ZIPF, Spinner
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles


@pytest.fixture(scope="module")
def thesaurus():
    return Thesaurus.load()


def test_ground_truth_slices_both_texts(thesaurus):
    text = fixture_articles(1)[0]
    spun = Spinner(thesaurus, rate=0.3, seed=4).spin(text)
    assert spun.changes and spun.text != text
    for change in spun.changes:
        assert spun.text[change.begin:change.end] == change.text
        assert text[change.original_begin:change.original_end] == change.original
        assert change.text.lower() != change.original.lower()
    outside = [spun.text[: spun.changes[0].begin], text[: spun.changes[0].original_begin]]
    assert outside[0] == outside[1]


def test_rate_is_respected_and_seeded(thesaurus):
    text = " ".join(fixture_articles(3))
    content = sum(1 for t in tokenize(text) if t.is_word and t.text.lower() not in STOPWORDS and len(t.text) > 2)
    for rate in (0.1, 0.3):
        spun = Spinner(thesaurus, rate=rate, seed=1, numeral_rate=0.0).spin(text)
        swaps = [c for c in spun.changes if c.kind in ("synonym", "phrase")]
        assert abs(len(swaps) - rate * content) <= 0.05 * content
    assert Spinner(thesaurus, seed=7).spin(text).text == Spinner(thesaurus, seed=7).spin(text).text
    assert Spinner(thesaurus, seed=7).spin(text).text != Spinner(thesaurus, seed=8).spin(text).text


def test_keeps_capitalisation_and_writes_numerals(thesaurus):
    text = "Officials said the two leaders will attend. Two weeks later officials met again."
    spun = Spinner(thesaurus, rate=1.0, numeral_rate=1.0, seed=3).spin(text)
    kinds = {c.kind for c in spun.changes}
    assert "numeral" in kinds
    for change in spun.changes:
        assert change.text[0].isupper() == change.original[0].isupper() or change.kind == "numeral"
    assert "2" in spun.text


def test_inflected_synonyms_are_words_in_use(thesaurus):
    text = ("Prices and odds rose as officials and firms began to sell millions of credits. "
            "Airlines declined, expectations sprang up and rights were implemented. ") * 3
    seen = set()
    for policy in ("uniform", "frequency", "first"):
        for seed in range(20):
            spun = Spinner(thesaurus, rate=1.0, policy=policy, numeral_rate=0.0, phrase_rate=0.0, seed=seed).spin(text)
            seen |= {c.text.lower() for c in spun.changes if c.kind == "synonym"}
    assert len(seen) > 50
    assert not [w for w in seen if any(zipf_frequency(part, "en") < MIN_INFLECTED_ZIPF for part in w.split())]


def test_policies_choose_differently(thesaurus):
    text = " ".join(fixture_articles(2))
    texts = {policy: Spinner(thesaurus, rate=0.3, policy=policy, seed=2).spin(text).text
             for policy in ("uniform", "frequency", "first")}
    assert len(set(texts.values())) == 3
    with pytest.raises(ValueError):
        Spinner(thesaurus, policy="psychic")


def test_phrase_at_the_very_end(thesaurus):
    for seed in range(50):
        spun = Spinner(thesaurus, rate=0.5, phrase_rate=1.0, seed=seed).spin("They met according to")
        for change in spun.changes:
            assert spun.text[change.begin:change.end] == change.text
