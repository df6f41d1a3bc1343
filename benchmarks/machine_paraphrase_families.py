"""machine_paraphrase on today's rewriters and on human prose of many genres, for a model as it is.

    python benchmarks/machine_paraphrase_families.py --data ../shared/data [--model DIR] [--limit 500]

Each rewriter family is scored against human text of its own kind, all from the test split of the
training recipe (so a model trained on these families is measured on pairs, questions and sources it
never saw): ChatGPT "polish" of ACL abstracts against the human abstracts (HPPT), QuillBot output
(by mode) against human answers to the same course questions, and WMT21 machine translations
(systems seen in training and held out) against the human references. False positives are counted per human genre: held-out
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
from detector.evaluation.reports import write_report
from detector.result import Result
from detector.scoring import Detector
from detector.settings import Settings
from detector.training.corpora import typed_plainly
from detector.training.machine_paraphrase import HELD_OUT_SYSTEMS, TRANSLATION_SPLITS, translation_splits
from detector.training.recipe import classifier_pools, default_config
from detector.training.rewrites import LLM_POLISH, PARAPHRASER, Rewrite, read_rewrites, rewrite_splits

CATEGORY = "machine_paraphrase"
NATIVE_NEWS = ("bbc:", "reuters_train:", "news_allsides:")
TRANSLATIONS = "human translations (WMT21 references, test split)"
ABSTRACTS = "abstracts (ACL, HPPT)"
ANSWERS = "student answers (QuillBot set)"
MIN_WORDS = 50


def sample(texts: list[str], limit: int, rng: random.Random, min_words: int = MIN_WORDS) -> list[str]:
    """Up to ``limit`` of the texts of ``min_words`` or more, at random, typed plainly."""
    texts = [typed_plainly(t) for t in texts if len(t.split()) >= min_words]
    return texts if len(texts) <= limit else rng.sample(texts, limit)


def supported_results(detector: Detector, texts: list[str]) -> list[Result]:
    """The results of the texts the detector scores (not those it declines as not English)."""
    return [r for r in (detector.score(text, return_spans=False) for text in texts) if r.supported]


def family(detector: Detector, rewrites: list[str], human: list[Result]) -> dict:
    machine = [r.category_scores[CATEGORY] for r in supported_results(detector, rewrites)]
    people = [r.category_scores[CATEGORY] for r in human]
    metrics = binary_metrics(np.array(machine + people), np.array([1] * len(machine) + [0] * len(people)),
                             detector.machine.threshold)
    return {key: metrics[key] for key in ("documents", "positives", "roc_auc", "recall", "false_positive_rate")}


def human_genres(data: Path, config, sources: dict, limit: int, rng: random.Random) -> dict[str, list[str]]:
    with lzma.open(data / "corpus" / "enwiki2021.jsonl.xz", "rt", encoding="utf-8") as handle:
        wikipedia = [json.loads(line)["text"] for _, line in zip(range(20 * max(limit, 1)), handle)]
    with open(data / "paraphrase" / "mrpc_train.tsv", encoding="utf-8-sig") as handle:
        mrpc = [row["#1 String"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return {
        "native news (BBC, Reuters, AllSides; held out)": sample(
            [a.text for a in classifier_pools(config).test if a.id.startswith(NATIVE_NEWS)], limit, rng),
        "Wikipedia (2021)": sample(wikipedia, limit, rng),
        TRANSLATIONS: sample([t.text for t in sources["translations"] if t.label == 0], limit, rng),
        "news sentences (MRPC)": sample(mrpc, limit, rng, min_words=0),
        ABSTRACTS: sample(texts_of(sources["rewrites"], LLM_POLISH, 0), limit, rng),
        ANSWERS: sample(texts_of(sources["rewrites"], PARAPHRASER, 0), limit, rng),
    }


def texts_of(rewrites: list[Rewrite], kind: str, label: int) -> list[str]:
    return [r.text for r in rewrites if r.kind == kind and r.label == label]


def rewriter_families(sources: dict, limit: int, rng: random.Random) -> dict[str, tuple[list[str], str]]:
    """Each family's rewrites (a sample) and the human genre they are measured against."""
    quillbot = [r for r in sources["rewrites"] if r.kind == PARAPHRASER and r.label == 1]
    translations = sources["translations"]
    families = {"ChatGPT polish of abstracts": (texts_of(sources["rewrites"], LLM_POLISH, 1), ABSTRACTS)}
    for mode in ("standard", "fluency", "creative"):
        families[f"QuillBot {mode} mode"] = ([r.text for r in quillbot if f"({mode} mode" in r.generator], ANSWERS)
    families["WMT21 MT, systems seen in training"] = (
        [t.text for t in translations if t.label == 1 and t.system not in HELD_OUT_SYSTEMS], TRANSLATIONS)
    families["WMT21 MT, held-out systems"] = ([t.text for t in translations if t.system in HELD_OUT_SYSTEMS], TRANSLATIONS)
    return {name: (sample(rewrites, limit, rng), genre) for name, (rewrites, genre) in families.items()}


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
    sources = {"rewrites": rewrite_splits(read_rewrites(data / "paraphrase_llm"), TRANSLATION_SPLITS)["test"],
               "translations": translation_splits(config.machine_translations).test}
    genres = human_genres(data, config, sources, args.limit, rng)
    families = rewriter_families(sources, args.limit, rng)
    human = {genre: supported_results(detector, texts) for genre, texts in genres.items()}
    report = {"model_version": detector.version, "threshold": detector.machine.threshold,
              "families": {name: family(detector, rewrites, human[genre]) for name, (rewrites, genre) in families.items()},
              "human_genres_flagged": {genre: {"documents": len(results), **{
                  category: round(sum(r.categories[category] for r in results) / max(1, len(results)), 4)
                  for category in detector.categories}} for genre, results in human.items()}}
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
