"""Batch scoring: every input line yields exactly one output line (a result or an error record),
in input order, with bounded memory; ``jobs`` processes each load the model once; ``resume``
skips inputs already in the output. ``detector.distributed`` scores on a Dask cluster."""
from __future__ import annotations

import json
import multiprocessing
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

from threadpoolctl import threadpool_limits

from detector.documents import Document
from detector.inputs import DocumentError
from detector.scoring import Detector
from detector.settings import Settings

BATCH_SIZE = 256


@dataclass
class Summary:
    scored: int = 0
    flagged: int = 0
    errors: int = 0
    skipped: int = 0

    def add(self, record: dict) -> None:
        if "error" in record:
            self.errors += 1
        else:
            self.scored += 1
            self.flagged += bool(record["flagged"])

    def merge(self, other: "Summary") -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def __str__(self) -> str:
        skipped = f", skipped {self.skipped} already done" if self.skipped else ""
        return f"scored {self.scored}, flagged {self.flagged}, errors {self.errors}{skipped}"


def error_record(document: Document, code: str, message: str) -> dict:
    return {"id": document.id, "source": document.source, "line": document.line,
            "error": {"code": code, "message": message}}


def score_document(detector: Detector, document: Document) -> dict:
    """A result, or an error record naming what is wrong with this one input."""
    if document.error:
        return error_record(document, *document.error)
    try:
        return detector.score(document.text, document.id).to_dict()
    except DocumentError as exc:
        return error_record(document, exc.code, str(exc))


def record_key(record: dict) -> str:
    return record["id"] if record.get("id") is not None else f"{record.get('source')}:{record.get('line')}"


def completed_keys(output: Path) -> set[str]:
    """Keys of the records already written; a torn last line (an interrupted write) is cut off."""
    if not output.exists():
        return set()
    with open(output, "rb+") as handle:
        data = handle.read()
        complete = data.rfind(b"\n") + 1
        if complete < len(data):
            handle.truncate(complete)
    return {record_key(json.loads(line)) for line in data[:complete].splitlines() if line.strip()}


def batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_detectors: dict[Settings, Detector] = {}


def cached_detector(settings: Settings) -> Detector:
    """One detector per process and settings, loaded on first use."""
    if settings not in _detectors:
        _detectors[settings] = Detector.load(settings=settings)
    return _detectors[settings]


def _start_worker(settings: Settings) -> None:
    """Load the model, then keep this worker to one BLAS thread: ``jobs`` workers already share
    the cores, and two BLAS threads per worker made two workers slower than one process."""
    cached_detector(settings)
    threadpool_limits(limits=1)


def _score_in_worker(args: tuple[Settings, Document]) -> dict:
    settings, document = args
    return score_document(cached_detector(settings), document)


def score_stream(documents: Iterable[Document], settings: Settings, jobs: int = 1) -> Iterator[dict]:
    """Records in input order, scored by ``jobs`` processes, holding one batch at a time."""
    if jobs <= 1:
        detector = cached_detector(settings)
        for document in documents:
            yield score_document(detector, document)
        return
    with multiprocessing.get_context("spawn").Pool(jobs, _start_worker, (settings,)) as pool:
        for batch in batches(documents, BATCH_SIZE * jobs):
            yield from pool.imap(_score_in_worker, [(settings, d) for d in batch], chunksize=8)
