"""Benchmark reports: each benchmark writes one JSON file under ``benchmarks/results/``."""
from __future__ import annotations

import json
from pathlib import Path


def write_report(report: dict, path: str | Path) -> None:
    """``report`` as indented JSON at ``path``, its folder created if needed."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report, indent=2) + "\n")
