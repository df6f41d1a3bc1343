"""The tiny model most tests score with, made by the real training code from the fixture corpus and
checked in under ``tests/fixtures/tiny-model`` so that tests run without PyTorch.

After a change to training or to the artifact format, make it again (PyTorch needed):

    python -m tests.fixture_model
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from detector.training.context_model import ContextTrainingConfig
from detector.training.rewrites import POLISH_FILE, QUILLBOT_FILE
from tests.fixture_corpus import fixture_articles, fixture_rewrites, fixture_translations

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_MODEL = FIXTURES / "tiny-model"
FIXTURE_TORTURED = FIXTURES / "tortured_phrases.csv"
# A context model small enough to train on the fixture corpus in seconds.
TINY_CONTEXT = ContextTrainingConfig(vocabulary_size=2000, min_count=2, embedding_dim=16, hidden_dim=32, output_dim=16,
                                     examples=150_000, batch_size=256, negatives=64, learning_rate=5e-3)


def write_fixture_data(root: Path) -> Path:
    """A data folder shaped like ../shared/data, with fixture news, translations and rewrites only."""
    (root / "news").mkdir(parents=True, exist_ok=True)
    with open(root / "news" / "bbc.jsonl", "w") as handle:
        for i, text in enumerate(fixture_articles(400)):
            handle.write(json.dumps({"id": f"fixture/{i}", "text": text}) + "\n")
    (root / "mt").mkdir(exist_ok=True)
    with open(root / "mt" / "wmt21_fixture.xx-en.docs.jsonl", "w") as handle:
        for record in fixture_translations(80):
            handle.write(json.dumps(record) + "\n")
    (root / "paraphrase_llm").mkdir(exist_ok=True)
    for name, records in zip((POLISH_FILE, QUILLBOT_FILE), fixture_rewrites(60)):
        (root / "paraphrase_llm" / name).write_text("".join(json.dumps(record) + "\n" for record in records))
    return root


def train_fixture_model(data: Path, output: Path) -> Path:
    """Train the tiny model on a fixture data folder (``write_fixture_data``) into ``output``."""
    from detector.training.recipe import train

    return train(fixture_config(data, output))


def fixture_config(data: Path, output: Path):
    """The tiny model's recipe on a fixture data folder (``write_fixture_data``)."""
    from detector.training.recipe import TrainingConfig

    return TrainingConfig(news=[str(data / "news" / "bbc.jsonl")], output=str(output),
                          machine_translations=[str(data / "mt" / "wmt21_fixture.xx-en.docs.jsonl")],
                          rewrites=str(data / "paraphrase_llm"), tortured_phrases=str(FIXTURE_TORTURED),
                          min_word_count=1, token_model_articles=60, command="python -m tests.fixture_model",
                          context=TINY_CONTEXT)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        print(train_fixture_model(write_fixture_data(Path(scratch)), FIXTURE_MODEL), file=sys.stderr)
