from detector.evaluation.swap_coverage import STAGES, swap_stages
from detector.training.spinner import Change, Spinner, SpunText
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles


def test_every_synonym_swap_gets_one_stage(detector):
    recognizer = detector.engine.substitutions
    spinner = Spinner(Thesaurus.load(), rate=0.3, seed=5)
    stages = []
    for text in fixture_articles(5, seed=123):
        spun = spinner.spin(text)
        found = swap_stages(recognizer, spun)
        assert len(found) == sum(1 for c in spun.changes if c.kind == "synonym")
        stages += [stage for stage, *_ in found]
    assert set(stages) <= set(STAGES)
    assert "shortlisted" in stages


def test_a_swap_whose_original_no_thesaurus_entry_lists_is_not_a_candidate(detector):
    text = "American and European officers may be staying away from the meeting in Geneva."
    begin = text.index("officers")
    change = Change(begin, begin + len("officers"), "officers", "bananas", begin, begin + len("bananas"), "synonym")
    [(stage, _, function_word, _)] = swap_stages(detector.engine.substitutions, SpunText(text, [change]))
    assert stage == "not_candidate" and not function_word
