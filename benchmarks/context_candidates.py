"""Context-model candidates: would the context model's own predictions, kept only where related to
the word on the page, tell swapped words from written ones better than the inverted thesaurus?

    python benchmarks/context_candidates.py --data ../shared/data [--model DIR] [--articles 100]

Issue 31 item 1 asks for candidate originals from the context model's predictions at a position,
with a relatedness test so that "any likelier word" does not become evidence. This measures the
idea at the word level before any model is built on it. Held-out test articles of 200+ words are
spun at 10% by the training source (Moby, uniform) and by the held-out sources of
``detector.evaluation.synonym_sources``. At every content word of the spun text, each score below
is the largest gain (context-model score of a candidate minus that of the word there) over a
candidate set, 0 when the set is empty:
- ``thesaurus``: the word's inverted-Moby candidates (the bundled model's candidates, uncapped by
  plausibility);
- ``context top K``: the K likeliest outputs of the context model at the position, any of them;
- ``related top K, cosine >= c``: those among them whose input embedding has a cosine of at least
  c with the word's own;
- ``thesaurus or related``: the larger of the first and a related set.
Reported: ROC AUC of each score at telling the swapped words from the other content words of the
same texts, per spinner. No model is fitted; nothing here sets a threshold."""
from __future__ import annotations

import argparse
import json
import random
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from detector.evaluation.pools import sampled_test_articles
from detector.evaluation.reports import write_report
from detector.evaluation.synonym_sources import FluentSpinner
from detector.scoring import Detector
from detector.settings import Settings
from detector.text import STOPWORDS, token_forms, tokenize
from detector.training.spinner import Spinner
from detector.training.synonym_sources import embedding_thesaurus, tortured_thesaurus
from detector.training.thesaurus import Thesaurus

TOPS = (50, 200, 1000)
COSINES = (0.2, 0.35, 0.5)
RATE = 0.1
CHUNK = 256  # positions scored against the whole output vocabulary at a time


class PositionScores:
    """Gains of the candidate sets at content-word positions, from one context model."""

    def __init__(self, recognizer):
        self.recognizer, self.model = recognizer, recognizer.context_model
        embeddings = self.model.embeddings[:self.model.vocabulary_size]
        self.unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-9)

    def gains(self, ids: np.ndarray, positions: np.ndarray) -> dict[str, np.ndarray]:
        columns: dict[str, list[np.ndarray]] = {}
        for start in range(0, len(positions), CHUNK):
            for name, values in self._chunk(ids, positions[start:start + CHUNK]).items():
                columns.setdefault(name, []).append(values)
        return {name: np.concatenate(parts) for name, parts in columns.items()}

    def _chunk(self, ids: np.ndarray, positions: np.ndarray) -> dict[str, np.ndarray]:
        model, words = self.model, ids[positions]
        every = model.context_vectors(ids, positions) @ model.output_embeddings.T + model.output_bias
        own = words < model.vocabulary_size
        observed = np.where(own, every[np.arange(len(words)), np.where(own, words, 0)],
                            model.scores(model.context_vectors(ids, positions), words))
        gain = every - observed[:, None]
        gain[:, 0] = -np.inf  # the shared rare-word output is no word
        gain[np.arange(len(words)), np.where(own, words, 0)] = -np.inf  # nor is the word itself
        found = {"thesaurus": self._thesaurus(gain, words)}
        order = np.argsort(-gain, axis=1)[:, :max(TOPS)]
        ranked = np.take_along_axis(gain, order, axis=1)
        cosine = np.einsum("ij,ikj->ik", self.unit[np.where(own, words, 0)], self.unit[order])
        cosine[~own] = 0.0  # a rare word has no embedding of its own
        for top in TOPS:
            found[f"context top {top}"] = np.maximum(ranked[:, 0], 0.0)
            for threshold in COSINES:
                related = np.where(cosine[:, :top] >= threshold, ranked[:, :top], -np.inf).max(axis=1)
                found[f"related top {top}, cosine >= {threshold}"] = np.maximum(related, 0.0)
                found[f"thesaurus or related top {top}, cosine >= {threshold}"] = np.maximum(found["thesaurus"],
                                                                                            np.maximum(related, 0.0))
        return found

    def _thesaurus(self, gain: np.ndarray, words: np.ndarray) -> np.ndarray:
        table = self.recognizer.candidates
        rows, entries = table.expand(words)
        candidates = table.candidates[entries]
        values = np.where(candidates < self.model.vocabulary_size,
                          gain[rows, np.minimum(candidates, self.model.vocabulary_size - 1)], -np.inf)
        best = np.full(len(words), -np.inf)
        np.maximum.at(best, rows, values)
        return np.maximum(best, 0.0)


def spinner_aucs(scores: PositionScores, articles: list[str], make, rng: random.Random) -> dict:
    """ROC AUC of every gain at telling swapped content words from the others, over ``articles``
    spun by ``make(seed)``."""
    columns: dict[str, list[np.ndarray]] = {}
    labels = []
    for text in articles:
        spun = make(rng.randrange(1 << 30)).spin(text)
        tokens = tokenize(spun.text)
        forms = token_forms(spun.text, tokens)
        swapped = {c.begin for c in spun.changes if c.kind == "synonym"}
        positions = np.array([k for k, t in enumerate(tokens) if t.is_word and forms[k] not in STOPWORDS])
        for name, values in scores.gains(scores.recognizer.stats.ids(forms), positions).items():
            columns.setdefault(name, []).append(values)
        labels += [tokens[k].begin in swapped for k in positions]
    return {"swapped_words": int(sum(labels)), "other_words": len(labels) - int(sum(labels)),
            "roc_auc": {name: round(float(roc_auc_score(labels, np.concatenate(parts))), 4)
                        for name, parts in columns.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", default="benchmarks/results/context_candidates.json")
    args = parser.parse_args()

    started = time.time()
    detector = Detector.load(settings=Settings.from_env(model_path=args.model, machine_paraphrase=False))
    recognizer = detector.engine.substitutions
    articles = sampled_test_articles(args.data, args.articles, args.seed)
    moby = Thesaurus.load()
    embedding = embedding_thesaurus(recognizer.context_model, recognizer.stats)
    tortured = tortured_thesaurus(f"{args.data}/tortured/tortured_phrases_dev.csv")
    spinners = {
        "Moby, uniform (the training source)": lambda seed: Spinner(moby, rate=RATE, seed=seed),
        "Moby, most fluent in context": lambda seed: FluentSpinner(moby, recognizer.stats, rate=RATE, seed=seed),
        "embedding neighbours": lambda seed: Spinner(embedding, rate=RATE, seed=seed),
        "tortured-phrase vocabulary": lambda seed: Spinner(tortured, rate=RATE, seed=seed),
    }
    scores, rng = PositionScores(recognizer), random.Random(args.seed)
    report = {"model_version": detector.version, "articles": len(articles), "rate": RATE, "spinners": {}}
    for name, make in spinners.items():
        report["spinners"][name] = spinner_aucs(scores, articles, make, rng)
        print(name, json.dumps(report["spinners"][name]["roc_auc"]), flush=True)
    report["seconds"] = round(time.time() - started, 1)
    write_report(report, args.output)


if __name__ == "__main__":
    main()
