import io
import json

import pytest

fsspec = pytest.importorskip("fsspec")  # installed with the dask extra

from detector.batch import cached_detector, score_document
from detector.cli import main
from detector.distributed import SUMMARY_FILE, run_dask
from detector.documents import jsonl_documents
from detector.settings import Settings
from tests.test_batch import read, write_shard


@pytest.fixture
def model_args(tiny_model):
    return ["--model", str(tiny_model), "--quiet"]


@pytest.fixture(scope="module")
def cluster():
    """One LocalCluster for the tests that pass its address: in-process, so that it starts in about
    a second and its workers see this process's ``memory://`` file system."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local


@pytest.fixture
def settings(tiny_model):
    return Settings.from_env(model_path=str(tiny_model))


@pytest.mark.integration
def test_dask_engine_matches_local(tmp_path, model_args):
    pytest.importorskip("dask.distributed")
    shards = [tmp_path / f"shard-{n}.jsonl" for n in range(3)]
    for n, shard in enumerate(shards):
        write_shard(shard, n * 100, 8)
    local = tmp_path / "local.jsonl"
    assert main(["score", *map(str, shards), "-o", str(local), *model_args]) == 0
    folder = tmp_path / "dask-out"
    assert main(["score", *map(str, shards), "-o", str(folder), "--engine", "dask", "--workers", "2",
                 *model_args]) == 0
    parts = sorted(folder.glob("part-*.jsonl"))
    assert len(parts) == 3
    assert [r for part in parts for r in read(part)] == read(local)
    summary = json.loads((folder / SUMMARY_FILE).read_text())
    assert summary["errors"] == 3 * 4 and summary["scored"] == 3 * 9


@pytest.mark.integration
def test_one_large_file_is_shared_by_the_workers(tmp_path, model_args, settings, cluster):
    source = tmp_path / "large.jsonl"
    lines = write_shard(source, 0, 40)
    local = tmp_path / "local.jsonl"
    assert main(["score", str(source), "-o", str(local), *model_args]) == 0
    executed = [worker.state.executed_count for worker in cluster.workers.values()]
    folder = tmp_path / "dask-out"
    summary = run_dask([str(source)], settings, str(folder), cluster.scheduler_address, blocksize=2000)
    parts = sorted(folder.glob("part-*.jsonl"))
    assert len(parts) == -(-source.stat().st_size // 2000) > 2
    assert [r for part in parts for r in read(part)] == read(local)
    assert len(read(local)) == lines and summary.errors == 4 and summary.scored == lines - 4
    assert all(worker.state.executed_count > before for worker, before in zip(cluster.workers.values(), executed))


@pytest.mark.integration
def test_fsspec_urls_in_and_out(tmp_path, settings, cluster):
    fs, inputs = fsspec.filesystem("memory"), {}
    for n in range(2):
        write_shard(tmp_path / "shard.jsonl", n * 100, 6)
        inputs[f"/spun-dask-in/shard-{n}.jsonl"] = (tmp_path / "shard.jsonl").read_bytes()
    fs.pipe({**inputs, "/spun-dask-out/part-00099.jsonl": b"stale\n", "/spun-dask-out/_SUMMARY.json": b"{}"})
    try:
        summary = run_dask(["memory://spun-dask-in/*.jsonl"], settings, "memory://spun-dask-out",
                           cluster.scheduler_address, blocksize=1500)
        parts = sorted(fs.glob("/spun-dask-out/part-*"))
        assert len(parts) > len(inputs) and "/spun-dask-out/part-00099.jsonl" not in parts
        records = [json.loads(line) for part in parts for line in fs.cat(part).splitlines()]
        detector = cached_detector(settings)
        expected = [score_document(detector, document) for path, data in inputs.items()
                    for document in jsonl_documents(io.BytesIO(data), f"memory://{path}")]
        assert records == expected
        assert json.loads(fs.cat("/spun-dask-out/" + SUMMARY_FILE))["errors"] == summary.errors == 2 * 4
    finally:
        fs.rm(["/spun-dask-in", "/spun-dask-out"], recursive=True)



@pytest.mark.integration
def test_command_line_globs_and_url_output(tmp_path, model_args, cluster):
    for n in range(2):
        write_shard(tmp_path / f"shard-{n}.jsonl", n * 100, 5)
    local = tmp_path / "local.jsonl"
    assert main(["score", str(tmp_path / "shard-*.jsonl"), "-o", str(local), *model_args]) == 0
    fs = fsspec.filesystem("memory")
    try:
        assert main(["score", str(tmp_path / "shard-*.jsonl"), "-o", "memory://spun-cli-out", "--engine", "dask",
                     "--scheduler", cluster.scheduler_address, *model_args]) == 0
        parts = sorted(fs.glob("/spun-cli-out/part-*"))
        assert [json.loads(line) for part in parts for line in fs.cat(part).splitlines()] == read(local)
    finally:
        fs.rm("/spun-cli-out", recursive=True)
