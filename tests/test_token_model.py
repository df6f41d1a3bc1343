import numpy as np

from detector.training.token_model import fit_token_model, frequency_balanced_weights


def spinner_prefers_rare_words(seed: int = 0):
    """Untouched words of every frequency; swapped words mostly rare, as a uniform spinner writes
    them. A second feature, context fit, separates swaps at every frequency."""
    rng = np.random.default_rng(seed)
    negative_frequency = rng.uniform(-16, -4, 6000)
    positive_frequency = np.r_[rng.uniform(-16, -13, 1600), rng.uniform(-13, -4, 400)]
    frequency = np.r_[negative_frequency, positive_frequency]
    labels = np.r_[np.zeros(6000, dtype=int), np.ones(2000, dtype=int)]
    context_fit = rng.standard_normal(len(labels)) + 1.5 * labels
    return np.column_stack([frequency, context_fit]), frequency, labels


def test_positives_are_reweighted_towards_the_frequency_profile_of_untouched_words():
    _, frequency, labels = spinner_prefers_rare_words()
    weights = frequency_balanced_weights(frequency, labels, bins=4, max_weight=2.0)
    positive = labels == 1
    assert np.all(weights[~positive] == 1.0)
    assert np.isclose(weights[positive].sum(), positive.sum())
    rare, common = positive & (frequency < -13.5), positive & (frequency > -6.5)
    assert weights[common].min() > weights[rare].max()
    # Swaps are over-represented 3.2 times in the rarest band (weight 0.3125 before the positives' total is restored)
    # and under-represented 3.75 times in the commonest, whose weight the cap holds at 2.
    assert np.isclose(weights[common].mean() / weights[rare].mean(), 2.0 / 0.3125, rtol=0.1)


def test_the_reweighted_token_model_leans_less_on_word_rarity():
    features, frequency, labels = spinner_prefers_rare_words()
    plain = fit_token_model(features, labels)
    balanced = fit_token_model(features, labels, frequency_balanced_weights(frequency, labels, bins=10, max_weight=100.0))
    rarity_weight = [abs(model[-1].coef_[0][0]) for model in (plain, balanced)]
    context_weight = [model[-1].coef_[0][1] for model in (plain, balanced)]
    assert rarity_weight[1] < 0.25 * rarity_weight[0]
    assert context_weight[1] > 0.8 * context_weight[0] > 0


def test_examples_left_out_of_the_balancing_keep_their_weight():
    _, frequency, labels = spinner_prefers_rare_words()
    numerals = np.arange(len(labels)) % 5 == 0
    weights = frequency_balanced_weights(frequency, labels, ~numerals, bins=4)
    assert np.all(weights[numerals] == 1.0)
    assert np.isclose(weights[~numerals & (labels == 1)].sum(), np.sum(~numerals & (labels == 1)))
    assert weights[~numerals & (labels == 1)].std() > 0.5
