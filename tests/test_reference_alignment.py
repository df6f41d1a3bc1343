"""Rewordings, partial copies and independent reports: the lexical candidate stage and the sentence
alignment of the reference index, on hand-written texts."""
import pytest

from detector.reference import open_index
from detector.reference.index import ReferenceIndex, rare_terms
from detector.reference.matching import evidence, prepare
from detector.reference.redis_storage import RedisStorage
from detector.reference.sentences import quotations, sentences
from detector.reference.sketch import pack, unpack
from detector.reference.terms import word_terms
from detector.text import tokenize
from tests import test_reference
from tests.test_reference import REDIS_URL, articles

BRIDGE = (
    "The city council of Northbridge voted on Tuesday to close the old Harbour Street bridge for eighteen months "
    "of repairs. Engineers found cracks in two of the steel supports during an inspection in March, according to a "
    "report presented at the meeting. The repairs are expected to cost 14 million dollars, most of which will come "
    "from a regional transport fund. Mayor Elena Ruiz said the decision was difficult but that public safety had to "
    "come first. Local shop owners warned that the closure would cut them off from customers who cross the river "
    "every day. The council promised to run a free ferry service between the two banks while the bridge is closed. "
    "Traffic will be diverted to the Queen's Road crossing, which is expected to see an extra 9,000 cars a day. "
    "Work on the bridge is due to begin in early September. A final inspection will decide whether the bridge can "
    "reopen to heavy lorries. The council will publish a detailed timetable for the works next month.")
# The same article reworded sentence by sentence, as a language model rewrites.
BRIDGE_PARAPHRASE = (
    "On Tuesday, Northbridge's city council decided to shut the ageing Harbour Street bridge so that it can be "
    "repaired over a period of eighteen months. According to a report put before the meeting, engineers had "
    "discovered cracks in two steel supports when they inspected the structure in March. The repairs are projected "
    "to cost 14 million dollars, with a regional transport fund covering most of the bill. Mayor Elena Ruiz "
    "described the decision as difficult, but said that public safety had to be the priority. Local shopkeepers "
    "cautioned that the closure would separate them from the customers who cross the river daily. While the bridge "
    "is closed, the council has promised a free ferry service between the two banks of the river. Traffic will be "
    "sent over the Queen's Road crossing instead, where an extra 9,000 cars are expected each day. Work on the "
    "bridge is scheduled to begin at the start of September. Whether heavy lorries can use the bridge again will "
    "depend on a final inspection. Next month the council will publish a full timetable for the works.")
# Another outlet's report of the same event: the same names, numbers and quotation, its own sentences.
BRIDGE_REPORT = (
    "Drivers in Northbridge face a year and a half of detours after councillors agreed to shut the Harbour Street "
    "bridge. The vote, taken late on Tuesday, followed the discovery of cracked supports during a routine check "
    "this spring. \"Public safety has to come first,\" Mayor Elena Ruiz told reporters after the meeting. The bill, "
    "put at 14 million dollars, will largely be paid by the region. Residents on the south bank said they feared "
    "being cut off, and several traders spoke of losing half their trade. Queen's Road, the only other crossing, "
    "already carries heavy traffic and could take 9,000 more vehicles a day. A ferry will run free of charge, the "
    "council says. Critics argued the problems had been known for years and that the repairs should have started "
    "earlier. Opposition councillor Mark Hale called the delay \"a failure of planning\". Work starts in September.")
redis_prefix = test_reference.redis_prefix  # the fixture: a Redis client and a key prefix of the test's own
GARDEN = (
    "Gardeners across the valley are preparing for an early spring after the mildest winter in a decade. Seed "
    "merchants report that orders for tomatoes and beans arrived weeks ahead of the usual season. Many growers have "
    "already moved seedlings into greenhouses to protect them from a late frost.\n\n"
    "The local horticultural society will hold its annual show in the old market hall in May. Judges will award "
    "prizes for the heaviest marrow, the tallest sunflower and the best kept allotment. Organisers expect more "
    "entries than last year, when heavy rain kept many visitors away.")


@pytest.fixture
def index(tmp_path):
    index = open_index(str(tmp_path / "index.db"), create=True)
    index.add_many(articles(30) + [("bridge", BRIDGE)])
    return index


