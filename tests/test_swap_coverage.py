import numpy as np

from detector.evaluation.swap_coverage import STAGES, context_ranks, swap_stages
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
    [(stage, _, function_word, _, _)] = swap_stages(detector.engine.substitutions, SpunText(text, [change]))
    assert stage == "not_candidate" and not function_word


def test_the_context_models_first_guess_ranks_zero_and_others_by_how_many_score_above(detector):
    recognizer = detector.engine.substitutions
    model = recognizer.context_model
    ids = recognizer.stats.ids("the officials said on monday that the talks would go on".split())
    positions = np.array([1, 4])
    every = model.context_vectors(ids, positions) @ model.output_embeddings.T + model.output_bias
    first, tenth = np.argsort(-every, axis=1)[:, 0], np.argsort(-every, axis=1)[:, 9]
    assert context_ranks(model, ids, positions, first).tolist() == [0, 0]
    assert context_ranks(model, ids, positions, tenth).tolist() == [9, 9]
