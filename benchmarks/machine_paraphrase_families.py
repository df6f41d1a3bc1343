"""machine_paraphrase on today's rewriters and on human prose of many genres, for a model as it is.

    python benchmarks/machine_paraphrase_families.py --data ../shared/data [--model DIR] [--limit 500]

Each rewriter family is scored against human text of its own kind: ChatGPT "polish" of ACL
abstracts against the human abstracts (HPPT), QuillBot output (by mode) against human answers to
the same course questions, and WMT21 machine translations (test split; systems seen in training
and held out) against the human references. False positives are counted per human genre: held-out
native news, Wikipedia, WMT21 human translations, MRPC news sentences (snippets), abstracts and
student answers, for both attributes (``spun_text`` too). Every text is typed plainly first (straight quotes, one space for any run of
whitespace) so that nothing is learned from how a data set was typed. ``--limit`` takes a random
sample of each set."""
from __future__ import annotations

import argparse
import csv
import json
import lzma
import random
import time
from pathlib import Path

import numpy as np

from detector.evaluation.metrics import binary_metrics
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.corpora import read_jsonl, typed_plainly
from detector.training.machine_paraphrase import HELD_OUT_SYSTEMS, translation_splits
from detector.training.recipe import classifier_pools, default_config

CATEGORY = "machine_paraphrase"
NATIVE_NEWS = ("bbc:", "reuters_train:", "news_allsides:")
MIN_WORDS = 50


def sample(texts: list[str], limit: int, rng: random.Random, min_words: int = MIN_WORDS) -> list[str]:
    """Up to ``limit`` of the texts of ``min_words`` or more, at random, typed plainly."""
    texts = [typed_plainly(t) for t in texts if len(t.split()) >= min_words]
    return texts if len(texts) <= limit else rng.sample(texts, limit)


def scores(detector: Detector, texts: list[str]) -> np.ndarray:
    """machine_paraphrase scores; texts the detector declines (not English) are left out."""
    values = [detector.score(text, return_spans=False).category_scores[CATEGORY] for text in texts]
    return np.array([v for v in values if v is not None])


def family(detector: Detector, rewrites: list[str], human: list[str]) -> dict:
    machine, people = scores(detector, rewrites), scores(detector, human)
    metrics = binary_metrics(np.concatenate([machine, people]),
                             np.concatenate([np.ones(len(machine)), np.zeros(len(people))]), detector.machine.threshold)
    return {key: metrics[key] for key in ("documents", "positives", "roc_auc", "recall", "false_positive_rate")}


def human_genres(data: Path, config, limit: int, rng: random.Random) -> dict[str, list[str]]:
    hppt = read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl")
    quillbot = read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
    with lzma.open(data / "corpus" / "enwiki2021.jsonl.xz", "rt", encoding="utf-8") as handle:
        wikipedia = [json.loads(line)["text"] for _, line in zip(range(20 * max(limit, 1)), handle)]
    with open(data / "paraphrase" / "mrpc_train.tsv", encoding="utf-8-sig") as handle:
        mrpc = [row["#1 String"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    references = [t.text for t in translation_splits(config.machine_translations).test if t.label == 0]
    return {
        "native news (BBC, Reuters, AllSides; held out)": sample(
            [a.text for a in classifier_pools(config).test if a.id.startswith(NATIVE_NEWS)], limit, rng),
        "Wikipedia (2021)": sample(wikipedia, limit, rng),
        "human translations (WMT21 references, test split)": sample(references, limit, rng),
        "news sentences (MRPC)": sample(mrpc, limit, rng, min_words=0),
        "abstracts (ACL, HPPT)": sample([r["text"] for r in hppt if r["label"] == "human"], limit, rng),
        "student answers (QuillBot set)": sample([r["text"] for r in quillbot if r["label"] == "human"], limit, rng),
    }


def rewriter_families(data: Path, config, genres: dict[str, list[str]], limit: int, rng: random.Random) -> dict:
    hppt = read_jsonl(data / "paraphrase_llm" / "hppt_chatgpt_polish.jsonl")
    quillbot = [r for r in read_jsonl(data / "paraphrase_llm" / "quillbot_chatgpt_answers.jsonl")
                if r["label"] == "machine_paraphrase"]
    test = translation_splits(config.machine_translations).test
    families = {"ChatGPT polish of abstracts": ([r["text"] for r in hppt if r["label"] != "human"],
                                                genres["abstracts (ACL, HPPT)"])}
    for mode in ("standard", "fluency", "creative"):
        families[f"QuillBot {mode} mode"] = ([r["text"] for r in quillbot if f"({mode} mode" in r["generator"]],
                                             genres["student answers (QuillBot set)"])
    translations = genres["human translations (WMT21 references, test split)"]
    families["WMT21 MT, systems seen in training"] = (
        [t.text for t in test if t.label == 1 and t.system not in HELD_OUT_SYSTEMS], translations)
    families["WMT21 MT, held-out systems"] = ([t.text for t in test if t.system in HELD_OUT_SYSTEMS], translations)
    return {name: (sample(rewrites, limit, rng), human) for name, (rewrites, human) in families.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=500, help="texts of each set, a random sample")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/machine_paraphrase_families.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model))
    data, rng = Path(args.data), random.Random(args.seed)
    config = default_config(args.data, output="unused")
    genres = human_genres(data, config, args.limit, rng)
    report = {"model_version": detector.version, "threshold": detector.machine.threshold,
              "families": {name: family(detector, rewrites, human)
                           for name, (rewrites, human) in rewriter_families(data, config, genres, args.limit, rng).items()},
              "human_genres_flagged": {}}
    for genre, texts in genres.items():
        results = [r for r in (detector.score(text, return_spans=False) for text in texts) if r.supported]
        report["human_genres_flagged"][genre] = {"documents": len(results), **{
            category: round(sum(r.categories[category] for r in results) / max(1, len(results)), 4)
            for category in detector.categories}}
    report["seconds"] = round(time.time() - started, 1)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
