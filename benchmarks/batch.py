"""Batch-scoring benchmark: documents/s on 20,000 articles in 8 shards for 1 and 2 local processes
and for a Dask LocalCluster with 1 and 2 workers, then the same articles in ONE file on the Dask
LocalCluster (cut into blocks of lines, so both workers share it); scaling efficiency, speed-up
from 1 to 2 Dask workers on the one file, Dask parts written, peak memory per worker.

    python benchmarks/batch.py --data ../shared/data [--documents 20000]

Each configuration runs the real command line (``spun-detector score``) in a fresh process."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from detector.evaluation.reports import write_report
from detector.training.corpora import read_articles

SHARDS = 8


def write_inputs(data: Path, documents: int, folder: Path) -> tuple[list[str], str]:
    """``documents`` news articles (repeated if needed) in JSONL shards, and all of them in one file."""
    articles = [a for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)]
    paths = [folder / f"shard-{n}.jsonl" for n in range(SHARDS)]
    one_file = folder / "all.jsonl"
    handles = [open(p, "w") for p in paths]
    with open(one_file, "w") as whole:
        for i in range(documents):
            article = articles[i % len(articles)]
            line = json.dumps({"id": f"{article.id}#{i}", "text": article.text}) + "\n"
            handles[i % SHARDS].write(line)
            whole.write(line)
    for handle in handles:
        handle.close()
    return [str(p) for p in paths], str(one_file)


MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run(arguments: list[str]) -> tuple[float, float]:
    """Wall seconds, and peak resident memory (MB) of the largest process the run started."""
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "detector.cli", "score",
                             *arguments, "--quiet"], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, int(output.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--output", default="benchmarks/results/batch.json")
    args = parser.parse_args()
    scratch = tempfile.TemporaryDirectory(prefix="spun-detector-benchmark-")  # removed at exit, even on errors
    folder = Path(scratch.name)
    shards, one_file = write_inputs(Path(args.data), args.documents, folder)
    words = sum(len(json.loads(line)["text"].split()) for path in shards for line in open(path))
    report = {"documents": args.documents, "words": words, "runs": {}}
    configurations = {
        "local, 1 process": [*shards, "-o", str(folder / "local1.jsonl"), "--jobs", "1"],
        "local, 2 processes": [*shards, "-o", str(folder / "local2.jsonl"), "--jobs", "2"],
        "dask LocalCluster, 1 worker": [*shards, "-o", str(folder / "dask1"), "--engine", "dask", "--workers", "1"],
        "dask LocalCluster, 2 workers": [*shards, "-o", str(folder / "dask2"), "--engine", "dask", "--workers", "2"],
        "dask LocalCluster, 1 worker, one file": [one_file, "-o", str(folder / "dask1-one"), "--engine", "dask",
                                                  "--workers", "1"],
        "dask LocalCluster, 2 workers, one file": [one_file, "-o", str(folder / "dask2-one"), "--engine", "dask",
                                                   "--workers", "2"],
    }
    for name, arguments in configurations.items():
        seconds, peak = run(arguments)
        result = {"seconds": round(seconds, 1), "documents_per_second": round(args.documents / seconds, 1),
                  "peak_rss_mb_largest_process": round(peak)}
        output = Path(arguments[arguments.index("-o") + 1])
        if output.is_dir():  # a Dask run: how many blocks (parts) the workers shared
            result["parts"] = len(list(output.glob("part-*.jsonl")))
        report["runs"][name] = result
        print(name, result, flush=True)
    runs = report["runs"]
    report["scaling_efficiency_local"] = round(
        runs["local, 2 processes"]["documents_per_second"] / (2 * runs["local, 1 process"]["documents_per_second"]), 3)
    report["scaling_efficiency_dask"] = round(
        runs["dask LocalCluster, 2 workers"]["documents_per_second"]
        / (2 * runs["dask LocalCluster, 1 worker"]["documents_per_second"]), 3)
    report["speedup_dask_one_file_1_to_2_workers"] = round(
        runs["dask LocalCluster, 2 workers, one file"]["documents_per_second"]
        / runs["dask LocalCluster, 1 worker, one file"]["documents_per_second"], 3)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
