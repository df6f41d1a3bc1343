"""Arbitrary input, lone surrogates included, never escapes as an exception: the library raises only
DocumentError, a batch yields one record per input line, the index keeps its contract, and spans
always slice the text."""
import json
from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.batch import score_document
from detector.documents import jsonl_documents
from detector.inputs import DocumentError
from detector.reference import open_index
from detector.scoring import Detector
from detector.settings import Settings
from tests.fixture_corpus import fixture_articles
from tests.fixture_model import FIXTURE_MODEL

# Every code point, and more often the ones that break text handling: lone surrogates, invisible and
# control characters, a byte-order mark, a right-to-left override, emoji, combining marks, and
# letters whose lower case is longer than they are.
HOSTILE = "\ud800 \udfff \u200b \u00ad \x00 \x07 \ufeff \u202e 😀 \u0301 İ ß \r".split(" ")
ANY_CHARACTER = st.one_of(st.sampled_from(HOSTILE), st.characters(codec=None, categories=None))
WORDY = st.sampled_from("officials said the two leaders met 2 navy assembly Ünïcödé 😀 \u200b \u00ad İ".split(" "))
ENGLISH = st.sampled_from(fixture_articles(20, sentences_per_article=3, seed=61))


def inserted(text: str, extra: str, at: float) -> str:
    cut = int(at * len(text))
    return text[:cut] + extra + text[cut:]


TEXTS = st.one_of(st.text(ANY_CHARACTER, max_size=300),
                  st.lists(st.one_of(WORDY, st.text(ANY_CHARACTER, max_size=3)), max_size=80).map(" ".join),
                  # English prose, so that scoring goes all the way, with anything inserted anywhere
                  st.builds(inserted, ENGLISH, st.text(ANY_CHARACTER, min_size=1, max_size=3), st.floats(0, 1)))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def detector() -> Detector:
    return Detector.load(FIXTURE_MODEL, Settings(model_path=str(FIXTURE_MODEL)))


@FUZZ
@given(TEXTS)
def test_the_library_scores_or_refuses_and_its_spans_slice_the_text(text):
    try:
        result = detector().score(text)
    except DocumentError:
        return
    for span in result.spans:
        assert text[span.begin:span.end] == span.text
    json.dumps(result.to_dict())  # the JSON form always serialises


@FUZZ
@given(st.lists(st.one_of(st.binary(max_size=60), TEXTS.map(lambda t: json.dumps({"id": "x", "text": t}).encode()),
                          st.builds(lambda i, t: json.dumps({"id": i, "text": t}).encode(), TEXTS, TEXTS)),
                max_size=6))
def test_a_batch_yields_one_record_per_line_whatever_the_lines(lines):
    lines = [line.replace(b"\n", b" ") for line in lines]
    records = [score_document(detector(), document) for document in jsonl_documents(lines, "fuzz")]
    assert [r["line"] for r in records] == list(range(1, len(lines) + 1))
    for record in records:
        json.dumps(record, ensure_ascii=False).encode("utf-8")  # every record can be written


@FUZZ
@given(st.lists(st.tuples(st.one_of(TEXTS, st.integers(), st.none()), TEXTS), max_size=5), TEXTS)
def test_the_index_stores_or_refuses_each_document_and_answers_any_query(tmp_path_factory, documents, query):
    index = open_index(str(tmp_path_factory.mktemp("fuzz") / "index.db"), create=True)
    try:
        errors = index.add_many(documents)
        assert sorted({e["index"] for e in errors}) == [e["index"] for e in errors]
        try:
            for match in index.query(query):
                assert 0 <= match.coverage <= 1
        except DocumentError:
            pass
    finally:
        index.close()