def test_a_paraphrase_matches_its_source_sentence_by_sentence(index):
    matches = index.query(BRIDGE_PARAPHRASE)
    assert [m.source_id for m in matches] == ["bridge"]
    match = matches[0]
    assert match.kind == "paraphrased" and match.substitutions == []
    assert match.coverage > 0.8 and match.source_coverage > 0.8
    assert [p.begin for p in match.passages] == sorted(p.begin for p in match.passages)
    for passage in match.passages:
        assert 0 < passage.similarity <= 1 and passage.end > passage.begin and passage.source_end > passage.source_begin
    first = match.passages[0]
    assert BRIDGE_PARAPHRASE[first.begin:first.end].startswith("On Tuesday, Northbridge's")
    assert BRIDGE[first.source_begin:first.source_end].startswith("The city council of Northbridge")


def test_an_independent_report_of_the_same_event_does_not_match(index):
    assert index.query(BRIDGE_REPORT) == []
    found = evidence(prepare(BRIDGE_REPORT).sentences, prepare(BRIDGE).sentences)
    assert not found.accepted and found.run < 3


def test_a_third_copied_into_other_text_is_a_partial_copy(index):
    copied = BRIDGE[BRIDGE.index("Mayor Elena"):BRIDGE.index("Traffic will")].strip()
    query = GARDEN.replace("\n\n", f"\n\n{copied}\n\n")
    match = index.query(query)[0]
    assert match.source_id == "bridge" and match.kind == "copied"
    assert 0.2 < match.source_coverage < 0.5 and 0.2 < match.coverage < 0.6
    begin = query.index(copied)
    assert (match.passages[0].begin, match.passages[-1].end) == (begin, begin + len(copied)) and len(match.passages) == 3
    for passage in match.passages:
        assert query[passage.begin:passage.end] == passage.source_text == BRIDGE[passage.source_begin:passage.source_end]


def test_a_spun_passage_inside_other_text_lists_its_swaps_and_nothing_outside_it(index):
    copied = BRIDGE[BRIDGE.index("Mayor Elena"):BRIDGE.index("Traffic will")].strip()
    spun = (copied.replace("difficult", "hard").replace("warned", "cautioned").replace("customers", "clients")
            .replace("promised", "pledged"))
    query = GARDEN.replace("\n\n", f"\n\n{spun}\n\n")
    match = index.query(query)[0]
    assert match.source_id == "bridge" and match.kind == "spun"
    assert [(s.original, s.replacement) for s in match.substitutions] == [
        ("difficult", "hard"), ("warned", "cautioned"), ("customers", "clients"), ("promised", "pledged")]
    begin = query.index(spun)
    assert all(begin <= s.begin and s.end <= begin + len(spun) for s in match.substitutions)


def test_an_indexed_excerpt_is_found_from_the_whole_spun_article(tmp_path):
    excerpt = BRIDGE[BRIDGE.index("Local shop"):BRIDGE.index("Work on")].strip()
    index = open_index(str(tmp_path / "excerpt.db"), create=True)
    index.add_many(articles(10) + [("excerpt", excerpt)])
    spun = BRIDGE.replace("repairs", "fixes").replace("warned", "cautioned").replace("promised", "pledged")
    match = index.query(spun)[0]
    assert match.source_id == "excerpt" and match.kind == "spun" and match.source_coverage > 0.9
    assert ("warned", "cautioned") in [(s.original, s.replacement) for s in match.substitutions]


def test_kinds_of_whole_copies(index):
    assert index.query(BRIDGE)[0].kind == "copied"
    spun = BRIDGE.replace("voted", "elected").replace("cracks", "fissures").replace("warned", "cautioned")
    match = index.query(spun)[0]
    assert match.kind == "spun" and len(match.substitutions) == 3 and match.passages


def test_quotations_are_no_evidence():
    quoted = '"We will rebuild the bridge and we will do it quickly," the mayor said at the town hall.'
    assert sentences(quoted, tokenize(quoted))[0].quoted
    plain = "The mayor said at the town hall that the bridge would be rebuilt quickly."
    assert not sentences(plain, tokenize(plain))[0].quoted
    text = "He said \"yes\" and left. The boys' toys were \u201cfine\u201d today.\n\u201cAn open quote runs on"
    assert [text[b:e] for b, e in quotations(text)] == ['"yes"', "\u201cfine\u201d", "\u201cAn open quote runs on"]


