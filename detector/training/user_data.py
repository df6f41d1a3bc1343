"""A user's own training data, in open formats, read strictly: a training run must not go on with
a file it half understood. ``TrainingDataError`` names the file and line.

- Clean text (``--clean``): ``.txt`` files (one document each), folders of them (and of JSONL
  files), or JSONL files of ``{id, text}``.
- Labeled documents (``--labeled``): JSONL ``{id, text, labels: {spun_text?, machine_paraphrase?}}``
  with labels 0 or 1, for example moderators' decisions."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from detector.documents import Document, read_path
from detector.machine_paraphrase import CATEGORY as MACHINE_CATEGORY
from detector.scoring import CATEGORY

ATTRIBUTES = (CATEGORY, MACHINE_CATEGORY)
DOCUMENT_SUFFIXES = (".txt", ".jsonl")


class TrainingDataError(ValueError):
    """Training data that cannot be used as given; the message names the file and line."""


@dataclass(frozen=True)
class LabeledDocument:
    id: str
    text: str
    labels: dict[str, int]  # per attribute: 1 rewritten by a machine, 0 not; absent: not judged


def files_of(paths: list[str]) -> list[Path]:
    """The document files of ``paths``: files as given, folders searched for .txt and .jsonl files."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in DOCUMENT_SUFFIXES and p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise TrainingDataError(f"{path}: no such file or folder")
    return found


def _usable(document: Document) -> Document:
    if document.error:
        raise TrainingDataError(document.error[1] if document.error[1].startswith(document.source)
                                else f"{document.source}:{document.line}: {document.error[1]}")
    if not isinstance(document.text, str) or not document.text.strip():
        raise TrainingDataError(f"{document.source}:{document.line}: 'text' must be a non-empty string")
    return document


def read_clean(paths: list[str]) -> list[Document]:
    """Every document of ``paths``, each with an id (its place when the input gives none)."""
    documents = [_usable(d) for path in files_of(paths) for d in read_path(str(path))]
    return [d if d.id else Document(f"{d.source}:{d.line}", d.text, d.source, d.line) for d in documents]


def read_labeled(paths: list[str]) -> list[LabeledDocument]:
    """Every labeled document of the JSONL files ``paths``."""
    labeled = []
    for path in files_of(paths):
        if path.suffix != ".jsonl":
            raise TrainingDataError(f"{path}: labeled documents come as JSONL {{id, text, labels}}")
        with open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                labeled.append(_labeled(raw, str(path), number))
    return labeled


def _labeled(raw: bytes, source: str, number: int) -> LabeledDocument:
    import json

    from detector.documents import parse_line

    document = _usable(parse_line(raw.rstrip(b"\r\n"), source, number))
    labels = json.loads(raw).get("labels")
    where = f"{source}:{number}"
    if not isinstance(labels, dict) or not labels:
        raise TrainingDataError(f"{where}: 'labels' must be an object such as {{\"spun_text\": 1}}")
    unknown = set(labels) - set(ATTRIBUTES)
    if unknown:
        raise TrainingDataError(f"{where}: unknown label {sorted(unknown)[0]!r}; labels are {', '.join(ATTRIBUTES)}")
    if any(value not in (0, 1) or isinstance(value, float) for value in labels.values()):
        raise TrainingDataError(f"{where}: each label must be 0 or 1")
    return LabeledDocument(document.id or where, document.text, {name: int(value) for name, value in labels.items()})
