"""Batch scoring on a Dask cluster. The inputs (local paths or fsspec URLs, globs allowed) are cut
into blocks of lines (``detector.blocks``), so that one large file keeps every worker busy. Each
block is one task, scored by a worker that loads the model once and written as
``part-NNNNN.jsonl``, numbered in input order: the parts read in order hold exactly the records
local scoring writes. ``_SUMMARY.json``, written last, says the run is complete."""
from __future__ import annotations

import contextlib
import json
import posixpath
from dataclasses import asdict

import fsspec

from detector.batch import Summary, cached_detector, score_document
from detector.blocks import (
    Block,
    block_documents,
    count_newlines,
    default_blocksize,
    input_sizes,
    number_lines,
    split_inputs,
)
from detector.settings import Settings

SUMMARY_FILE = "_SUMMARY.json"


def score_block(index: int, block: Block, settings: Settings, output_dir: str) -> dict:
    """Score one block into ``part-NNNNN.jsonl``, written whole under another name and then renamed,
    so that a part which exists is complete."""
    detector = cached_detector(settings)
    summary = Summary()
    fs, folder = fsspec.core.url_to_fs(output_dir)
    target = posixpath.join(folder, f"part-{index:05d}.jsonl")
    with fs.open(target + ".partial", "w", encoding="utf-8") as handle:
        for document in block_documents(block):
            record = score_document(detector, document)
            summary.add(record)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    fs.mv(target + ".partial", target)
    return asdict(summary)


def _clear(fs, folder: str) -> None:
    """Remove the parts and summary of an earlier run: their number depends on the block size and
    the workers, so a part left over would be read as this run's."""
    stale = fs.glob(posixpath.join(folder, "part-*.jsonl*")) + fs.glob(posixpath.join(folder, SUMMARY_FILE))
    if stale:
        fs.rm(stale)


def run_dask(paths: list[str], settings: Settings, output_dir: str, scheduler: str | None = None, workers: int = 2,
             blocksize: int | str | None = None) -> Summary:
    """Score the inputs on a Dask cluster (or a LocalCluster of ``workers`` processes) into the
    folder ``output_dir``, a local path or an fsspec URL. ``blocksize`` (bytes, or a string such as
    ``"8MB"``) defaults to a few blocks per worker thread, at most 8 MiB (``default_blocksize``)."""
    import dask.utils
    from dask.distributed import Client, LocalCluster

    sizes = input_sizes(paths)  # a missing input fails before a cluster starts
    fs, folder = fsspec.core.url_to_fs(output_dir)
    fs.makedirs(folder, exist_ok=True)
    _clear(fs, folder)
    local = contextlib.nullcontext() if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1,
                                                                    processes=True, dashboard_address=None)
    with local as cluster, Client(scheduler or cluster) as client:
        threads = sum(client.nthreads().values())
        size = dask.utils.parse_bytes(blocksize) if blocksize else default_blocksize(sizes, threads)
        blocks = number_lines(split_inputs(sizes, size),
                              lambda todo: client.gather(client.map(count_newlines, todo, pure=False)))
        parts = client.gather(client.map(score_block, range(len(blocks)), blocks, settings=settings,
                                         output_dir=output_dir, pure=False))
    summary = Summary()
    for part in parts:
        summary.merge(Summary(**part))
    fs.pipe_file(posixpath.join(folder, SUMMARY_FILE), (json.dumps(asdict(summary), indent=2) + "\n").encode())
    return summary
