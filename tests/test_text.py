from detector.language import detect_language
from detector.morphology import base_forms, inflect, match_case
from detector.text import lm_form, normalize, token_forms, tokenize
from tests.conftest import FRENCH


def test_tokens_slice_the_input_exactly():
    text = "He said: “The 2 officials’ meeting,” in 1987 — then 3.5% rose! Don’t go. Zürich café… 東京"
    tokens = tokenize(text)
    assert tokens, "tokenizer found nothing"
    for token in tokens:
        assert text[token.begin:token.end] == token.text
    assert [t.text for t in tokens[:4]] == ["He", "said", ":", "“"]


def test_sentences_are_numbered():
    tokens = tokenize("The talks ended. Officials left! Then it rained.")
    assert [t.sentence for t in tokens if t.text in ("talks", "Officials", "rained")] == [0, 1, 2]


def test_normalisation_keeps_length_and_folds_numbers():
    text = "“quoted” – dash ’s"
    assert len(normalize(text)) == len(text)
    assert normalize(text) == "\"quoted\" - dash 's"
    assert lm_form("Two") == "two" and lm_form("2") == "2" and lm_form("1987") == "<num>" and lm_form("²") == "<num>"


def test_token_forms_are_the_forms_of_each_token():
    for text in ["The “Officials” met at 10:30 in 2 rooms—quickly.", "İstanbul and Ankara said 3 things.",
                 "ΟΔΟΣ.Α and ΟΔΟΣ are Greek", "Don’t stop"]:
        tokens = tokenize(text)
        assert token_forms(text, tokens) == [lm_form(t.text) for t in tokens]


def test_inflection_round_trip():
    assert ("official", "s") in base_forms("officials")
    assert inflect("officer", "s") == "officers"
    assert inflect("stop", "ed") == "stopped" and inflect("try", "ed") == "tried" and inflect("go", "ed") == "went"
    assert match_case("officers", "Officials") == "Officers" and match_case("nato", "NATO") == "NATO"


def test_language_check():
    english = detect_language("The government said on Tuesday that the two countries would resume talks".split())
    assert english.supported and english.language == "en"
    french = detect_language(FRENCH.split())
    assert not french.supported and french.language == "fr" and "English" in french.reason
    russian = detect_language("Правительство заявило во вторник что переговоры возобновятся".split())
    assert not russian.supported


def test_data_sets_are_typed_plainly():
    from detector.training.corpora import typed_plainly

    assert typed_plainly("  “Quoted,” he said\u2019s \n\n next\tline ") == "\"Quoted,\" he said's next line"
