"""Batch scoring on a Dask cluster: input shards as partitions, each scored by a worker that
loads the model once, written as ``part-NNNNN.jsonl`` plus a summary."""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from detector.batch import Summary, cached_detector, score_document
from detector.documents import read_path
from detector.settings import Settings

SUMMARY_FILE = "_SUMMARY.json"


def score_shard(shard: tuple[int, str], settings: Settings, output_dir: str) -> dict:
    """Score one input shard into ``part-NNNNN.jsonl`` (written whole, then renamed into place)."""
    index, path = shard
    detector = cached_detector(settings)
    summary = Summary()
    target = Path(output_dir) / f"part-{index:05d}.jsonl"
    partial = target.with_suffix(".jsonl.partial")
    with open(partial, "w", encoding="utf-8") as handle:
        for document in read_path(path):
            record = score_document(detector, document)
            summary.add(record)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(partial, target)
    return asdict(summary)


def run_dask(shards: list[str], settings: Settings, output_dir: str, scheduler: str | None = None,
             workers: int = 2) -> Summary:
    """Score input shards as Dask partitions on a cluster (or a LocalCluster) into ``output_dir``."""
    import dask.bag
    from dask.distributed import Client, LocalCluster

    Path(output_dir).mkdir(parents=True, exist_ok=True)
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    with Client(scheduler or cluster) as client:
        bag = dask.bag.from_sequence(list(enumerate(shards)), npartitions=max(1, len(shards)))
        parts = bag.map(score_shard, settings, output_dir).compute(scheduler=client.get)
    if cluster is not None:
        cluster.close()
    summary = Summary()
    for part in parts:
        summary.merge(Summary(**part))
    (Path(output_dir) / SUMMARY_FILE).write_text(json.dumps(asdict(summary), indent=2) + "\n")
    return summary
