import numpy as np

from detector.context_model import ContextModel
from detector.evaluation.synonym_sources import FluentSpinner, embedding_thesaurus, tortured_thesaurus
from detector.training.statistics import build_statistics
from detector.training.thesaurus import Thesaurus

TORTURED_CSV = '''tortured_phrase,expected_phrase,num_papers
"""big data""",big data (BD),10
"""enormous information""",big data,9
"""counterfeit consciousness""",artificial intelligence,8
"""bosom"" AND ""breast""",breast,7
"""irregular woodland""",random forest,6
"""profound learning"" ~3",deep learning,5
'''


def test_tortured_vocabulary_maps_expected_words_to_their_tortured_versions(tmp_path):
    path = tmp_path / "tortured.csv"
    path.write_text(TORTURED_CSV)
    thesaurus = tortured_thesaurus(path)
    assert thesaurus.synonyms == {"big": ["enormous"], "data": ["information"], "artificial": ["counterfeit"],
                                  "intelligence": ["consciousness"], "random": ["irregular"], "forest": ["woodland"]}
    assert thesaurus.phrases["big data"] == ["enormous information"]
    assert "deep learning" not in thesaurus.phrases and "breast" not in thesaurus.synonyms  # search expressions


def test_the_fluent_spinner_keeps_the_synonym_the_statistics_have_seen_here():
    corpus = ["prices rose sharply on monday"] * 20 + ["prices rose steeply on tuesday", "the wall was steep"]
    stats = build_statistics(corpus, min_word_count=1, min_ngram_count=1)
    thesaurus = Thesaurus({"quickly": ["steeply", "sharply", "rapidly"]}, {})
    for seed in range(5):
        spun = FluentSpinner(thesaurus, stats, rate=1.0, numeral_rate=0, phrase_rate=0, seed=seed).spin(
            "prices rose quickly on monday")
        assert spun.text == "prices rose sharply on monday"


def test_embedding_neighbours_are_the_nearest_other_words_and_not_their_inflections():
    corpus = ["apple pear plum apples stone"] * 5
    stats = build_statistics(corpus, min_word_count=1, min_ngram_count=1)
    ids = {word: stats.ids([word])[0] for word in ("apple", "pear", "plum", "apples", "stone")}
    embeddings = np.zeros((len(stats.vocabulary) + 1, 2), dtype=np.float32)
    directions = {"apple": (1, 0), "apples": (1, 0.01), "pear": (1, 0.1), "plum": (1, 0.3), "stone": (0, 1)}
    for word, vector in directions.items():
        embeddings[ids[word]] = vector
    size = len(stats.vocabulary)
    model = ContextModel(embeddings, np.zeros((4, 1)), np.zeros(1), np.zeros((1, 2)), np.zeros(2),
                         np.zeros((size, 2)), np.zeros(size), 1, np.zeros(size))
    thesaurus = embedding_thesaurus(model, stats, neighbours=2)
    assert thesaurus.synonyms["apple"] == ["pear"]  # "apples" was the nearest, but it is the same word
    assert thesaurus.synonyms["stone"][0] == "plum"
