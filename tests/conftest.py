import json

import pytest

from detector.context_training import ContextTrainingConfig
from detector.settings import Settings
from detector.training import TrainingConfig, train
from tests.fixture_corpus import fixture_articles, fixture_translations

FRENCH = ("Le gouvernement a annoncé mardi que les deux pays reprendraient les négociations la semaine "
          "prochaine. Les responsables européens ont déclaré que la réunion était reportée.")


# A context model small enough to train on the fixture corpus in seconds.
TINY_CONTEXT = ContextTrainingConfig(vocabulary_size=2000, min_count=2, embedding_dim=16, hidden_dim=32, output_dim=16,
                                     examples=150_000, batch_size=256, negatives=64, learning_rate=5e-3)


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    """A data folder shaped like ../shared/data, with fixture news only."""
    root = tmp_path_factory.mktemp("data")
    (root / "news").mkdir()
    with open(root / "news" / "bbc.jsonl", "w") as handle:
        for i, text in enumerate(fixture_articles(400)):
            handle.write(json.dumps({"id": f"fixture/{i}", "text": text}) + "\n")
    (root / "mt").mkdir()
    with open(root / "mt" / "wmt21_fixture.xx-en.docs.jsonl", "w") as handle:
        for record in fixture_translations(80):
            handle.write(json.dumps(record) + "\n")
    return root


@pytest.fixture(scope="session")
def tiny_model(fixture_data, tmp_path_factory):
    """A tiny model trained on the fixture corpus by the real training code."""
    output = tmp_path_factory.mktemp("model") / "tiny"
    config = TrainingConfig(news=[str(fixture_data / "news" / "bbc.jsonl")], output=str(output),
                            machine_translations=[str(fixture_data / "mt" / "wmt21_fixture.xx-en.docs.jsonl")],
                            min_word_count=1, token_model_articles=60, command="pytest fixture",
                            context=TINY_CONTEXT)
    train(config)
    return output


@pytest.fixture(scope="session")
def detector(tiny_model):
    from detector.scoring import Detector

    return Detector.load(tiny_model, Settings(model_path=str(tiny_model), tortured_phrases=""))
