import numpy as np
import pytest

from detector.predictability import PREDICTABILITY_FEATURE_NAMES, Predictability
from detector.text import lm_forms, tokenize
from tests.test_context_model import CORPUS, SMALL

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def profile():
    from detector.training.context_model import train_context_model
    from detector.training.statistics import build_statistics
    from tests.test_context_model import id_stream

    stats = build_statistics(CORPUS, min_word_count=1, min_ngram_count=1)
    model = train_context_model(id_stream(stats, CORPUS), stats, SMALL, progress=False)

    def features(text: str, shortlist: int = 4096) -> dict[str, float]:
        forms = lm_forms(text)
        sentences = np.array([t.sentence for t in tokenize(text)])
        row = Predictability(model, shortlist).features(stats.ids(forms), forms, sentences)
        return dict(zip(PREDICTABILITY_FEATURE_NAMES, row))
    return features


def test_words_the_model_saw_in_this_context_are_more_predictable(profile):
    seen = profile("interest rates rose sharply on monday")
    swapped = profile("interest places rose steeply on june")
    assert seen["log_probability_mean"] > swapped["log_probability_mean"] + 1
    assert seen["rank_under_1_share"] > swapped["rank_under_1_share"]
    assert seen["gap_to_best_mean"] < swapped["gap_to_best_mean"]


def test_rank_shares_grow_with_the_rank_limit_and_probabilities_are_probabilities(profile):
    row = profile("house prices rose sharply in june. the fox ran away")
    shares = [row[f"rank_under_{limit}_share"] for limit in (1, 10, 100, 1000)]
    assert shares == sorted(shares) and 0 <= shares[0] and shares[-1] <= 1
    assert row["log_probability_q90"] <= 0 and row["entropy_mean"] > 0


def test_a_shortlist_of_every_word_and_a_short_one_agree_on_the_likeliest_words(profile):
    text = "interest rates rose sharply on monday"
    full, short = profile(text), profile(text, shortlist=3)
    assert full["rank_under_1_share"] > 0
    # a word outside a shortlist of three is normalised over fewer words, so it looks likelier
    assert short["log_probability_mean"] >= full["log_probability_mean"]


def test_too_few_words_give_an_empty_profile(profile):
    assert not any(profile("rates rose").values())
