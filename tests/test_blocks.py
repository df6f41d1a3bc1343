import io
import random

import pytest

fsspec = pytest.importorskip("fsspec")  # installed with the dask extra

from detector.blocks import (
    MAX_BLOCKSIZE,
    MIN_BLOCKSIZE,
    Block,
    block_documents,
    block_lines,
    count_newlines,
    default_blocksize,
    input_sizes,
    number_lines,
    split_inputs,
)
from detector.documents import InputError, jsonl_documents, read_path, text_document

TRICKY = (b'{"id": "a", "text": "one"}\r\n'
          b"\n"
          b"\r\n"
          b'{"id": "b", "text": "caf\xc3\xa9"}\n'
          b"\xff\xfe not UTF-8\n"
          b"{broken\n"
          + b'{"id": "long", "text": "' + b"x" * 120 + b'"}\n'
          + b'{"id": "c", "text": "no newline at the end"}')


def blocks_of(urls: list[str], blocksize: int) -> list[Block]:
    """What run_dask does on the driver, with the newlines counted here instead of on workers."""
    return number_lines(split_inputs(input_sizes(urls), blocksize), lambda todo: [count_newlines(b) for b in todo])


def lines_by_blocks(url: str, blocksize: int) -> list[tuple[int, bytes]]:
    return [line for block in blocks_of([url], blocksize) for line in block_lines(block)]


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("data", [TRICKY, TRICKY + b"\n", b"\n", b"\n\n\n", b"one line", b"\r\n\r\n", b"a\rb\r\nc"])
@pytest.mark.parametrize("blocksize", [1, 2, 3, 7, 13, 50, 64, 255, 256, 257, 10_000])
def test_every_line_once_with_its_number(tmp_path, data, blocksize):
    path = write(tmp_path, "in.jsonl", data)
    with open(path, "rb") as handle:
        assert lines_by_blocks(path, blocksize) == list(enumerate(handle, start=1))


def test_random_files_and_block_sizes(tmp_path):
    rng = random.Random(30)
    for _ in range(300):
        data = bytes(rng.choice(b"ab\n\r\xff") for _ in range(rng.randrange(0, 60)))
        path = write(tmp_path, "in.jsonl", data)
        with open(path, "rb") as handle:
            assert lines_by_blocks(path, rng.randrange(1, 70)) == list(enumerate(handle, start=1)), data


@pytest.mark.parametrize("first_line, owned", [(b"x" * 49 + b"\n", [[1], [2]]),    # line 2 starts at byte 50
                                               (b"x" * 50 + b"\n", [[1], [2]]),    # byte 50 is line 1's newline
                                               (b"x" * 48 + b"\n", [[1, 2], []])])  # line 2 starts at 49
def test_a_line_at_a_block_boundary(tmp_path, first_line, owned):
    """A line starting exactly at a block's offset is that block's, not the previous one's."""
    path = write(tmp_path, "in.jsonl", first_line + b"y" * 80 + b"\nz\n")
    lines = [[number for number, _ in block_lines(block)] for block in blocks_of([path], 50)]
    assert lines[:2] == owned
    assert [number for numbers in lines for number in numbers] == [1, 2, 3]


def test_documents_are_those_of_local_reading(tmp_path):
    paths = [write(tmp_path, "tricky.jsonl", TRICKY), write(tmp_path, "empty.jsonl", b""),
             write(tmp_path, "article.txt", "Officials said the talks would resume.\n".encode()),
             write(tmp_path, "bad.txt", b"\xff\xfe"), write(tmp_path, "blank.txt", b"")]
    blocks = blocks_of(paths, 16)
    assert [(b.url, b.text) for b in blocks if b.url.endswith(".txt")] == [(p, True) for p in paths[2:]]
    assert not [b for b in blocks if b.url == paths[1]]
    documents = [d for block in blocks for d in block_documents(block)]
    assert documents == [d for path in paths for d in read_path(path)]
    assert [d.error[0] for d in documents if d.error] == ["blank_line", "blank_line", "not_utf8", "invalid_json",
                                                           "not_utf8"]


def test_local_globs_expand_as_local_scoring_does(tmp_path):
    for name in ("b.jsonl", "a.jsonl", "c.txt"):
        write(tmp_path, name, b"{}\n")
    assert input_sizes([f"{tmp_path}/*.jsonl"]) == [(f"{tmp_path}/a.jsonl", 3), (f"{tmp_path}/b.jsonl", 3)]
    with pytest.raises(InputError):
        input_sizes([f"{tmp_path}/missing.jsonl"])


@pytest.fixture
def memory():
    fs = fsspec.filesystem("memory")
    yield fs
    fs.rm("/spun-blocks", recursive=True)


def test_fsspec_urls(memory):
    memory.pipe({"/spun-blocks/b.jsonl": TRICKY, "/spun-blocks/a.jsonl": b'{"id": 1, "text": "t"}\n\n',
                 "/spun-blocks/notes.txt": b"A plain text."})
    urls = ["memory:///spun-blocks/a.jsonl", "memory:///spun-blocks/b.jsonl"]
    sizes = input_sizes(["memory://spun-blocks/*.jsonl", "memory://spun-blocks/notes.txt"])
    assert sizes == [(urls[0], 24), (urls[1], len(TRICKY)), ("memory://spun-blocks/notes.txt", 13)]
    documents = [d for block in blocks_of([u for u, _ in sizes], 10) for d in block_documents(block)]
    expected = [d for url in urls for d in jsonl_documents(io.BytesIO(memory.cat(url)), url)]
    assert documents == expected + [text_document(b"A plain text.", "notes.txt", "memory://spun-blocks/notes.txt")]
    with pytest.raises(InputError):
        input_sizes(["memory://spun-blocks/*.csv"])
    with pytest.raises(InputError):
        input_sizes(["memory://spun-blocks/missing.jsonl"])


def test_default_blocksize_gives_every_worker_work():
    articles_200 = [("one.jsonl", 260_000)]  # issue 30: one task for one of two workers
    assert len(split_inputs(articles_200, default_blocksize(articles_200, threads=2))) == 4
    assert default_blocksize([("a.jsonl", 8_000_000), ("big.txt", 10**9)], threads=2) == 1_000_000
    assert default_blocksize([("a.jsonl", 10**10)], threads=2) == MAX_BLOCKSIZE
    assert default_blocksize([("a.jsonl", 100)], threads=0) == MIN_BLOCKSIZE
