"""Before/after table of two ``benchmarks/accuracy.py`` reports (e.g. two model versions):

    python benchmarks/compare_accuracy.py BEFORE.json AFTER.json"""
from __future__ import annotations

import argparse
import json


def rows(report: dict) -> dict[str, str]:
    spin, clean = report["spin"], report["clean"]
    bands = report.get("thresholds_by_length") or [{"min_words": 0, "threshold": report["threshold"]}]  # 1.1.0: one
    table = {"threshold": ", ".join(f"{band['min_words']}+ words {band['threshold']:.4f}" for band in bands)}
    for name, row in spin.items():
        if isinstance(row, dict) and row.get("positives"):
            table[f"{name}: ROC AUC / recall"] = f"{row['roc_auc']:.3f} / {row['recall']:.3f}"
    table["clean held-out: false-positive rate"] = f"{spin['clean']['false_positive_rate']:.4f}"
    for name, row in clean.items():
        table[f"{name}: false-positive rate"] = f"{row['false_positive_rate']:.4f}"
    table["tortured-phrase articles flagged"] = f"{report['tortured']['recall']:.3f}"
    table["spans: precision at 10 / original right"] = (f"{spin['spans']['precision_at_10']:.3f} / "
                                                         f"{spin['spans']['original_accuracy']:.3f}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args()
    reports = [json.loads(open(path).read()) for path in (args.before, args.after)]
    before, after = (rows(r) for r in reports)
    print(f"| spun_text | before ({reports[0]['model_version']}) | after ({reports[1]['model_version']}) |")
    print("|---|---|---|")
    for name in before:
        print(f"| {name} | {before[name]} | {after.get(name, '-')} |")


if __name__ == "__main__":
    main()
