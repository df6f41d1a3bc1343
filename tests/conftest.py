import pytest

from detector.settings import Settings
from tests.fixture_model import FIXTURE_MODEL, train_fixture_model, write_fixture_data

FRENCH = ("Le gouvernement a annoncé mardi que les deux pays reprendraient les négociations la semaine "
          "prochaine. Les responsables européens ont déclaré que la réunion était reportée.")


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    """A data folder shaped like ../shared/data, with fixture news only."""
    return write_fixture_data(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def tiny_model():
    """The checked-in tiny model (tests/fixture_model.py): read it, copy it to change it."""
    return FIXTURE_MODEL


@pytest.fixture(scope="session")
def trained_model(fixture_data, tmp_path_factory):
    """The tiny model trained afresh by the real training code (needs PyTorch)."""
    pytest.importorskip("torch")
    return train_fixture_model(fixture_data, tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture(scope="session")
def detector(tiny_model):
    from detector.scoring import Detector

    return Detector.load(tiny_model, Settings(model_path=str(tiny_model)))
