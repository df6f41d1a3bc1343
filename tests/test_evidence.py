import numpy as np

from detector.evidence import (
    PAIR_FEATURES,
    SubstitutionRecognizer,
    TorturedPhraseRecognizer,
    _per_row,
    _top_per_row,
    occurrences,
)
from detector.features import swap_evidence
from detector.text import token_forms, tokenize
from detector.training.context_model import train_context_model
from detector.training.statistics import build_statistics
from detector.training.thesaurus import Thesaurus, build_candidate_table
from tests.test_context_model import CORPUS, SMALL, id_stream


def recognizer(shortlist: int = 12) -> SubstitutionRecognizer:
    stats = build_statistics(CORPUS, min_word_count=1, min_ngram_count=1)
    thesaurus = Thesaurus({"rates": ["places"], "prices": ["places", "plates"]}, {})
    candidates = build_candidate_table(thesaurus, stats.vocabulary, stats.unigram)
    context_model = train_context_model(id_stream(stats, CORPUS), stats, SMALL, progress=False)
    return SubstitutionRecognizer(stats, candidates, context_model, shortlist=shortlist)


def window_scores(rec: SubstitutionRecognizer, sentence: str, position: int, words: list[str]) -> np.ndarray:
    ids = rec.stats.ids(sentence.split())
    context = rec._context(ids, np.array([position]))
    _, window = rec.fit(rec.stats.ids(words), np.repeat(context, len(words), axis=1))
    return window


def test_the_window_model_prefers_the_word_its_context_was_seen_with():
    rec = recognizer()
    rates, places = window_scores(rec, "interest places rose sharply on", 1, ["rates", "places"])
    assert rates > places + 3


def test_unseen_context_is_no_evidence_between_equally_common_words():
    rec = recognizer()  # neither "house wolf rose" nor "house fox rose" was ever seen
    wolf, fox = window_scores(rec, "june house wolf rose sharply", 2, ["wolf", "fox"])
    assert wolf == fox


def test_candidates_carry_the_size_of_the_list_a_spinner_chose_from():
    thesaurus = Thesaurus({"official": ["officer", "functionary", "executive"]}, {})
    vocabulary = ["<unk>", "official", "officer", "2", "two"]
    table = build_candidate_table(thesaurus, vocabulary, np.ones(len(vocabulary)))
    rows, entries = table.expand(np.array([2, 3]))
    assert [vocabulary[c] for c in table.candidates[entries]] == ["official", "two"]
    assert np.allclose(table.log_choice[entries], [-np.log(3), 0.0])  # a digit has one spelled-out original


def test_per_row_sums_odds_and_takes_the_largest_gain():
    rows = np.array([0, 0, 0, 1, 2, 2])
    log_odds = np.array([-1.0, 0.5, 2.0, -3.0, 700.0, 700.0])
    gains = np.array([0.1, 0.3, -0.2, 1.0, 2.0, 5.0])
    summed, best = _per_row(rows, log_odds, gains)
    assert np.allclose(summed, [np.log(np.exp(-1) + np.exp(0.5) + np.exp(2)), -3.0, 700 + np.log(2)])
    assert np.allclose(best, [0.3, 1.0, 5.0])


def test_the_shortlist_keeps_the_candidate_that_fits_the_context():
    rec = recognizer(shortlist=1)  # "places" has two candidate originals: "rates" and "prices"
    for sentence, expected in (("interest places rose sharply on monday", "rates"),
                               ("house places rose sharply in june", "prices")):
        tokens = tokenize(sentence)
        pairs = rec.pairs(tokens, sentence.split())
        assert [tokens[p].text for p in pairs.positions] == ["places"]
        assert [rec.stats.vocabulary[c] for c in pairs.candidates] == [expected]


def test_top_per_row_keeps_the_largest_values_of_each_group_in_order():
    rows = np.array([0, 0, 0, 1, 2, 2, 2, 2])
    values = np.array([1.0, 3.0, 2.0, -5.0, 0.0, 9.0, 8.0, -1.0])
    assert _top_per_row(rows, values, 2).tolist() == [1, 2, 3, 5, 6]
    assert _top_per_row(rows, values, 4).tolist() == list(range(8))


def test_swap_evidence_counts_a_repeated_word_once_and_grows_with_stronger_swaps():
    logits = np.array([3.0, 2.0, 3.0])
    repeated = swap_evidence(logits, np.array([7, 7, 7]), content_words=100)
    distinct = swap_evidence(logits, np.array([7, 8, 9]), content_words=100)
    assert np.allclose(repeated, swap_evidence(np.array([3.0]), np.array([7]), content_words=100))
    assert np.all(distinct > 2 * repeated)
    assert np.all(swap_evidence(np.array([-3.0]), np.array([7]), 100) < repeated)
    assert np.all(swap_evidence(np.zeros(0), np.zeros(0, dtype=np.int64), 100) == 0)


def test_occurrences_count_each_query_in_the_document_and_never_unknown_words():
    ids = np.array([0, 4, 9, 4, 0, 2])
    assert occurrences(ids, np.array([4, 2, 9, 7, 0, 1, 12])).tolist() == [2, 1, 1, 0, 0, 0, 0]
    assert occurrences(np.zeros(3, dtype=np.int64), np.array([0, 5])).tolist() == [0, 0]


def test_pairs_know_when_the_candidate_original_stands_elsewhere_in_the_document():
    rec = recognizer()
    used = PAIR_FEATURES.index("candidate_in_document")
    repeated = PAIR_FEATURES.index("word_repeated")
    for text, expected_uses, expected_repeats in (
            ("interest places rose sharply on monday", 0, 0),
            ("interest rates fell . interest places rose sharply on monday", 1, 0),
            ("interest rates and places fell . interest places rose sharply on monday", 1, 1)):
        tokens = tokenize(text)
        pairs = rec.pairs(tokens, text.split())
        rates = rec.stats.index["rates"]
        last = np.flatnonzero((pairs.positions[pairs.rows] == len(tokens) - 5) & (pairs.candidates == rates))
        assert len(last) == 1
        assert np.allclose(pairs.features[last, used], np.log1p(expected_uses))
        assert np.allclose(pairs.features[last, repeated], np.log1p(expected_repeats))


def test_tortured_phrases_match_numbers_as_written(tmp_path):
    phrases = tmp_path / "tortured.csv"
    phrases.write_text('tortured_phrase,expected_phrase,num_papers\n"""192 pieces""",192 bits,184\n'
                       '"""3rd birthday party""",third party,10\n')
    recognizer = TorturedPhraseRecognizer.from_csv(phrases)
    text = "A 192 pieces key, not 140 pieces; a 3rd birthday party, not a 16th birthday party."
    tokens = tokenize(text)
    spans = recognizer.spans(text, tokens, token_forms(text, tokens))
    assert [(s.text, s.likely_original) for s in spans] == [("192 pieces", "192 bits"),
                                                             ("3rd birthday party", "third party")]
