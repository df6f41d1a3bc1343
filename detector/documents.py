"""Reading documents to score: ``.txt`` files (one document each), JSONL files (``{id, text}`` a
line, plain or globbed) or standard input, streamed line by line. Every input line becomes one
``Document``, which knows its place (source and line); a line that cannot be used carries an
error instead of text and never stops a run. Paths are checked before anything is read:
``InputError`` says what is wrong with one."""
from __future__ import annotations

import glob
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from detector.inputs import DocumentError, check_id


class InputError(ValueError):
    """An input path that cannot be read as documents (missing, a directory, a glob matching nothing)."""


@dataclass
class Document:
    id: str | None
    text: object = None
    source: str = ""
    line: int | None = None
    error: tuple[str, str] | None = None  # (code, message) when the input itself is unusable

    @property
    def key(self) -> tuple[str, int | None]:
        """What identifies this input in an output file: its place. Ids may repeat or be missing."""
        return self.source, self.line


def parse_line(raw: bytes, source: str, number: int) -> Document:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Document(None, source=source, line=number, error=("not_utf8", f"{source}:{number} is not valid UTF-8"))
    if not line.strip():
        return Document(None, source=source, line=number, error=("blank_line", f"{source}:{number} is blank"))
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as exc:
        return Document(None, source=source, line=number,
                        error=("invalid_json", f"{source}:{number}: {getattr(exc, 'msg', 'too deeply nested')}"))
    if not isinstance(record, dict):
        return Document(None, source=source, line=number, error=("invalid_record", f"{source}:{number} is not an object"))
    document_id = record.get("id")
    if document_id is not None:
        try:
            check_id(document_id)
        except DocumentError as exc:
            return Document(None, source=source, line=number, error=(exc.code, f"{source}:{number}: {exc}"))
    if "text" not in record:
        return Document(document_id, source=source, line=number,
                        error=("missing_text", f"{source}:{number} has no 'text' field"))
    return Document(document_id, record["text"], source, number)


def jsonl_documents(lines: Iterable[bytes], source: str) -> Iterator[Document]:
    for number, raw in enumerate(lines, start=1):
        yield parse_line(raw.rstrip(b"\r\n"), source, number)


def text_document(raw: bytes, document_id: str, source: str) -> Document:
    try:
        return Document(document_id, raw.decode("utf-8"), source, 1)
    except UnicodeDecodeError:
        return Document(document_id, source=source, line=1, error=("not_utf8", f"{source} is not valid UTF-8"))


def expand_paths(paths: list[str]) -> list[str]:
    """Paths with shell-style globs expanded, in a stable order; ``InputError`` for a path that is
    missing or a directory, or a glob that matches no file."""
    expanded = []
    for path in paths:
        if any(ch in path for ch in "*?["):
            matches = sorted(p for p in glob.glob(path) if Path(p).is_file())
            if not matches:
                raise InputError(f"no file matches {path!r}")
            expanded += matches
        elif Path(path).is_dir():
            raise InputError(f"{path} is a directory: give files, or a glob such as '{path}/*.jsonl'")
        elif not Path(path).is_file():
            raise InputError(f"{path}: no such file")
        else:
            expanded.append(path)
    return expanded


def read_path(path: str) -> Iterator[Document]:
    """The documents of one file: a JSONL file line by line, any other file as one document whose
    id is its name (its source is the path as given, so a.txt in two folders stays two inputs)."""
    file = Path(path)
    if file.suffix == ".jsonl":
        with open(file, "rb") as handle:
            yield from jsonl_documents(handle, path)
    else:
        yield text_document(file.read_bytes(), file.name, path)


def read_documents(paths: list[str], stdin_format: str = "auto") -> Iterator[Document]:
    """Documents from the given paths (globs allowed), or from standard input when there are none."""
    if not paths:
        yield from stdin_documents(sys.stdin.buffer, stdin_format)
        return
    for path in expand_paths(paths):
        yield from read_path(path)


def stdin_documents(stream, stdin_format: str) -> Iterator[Document]:
    """JSONL streamed line by line, or the whole input as one plain-text document."""
    first = stream.readline()
    looks_jsonl = first.lstrip().startswith(b"{")
    if stdin_format == "jsonl" or (stdin_format == "auto" and looks_jsonl):
        yield from jsonl_documents(_chain(first, stream), "stdin")
    else:
        yield text_document(first + stream.read(), "stdin", "stdin")


def _chain(first: bytes, stream) -> Iterator[bytes]:
    if first:
        yield first
    yield from stream
