"""Reading documents to score: ``.txt`` files (one document each), JSONL files (``{id, text}``
a line) or standard input. A bad line becomes an error record; it never stops the run."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Document:
    id: str | None
    text: object = None
    line: int | None = None
    error: tuple[str, str] | None = None  # (code, message) when the input itself is unusable


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def jsonl_documents(lines: Iterator[bytes], source: str) -> Iterator[Document]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        line = _decode(raw)
        if line is None:
            yield Document(None, line=number, error=("not_utf8", f"{source}:{number} is not valid UTF-8"))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Document(None, line=number, error=("invalid_json", f"{source}:{number}: {exc.msg}"))
            continue
        if not isinstance(record, dict) or "text" not in record:
            yield Document(record.get("id") if isinstance(record, dict) else None, line=number,
                           error=("missing_text", f"{source}:{number} has no 'text' field"))
            continue
        yield Document(None if record.get("id") is None else str(record["id"]), record["text"], number)


def text_document(raw: bytes, document_id: str) -> Document:
    text = _decode(raw)
    if text is None:
        return Document(document_id, error=("not_utf8", f"{document_id} is not valid UTF-8"))
    return Document(document_id, text)


def read_documents(paths: list[str], stdin_format: str = "auto") -> Iterator[Document]:
    """Documents from the given paths, or from standard input when there are none."""
    if not paths:
        yield from _stdin_documents(stdin_format)
        return
    for path in paths:
        file = Path(path)
        if file.suffix == ".jsonl":
            with open(file, "rb") as handle:
                yield from jsonl_documents(handle, str(file))
        else:
            yield text_document(file.read_bytes(), file.name)


def _stdin_documents(stdin_format: str) -> Iterator[Document]:
    raw = sys.stdin.buffer.read()
    looks_jsonl = raw.lstrip().startswith(b"{")
    if stdin_format == "jsonl" or (stdin_format == "auto" and looks_jsonl):
        yield from jsonl_documents(iter(raw.splitlines()), "stdin")
    else:
        yield text_document(raw, "stdin")
