"""WMT21 test sets as documents: human reference translations (label 0) and the English output of
machine-translation systems (label 1) for the same foreign-language source documents.

``*.docs.jsonl`` files hold one source document a line; ``*.sents.jsonl`` files hold one
sentence a line with documents contiguous but unmarked, so consecutive sentences are grouped into
passages of about ``PASSAGE_WORDS`` words, each treated as one source document."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from detector.training.corpora import Article, read_jsonl

PASSAGE_WORDS = 180
HUMAN = "human"


@dataclass(frozen=True)
class Translation:
    source: str   # the source document (or passage) all translations of it share
    pair: str     # language pair, e.g. "de-en"
    system: str   # MT system name, or "human-A" for reference A
    text: str

    @property
    def label(self) -> int:
        return 0 if self.system.startswith(HUMAN) else 1


def read_translations(path: str | Path) -> Iterator[Translation]:
    """Every translation, human and machine, of every source document in a WMT21 file."""
    records = list(read_jsonl(path))
    if ".sents." in Path(path).name:
        records = list(_passages(records))
    for record in records:
        source = f"{record['pair']}:{record['docid']}"
        for name, text in record["refs"].items():
            yield Translation(source, record["pair"], f"{HUMAN}-{name}", _joined(text))
        for name, text in record["hyps"].items():
            yield Translation(source, record["pair"], name, _joined(text))


def read_translation_references(path: str | Path) -> Iterator[Article]:
    """The first human reference of each source document, as an article: modern (2020-21) clean
    news, written by people, for measuring false positives of the spun_text attribute."""
    references: dict[str, dict[str, str]] = {}
    for translation in read_translations(path):
        if translation.label == 0:
            references.setdefault(translation.source, {})[translation.system] = translation.text
    for source, texts in references.items():
        yield Article(f"wmt:{source}", texts[min(texts)])


def _joined(text: str | list[str]) -> str:
    return " ".join(text) if isinstance(text, list) else text


def _passages(sentences: list[dict]) -> Iterator[dict]:
    """Consecutive sentences grouped until the first reference reaches ``PASSAGE_WORDS`` words."""
    group: list[dict] = []
    words = 0
    for sentence in sentences:
        group.append(sentence)
        words += len(sentence["refs"][sorted(sentence["refs"])[0]].split())
        if words >= PASSAGE_WORDS:
            yield _merged(group)
            group, words = [], 0
    if group:
        yield _merged(group)


def _merged(group: list[dict]) -> dict:
    """Sentences of one passage as a document record; systems missing a sentence are dropped."""
    systems = set.intersection(*(set(s["hyps"]) for s in group))
    references = set.intersection(*(set(s["refs"]) for s in group))
    return {
        "pair": group[0]["pair"], "docid": f"lines-{group[0]['line']}",
        "refs": {name: [s["refs"][name] for s in group] for name in sorted(references)},
        "hyps": {name: [s["hyps"][name] for s in group] for name in sorted(systems)},
    }
