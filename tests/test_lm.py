import numpy as np

from detector.lm import CountTable, NgramStats, bigram_keys, trigram_keys
from detector.training.statistics import build_statistics


def counts(stats, *words):
    ids = stats.ids(words)
    if len(words) == 2:
        return stats.count("bigram", bigram_keys(ids[:1], ids[1:]))[0]
    return stats.count("trigram", trigram_keys(ids[:1], ids[1:2], ids[2:]))[0]


def test_counts_are_exact_and_documents_do_not_join():
    stats = build_statistics(["the cat sat on the mat", "the cat sat on the hat", "mat the"],
                             min_word_count=1, min_ngram_count=1, chunk_tokens=5)
    assert counts(stats, "the", "cat") == 2
    assert counts(stats, "cat", "sat", "on") == 2
    assert counts(stats, "on", "the", "hat") == 1
    assert counts(stats, "hat", "mat") == 0  # across a document boundary
    assert stats.unigram[stats.index["the"]] == 5


def test_pruning_and_round_trip_through_arrays():
    stats = build_statistics(["a b c a b c a b d"], min_word_count=1, min_ngram_count=2)
    assert counts(stats, "a", "b") == 3 and counts(stats, "b", "d") == 0
    again = NgramStats.from_arrays({k: np.array(v) for k, v in stats.to_arrays().items()})
    assert again.vocabulary == stats.vocabulary
    assert counts(again, "a", "b", "c") == 2


def test_unknown_words_have_no_counts():
    stats = build_statistics(["a b c"], min_word_count=1, min_ngram_count=1)
    assert stats.ids(["zzz"])[0] == 0
    assert counts(stats, "zzz", "a") == 0


def test_extra_words_and_prior_cover_words_the_corpus_lacks():
    stats = build_statistics(["the cat sat"], min_word_count=1, min_ngram_count=1, extra_words={"feline"})
    assert "feline" in stats.index and stats.unigram[stats.index["feline"]] == 0
    assert stats.probability(stats.ids(["feline"]))[0] == 0
    with_prior = stats.with_prior(lambda word: {"feline": 1e-5, "cat": 1e-4}.get(word, 0.0))
    assert with_prior.probability(with_prior.ids(["feline"]))[0] > 0
    again = NgramStats.from_arrays({k: np.array(v) for k, v in with_prior.to_arrays().items()})
    assert np.allclose(again.probability(again.ids(["feline", "cat"])), with_prior.probability(with_prior.ids(["feline", "cat"])))


def test_count_table_finds_every_key_and_nothing_else():
    rng = np.random.default_rng(0)
    keys = rng.integers(0, 1 << 62, 5000, dtype=np.uint64)
    keys = np.concatenate([keys, keys[:1000]])  # repeated keys are counted
    table = CountTable.from_keys(keys)
    expected = dict(zip(*np.unique(keys, return_counts=True)))
    absent = rng.integers(0, 1 << 62, 2000, dtype=np.uint64)
    queries = np.concatenate([keys, absent, keys[:10]])
    assert table.lookup(queries).tolist() == [expected.get(q, 0) for q in queries.tolist()]
    assert sorted(table.keys.tolist()) == sorted(expected)
    assert len(table.pruned(2)) == sum(1 for n in expected.values() if n >= 2)