def test_sentences_are_not_cut_at_abbreviations_or_initials():
    text = ("In Colorado, Gov. John Hickenlooper met Sen. Mark Udall of the U.S. Senate on Monday. "
            "Dzhokhar A. Tsarnaev, 19, of Cambridge, was named later.\nA new line starts a new sentence")
    found = [text[s.begin:s.end] for s in sentences(text, tokenize(text))]
    assert found == ["In Colorado, Gov. John Hickenlooper met Sen. Mark Udall of the U.S. Senate on Monday.",
                     "Dzhokhar A. Tsarnaev, 19, of Cambridge, was named later.", "A new line starts a new sentence"]


def test_a_sketch_holds_the_sentences_as_they_were():
    found = sentences(BRIDGE_REPORT, tokenize(BRIDGE_REPORT))
    assert unpack(pack(found)) == found and unpack(pack([])) == []


def test_terms_fold_inflections_and_numbers():
    assert word_terms("rising") == word_terms("rises") == word_terms("rise")
    assert word_terms("two") == ("2",) and word_terms("1,000") == ("1000",) and word_terms("the") == ()
    assert word_terms("state-of-the-art") == (word_terms("state")[0], "art")


def test_search_terms_are_rare_spread_over_the_query_and_prefer_names():
    frequencies = {"common": 900, "rare": 2, "name": 20, "other": 30, "later": 5}
    assert rare_terms([["common", "rare", "other"], ["later", "missing"]], frequencies, set())[:2] == ["rare", "later"]
    assert rare_terms([["rare", "name", "other"]], frequencies, {"name"})[:2] == ["name", "rare"]
    assert "common" not in rare_terms([["rare", "common"]], {"rare": 2, "common": 99_999}, set())


def test_lexical_search_follows_adds_replacements_and_removals(tmp_path):
    index = open_index(str(tmp_path / "lexical.db"), create=True)
    check_lexical_index(index)


@pytest.mark.integration
def test_lexical_search_on_redis(redis_prefix):
    check_lexical_index(ReferenceIndex(RedisStorage(REDIS_URL, prefix=redis_prefix[1])))


def check_lexical_index(index):
    index.add_many(articles(5) + [("bridge", BRIDGE), ("garden", GARDEN)])
    storage = index.storage
    assert storage.frequencies(["northbridg", "ferri", "nothing"]) == {"northbridg": 1, "ferri": 1}
    assert [i for i, _ in storage.search(["northbridg", "ferri"], 5)] == ["bridge"]
    index.add_many([("bridge", BRIDGE)])  # the same text again changes nothing
    assert storage.frequencies(["northbridg"]) == {"northbridg": 1}
    index.add_many([("bridge", GARDEN.replace("valley", "Northbridge valley"))])  # a new text replaces the old
    assert storage.frequencies(["ferri", "northbridg", "marrow"]) == {"northbridg": 1, "marrow": 2}
    assert {i for i, _ in storage.search(["marrow"], 5)} == {"bridge", "garden"}
    assert index.remove("bridge") and storage.frequencies(["marrow", "northbridg"]) == {"marrow": 1}
    assert [i for i, _ in storage.search(["marrow", "northbridg"], 5)] == ["garden"]
    assert index.query(BRIDGE_PARAPHRASE) == []


def test_score_prints_matches_as_text_and_the_service_returns_them(tmp_path, tiny_model, capsys):
    from detector.cli import main
    from detector.settings import Settings
    from service.app import create_app
    from tests.test_service import validate

    location = str(tmp_path / "cli.db")
    open_index(location, create=True).add_many(articles(5) + [("bridge", BRIDGE)])
    query = tmp_path / "query.txt"
    query.write_text(BRIDGE.replace("warned", "cautioned").replace("promised", "pledged"))
    assert main(["score", str(query), "--index", location, "--model", str(tiny_model), "--format", "text",
                 "--quiet"]) == 0
    shown = capsys.readouterr().out
    assert "spun from bridge: 100% of this text, 100% of the source, 10 aligned sentences" in shown
    assert "[cautioned] <- 'warned'" in shown and "[pledged] <- 'promised'" in shown
    client = create_app(Settings(model_path=str(tiny_model), index=location)).test_client()
    response = client.post("/v1/analyze", json={"documents": [{"id": "q", "text": BRIDGE_PARAPHRASE}]})
    validate(response, "/v1/analyze", "post")  # against the OpenAPI document
    match = response.get_json()["results"][0]["matches"][0]
    assert match["source_id"] == "bridge" and match["kind"] == "paraphrased" and match["passages"]
    assert set(match["passages"][0]) == {"begin", "end", "source_begin", "source_end", "similarity", "source_text"}
