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
    """A result, or an error record naming what is wrong with this one input; either says where
    the input came from (``source`` and ``line``)."""
    if document.error:
        return error_record(document, *document.error)
    try:
        result = detector.score(document.text, document.id).to_dict()
    except DocumentError as exc:
        return error_record(document, exc.code, str(exc))
    return {**result, "source": document.source, "line": document.line}


class ResumeError(ValueError):
    """The output file cannot be resumed onto."""


def cut_torn_line(output: Path) -> None:
    """Drop a last line left half-written by an interrupted run (reads only the file's tail)."""
    with open(output, "rb+") as handle:
        size = handle.seek(0, 2)
        end = size
        while end > 0:
            start = max(0, end - (1 << 16))
            handle.seek(start)
            newline = handle.read(end - start).rfind(b"\n")
            if newline >= 0:
                handle.truncate(start + newline + 1)
                return
            end = start
        handle.truncate(0)


def written_keys(output: Path) -> Iterator[tuple[str, int | None]]:
    """(source, line) of each record in ``output``, streamed, after cutting a torn last line."""
    if not output.exists():
        return
    cut_torn_line(output)
    with open(output, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                record = json.loads(line)
                yield record["source"], record["line"]
            except (ValueError, TypeError, KeyError):
                raise ResumeError(f"{output}:{number} is not a record of spun-detector score; cannot resume "
                                  f"onto this file") from None


def not_yet_written(documents: Iterable[Document], output: Path, summary: "Summary") -> Iterator[Document]:
    """The documents after those ``output`` already holds. Output is written in input order, so it
    is a prefix of the input: the two are walked side by side (constant memory), and an output
    that does not match the inputs is refused rather than silently merged."""
    written, documents = written_keys(output), iter(documents)
    for document in documents:
        key = next(written, None)
        if key is None:
            yield document
            yield from documents
            return
        if tuple(key) != document.key:
            raise ResumeError(f"{output} holds {key[0]}:{key[1]} where the inputs have "
                              f"{document.source}:{document.line}: these are not the same inputs")
        summary.skipped += 1
    if next(written, None) is not None:
        raise ResumeError(f"{output} holds more records than the inputs have documents")


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
