import json

import pytest

from detector.cli import main
from detector.distributed import SUMMARY_FILE
from tests.test_batch import read, write_shard


@pytest.fixture
def model_args(tiny_model):
    return ["--model", str(tiny_model), "--quiet"]


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
