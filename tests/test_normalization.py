"""Hidden characters and look-alike letters are read away before analysis and reported."""
from detector.normalization import INVISIBLE, LOOK_ALIKE, reader_view
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles

CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с"})


def test_plain_text_is_read_as_it_is():
    for text in ("plain ASCII text", "“Curly quotes” — and a café in Zürich 😀"):
        view = reader_view(text)
        assert view.text == text and not view.changed and view.counts == {} and view.obfuscated == []


def test_zero_width_characters_and_soft_hyphens_are_dropped_and_mapped_back():
    text = "The offi\u00adcers met.\u200b \u200bThey left\u2060 early."
    view = reader_view(text)
    assert view.text == "The officers met. They left early."
    assert view.counts == {INVISIBLE: 4}
    assert [view.text[b:e] for b, e in view.obfuscated] == ["officers", "They", "left"]
    begin = view.text.index("officers")
    original = view.original(begin, begin + len("officers"))
    assert text[slice(*original)] == "offi\u00adcers"


def test_look_alike_letters_are_read_as_latin_in_english_but_not_in_russian():
    view = reader_view("The mееting was оver.")  # Cyrillic е and о
    assert view.text == "The meeting was over."
    assert view.counts == {LOOK_ALIKE: 3}
    assert [view.text[b:e] for b, e in view.obfuscated] == ["meeting", "over"]
    russian = "Это обычный текст о погоде."
    assert reader_view(russian).text == russian


def test_compatibility_forms_are_read_but_only_disguised_letters_count():
    view = reader_view("ａｂｃ and ﬁne, e\u0301te\u0301 … 5 km² done")
    assert view.text == "abc and fine, été … 5 km² done"  # "²" is not read as a "2": it would look like a numeral swap
    assert view.counts == {LOOK_ALIKE: 3}  # the fullwidth letters; not the ligature or the accents
    assert len(view.obfuscated) == 1


def test_hidden_characters_are_evidence_and_spans_point_into_the_text_as_sent(detector):
    spun = Spinner(Thesaurus.load(), rate=0.3, seed=3).spin(" ".join(fixture_articles(2, seed=8))).text
    plain = detector.score(spun)
    for hidden in (spun.replace(" ", " \u200b"), spun.translate(CYRILLIC)):
        result = detector.score(hidden)
        assert result.category_scores["spun_text"] >= plain.category_scores["spun_text"]
        assert result.signals["hidden_character_words"] > 100
        assert {s.kind for s in result.spans} >= {"hidden_characters", "synonym"}
        for span in result.spans:
            assert hidden[span.begin:span.end] == span.text


def test_a_stray_hidden_character_does_not_flag_a_clean_text(detector):
    clean = fixture_articles(1, seed=21)[0]
    plain = detector.score(clean)
    stray = detector.score(clean.replace(" ", " \u200b", 1))
    assert stray.signals["hidden_character_words"] == 1
    assert stray.category_scores["spun_text"] - plain.category_scores["spun_text"] < 0.1
