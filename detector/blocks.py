"""Input files cut into blocks of lines, so that one large JSONL file is scored by many workers.

A block is a byte range of one file, cut without looking at the bytes as ``dask.bag.read_text``
cuts with a ``blocksize``. It owns every line that starts inside its range (a line starting at its
first byte included), so a block that starts mid-line skips to the next newline and its last line
may run past its end: every line of a file belongs to exactly one block. A plain-text file is one
document, so one block.

Inputs are local paths or fsspec URLs (``s3://``, ``gs://``, ``memory://``...), globs allowed.
Records name their input as given (``source``) and their 1-based line number in the file, as
local scoring does (``detector.documents``).

Line numbers: a block's first line number is one more than the newlines in the file before the
line's start. The driver gets those by counting the newlines of every block that another block of
the same file follows (``number_lines``), on the workers in parallel, then adding them up. This
is the cheapest way: counting reads a block at memory speed, well under 0.1% of the time scoring
it takes (scoring reads about 200 KB/s on a core); done by the driver in one pass it would move
every input byte through the client (over its network, for an ``s3://`` input and a laptop) before
any scoring starts; and each block counting the newlines before its own start would read
(blocks² / 2) blocks, 64 GB for one 1 GB file in 8 MiB blocks."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import fsspec

from detector.documents import Document, InputError, expand_paths, parse_line, text_document

MAX_BLOCKSIZE = 8 * 2**20  # about 40 s of scoring on one core: short enough to share out, long enough to be cheap
MIN_BLOCKSIZE = 64 * 2**10  # about 50 news articles: a task and a part file cost little against scoring them
BLOCKS_PER_THREAD = 4  # so that no worker waits long for the last block of another
SCAN = 2**16  # bytes read at a time while looking for a newline


@dataclass(frozen=True)
class Block:
    """Bytes ``[offset, offset + length)`` of the input ``url``."""
    url: str                  # a local path or an fsspec URL, as given: also the records' ``source``
    offset: int = 0
    length: int = 0
    text: bool = False        # a plain-text file: one document, the whole file
    newlines_before: int = 0  # newlines in the file before ``offset``, set by ``number_lines``


def is_url(path: str) -> bool:
    return "://" in path or "::" in path


def is_jsonl(url: str) -> bool:
    return PurePosixPath(url).suffix == ".jsonl"


def input_sizes(paths: list[str]) -> list[tuple[str, int]]:
    """(input, size in bytes) of each input file, globs expanded, in a stable order. Local paths are
    expanded by ``expand_paths`` (named as local scoring names them); URLs by fsspec's glob, whose
    matches keep their protocol (``memory://in/*.jsonl`` gives ``memory:///in/a.jsonl``).
    ``InputError`` for an input that matches no file."""
    sizes = []
    for path in paths:
        sizes += _url_sizes(path) if is_url(path) else [(p, Path(p).stat().st_size) for p in expand_paths([path])]
    return sizes


def _url_sizes(url: str) -> list[tuple[str, int]]:
    fs, path = fsspec.core.url_to_fs(url)
    if any(ch in path for ch in "*?["):
        found = sorted((fs.unstrip_protocol(p), info) for p, info in fs.glob(path, detail=True).items())
    else:
        found = [(url, fs.info(path))] if fs.exists(path) else []
    files = [(name, info["size"]) for name, info in found if info["type"] == "file"]
    if not files:
        raise InputError(f"no file matches {url!r}")
    return files


def default_blocksize(sizes: list[tuple[str, int]], threads: int) -> int:
    """A few blocks per worker thread, so that even a small file keeps every worker busy (200
    articles in one file were one task for one of two workers), within MIN_ and MAX_BLOCKSIZE."""
    total = sum(size for url, size in sizes if is_jsonl(url))
    return max(MIN_BLOCKSIZE, min(MAX_BLOCKSIZE, -(-total // (BLOCKS_PER_THREAD * max(1, threads)))))


def split_inputs(sizes: list[tuple[str, int]], blocksize: int) -> list[Block]:
    """The blocks of the inputs, in input order: a JSONL file in ``blocksize`` bytes (none when it
    is empty, as it has no lines), any other file in one block."""
    blocks = []
    for url, size in sizes:
        if is_jsonl(url):
            blocks += [Block(url, offset, min(blocksize, size - offset)) for offset in range(0, size, blocksize)]
        else:
            blocks.append(Block(url, 0, size, text=True))
    return blocks


def count_newlines(block: Block) -> int:
    """Newlines in the block's own byte range."""
    fs, path = fsspec.core.url_to_fs(block.url)
    return fs.cat_file(path, block.offset, block.offset + block.length).count(b"\n")


def number_lines(blocks: list[Block], count_all: Callable[[list[Block]], list[int]]) -> list[Block]:
    """The blocks with ``newlines_before`` set. ``count_all`` gives ``count_newlines`` of each block
    it is handed (on a cluster, in parallel); only blocks followed by another of their file need it."""
    followed = [block for block, after in zip(blocks, blocks[1:]) if after.offset > 0]
    counts = dict(zip(followed, count_all(followed)))
    numbered, before = [], 0
    for block in blocks:
        before = before if block.offset > 0 else 0
        numbered.append(replace(block, newlines_before=before))
        before += counts.get(block, 0)
    return numbered


def _line_start(handle, position: int) -> int:
    """Where the first line starting at or after ``position`` starts (the file's size if none does)."""
    if position == 0:
        return 0
    handle.seek(position - 1)
    while chunk := handle.read(SCAN):
        newline = chunk.find(b"\n")
        if newline >= 0:
            return handle.tell() - len(chunk) + newline + 1
    return handle.tell()


def block_lines(block: Block) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line with its line ending) of each line the block owns. The block is read
    whole, with the end of its last line: one read, where a line-by-line read of a remote file
    would fetch a buffer per line."""
    fs, path = fsspec.core.url_to_fs(block.url)
    with fs.open(path, "rb") as handle:
        start = _line_start(handle, block.offset)
        end = _line_start(handle, block.offset + block.length)
        handle.seek(start)
        data = handle.read(end - start)
    first = 1 + block.newlines_before + (start > block.offset)  # skipping a line's tail passed one newline
    return enumerate(io.BytesIO(data), start=first)


def block_documents(block: Block) -> Iterator[Document]:
    """The documents of one block, exactly as ``detector.documents.read_path`` reads them."""
    if block.text:
        fs, path = fsspec.core.url_to_fs(block.url)
        yield text_document(fs.cat_file(path), PurePosixPath(block.url).name, block.url)
        return
    for number, raw in block_lines(block):
        yield parse_line(raw.rstrip(b"\r\n"), block.url, number)
