"""Refit benchmark: a user with labeled documents of one domain refits the bundled model, and the
refit must not raise false positives on the project's clean news.

    python benchmarks/refit.py --data ../shared/data [--labeled 500] [--news 1000]

The domain is scientific abstracts (HPPT: ACL abstracts and their ChatGPT "polish"). Labeled
documents, as moderators would give them: human abstracts (spun_text 0, machine_paraphrase 0),
ChatGPT polish of other abstracts (machine_paraphrase 1) and spun abstracts by the project's
spinner (spun_text 1); every abstract is used once, so no original and rewrite meet across the
split. More human abstracts are the user's clean text. Measured, for the bundled model and the
refit: the refit's own before/after on its held-out documents (in its model card), and clean
false positives on held-out news articles of the bundled recipe's test split, which the refit
never sees (with --anchors the refit also keeps news anchors from the recipe's training split).
Results: benchmarks/results/refit.json."""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from detector.evaluation.metrics import binary_metrics
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.corpora import read_articles, read_jsonl, split_of
from detector.training.refit import RefitConfig, refit
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus


def abstracts(data: Path) -> tuple[list[str], list[str]]:
    """Human abstracts and ChatGPT polish, each from a different pair."""
    human, machine = {}, {}
    for record in read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl"):
        (human if record["label"] == "human" else machine)[record["pair_id"]] = record["text"]
    pairs = sorted(human)
    random.Random(7).shuffle(pairs)
    half = len(pairs) // 2
    return [human[p] for p in pairs[:half]], [machine[p] for p in pairs[half:]]


def write_user_data(folder: Path, data: Path, labeled: int) -> dict:
    human, machine = abstracts(data)
    thesaurus, rng = Thesaurus.load(), random.Random(11)
    per_kind = labeled // 3
    spun = [Spinner(thesaurus, rate=rng.uniform(0.05, 0.3), seed=k).spin(text).text
            for k, text in enumerate(human[:per_kind])]
    records = ([{"text": t, "labels": {"spun_text": 1}} for t in spun]
               + [{"text": t, "labels": {"spun_text": 0, "machine_paraphrase": 0}} for t in human[per_kind:2 * per_kind]]
               + [{"text": t, "labels": {"machine_paraphrase": 1}} for t in machine[:per_kind]])
    with open(folder / "labeled.jsonl", "w") as handle:
        for k, record in enumerate(records):
            handle.write(json.dumps({"id": f"doc-{k}", **record}) + "\n")
    (folder / "clean").mkdir()
    clean = human[2 * per_kind:]
    for k, text in enumerate(clean):
        (folder / "clean" / f"{k}.txt").write_text(text)
    return {"labeled": len(records), "clean": len(clean)}


def clean_news(data: Path, count: int) -> list[str]:
    articles = [a.text for name in ("bbc.jsonl", "reuters_train.jsonl") for a in read_articles(data / "news" / name)
                if split_of(a.id) == "test" and len(a.text.split()) >= 50]
    random.Random(5).shuffle(articles)
    return articles[:count]


def false_positives(detector: Detector, texts: list[str]) -> dict:
    rows = [detector.score(t, return_spans=False) for t in texts]
    rows = [r for r in rows if r.supported]
    return {attribute: binary_metrics(np.array([r.category_scores[attribute] for r in rows]), np.zeros(len(rows)),
                                      np.array([r.thresholds[attribute] for r in rows]))["false_positive_rate"]
            for attribute in detector.categories} | {"documents": len(rows)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--labeled", type=int, default=500)
    parser.add_argument("--news", type=int, default=1000)
    parser.add_argument("--anchors", action="store_true", help="refit with the recipe's news as anchors (--data)")
    parser.add_argument("--output", default="benchmarks/results/refit.json")
    args = parser.parse_args()
    data = Path(args.data)
    base = Detector.load(settings=Settings.from_env(model_path=args.model))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        counts = write_user_data(folder, data, args.labeled)
        started = time.time()
        output = refit(RefitConfig(base=str(base.settings.model_path), output=str(folder / "model"),
                                   labeled=[str(folder / "labeled.jsonl")], clean=[str(folder / "clean")],
                                   data=args.data if args.anchors else None,
                                   command="python benchmarks/refit.py"))
        seconds = time.time() - started
        refitted = Detector.load(output, Settings(model_path=str(output)))
        manifest = json.loads((output / "manifest.json").read_text())["refit"]
        news = clean_news(data, args.news)
        report = {"base_version": base.version, "user_documents": counts, "anchors": args.anchors,
                  "refit_seconds": round(seconds, 1), "held_out": manifest["before_after"],
                  "clean_news_false_positive_rate": {"base": false_positives(base, news),
                                                     "refit": false_positives(refitted, news)}}
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "held_out"}, indent=2))
    print("worse:", report["held_out"]["worse"] or "nowhere")


if __name__ == "__main__":
    main()
