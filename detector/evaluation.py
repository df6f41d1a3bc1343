"""Metrics at the model threshold, per subset, and the spin benchmark behind the README figures:
held-out articles spun by the project's spinner with an unseen seed and unseen policies."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score
from tqdm import tqdm

from detector.corpora import Article
from detector.evidence import SubstitutionRecognizer
from detector.spinner import Spinner
from detector.thesaurus import Thesaurus

BENCHMARK_RATES = (0.05, 0.10, 0.15, 0.20, 0.30, 0.50)
BENCHMARK_POLICIES = ("uniform", "frequency")
MIN_BENCHMARK_WORDS = 200
TOP_SPANS = 10
MIN_TRANSLATION_WORDS = 150


def binary_metrics(scores: np.ndarray, labels: np.ndarray, threshold: float | np.ndarray) -> dict:
    """ROC AUC (when both classes are present), precision, recall, F1 and false-positive rate;
    ``threshold`` is one value or one per document."""
    flagged = scores >= threshold
    positives, negatives = labels == 1, labels == 0
    true_positives = int(np.sum(flagged & positives))
    precision = true_positives / max(1, int(flagged.sum())) if flagged.any() else None
    recall = true_positives / int(positives.sum()) if positives.any() else None
    f1 = (2 * precision * recall / (precision + recall)
          if precision is not None and recall is not None and precision + recall > 0 else None)
    return {
        "documents": int(len(labels)), "positives": int(positives.sum()),
        "roc_auc": float(roc_auc_score(labels, scores)) if positives.any() and negatives.any() else None,
        "precision": precision, "recall": recall, "f1": f1,
        "false_positive_rate": float(np.mean(flagged[negatives])) if negatives.any() else None,
    }


def metrics_by_subset(scores: np.ndarray, labels: np.ndarray, subsets: np.ndarray,
                      threshold: float | np.ndarray) -> dict:
    threshold = np.broadcast_to(threshold, scores.shape)
    table = {name: binary_metrics(scores[subsets == name], labels[subsets == name], threshold[subsets == name])
             for name in dict.fromkeys(subsets.tolist())}
    table["all"] = binary_metrics(scores, labels, threshold)
    return table


@dataclass
class SpinBenchmark:
    """Every scored document: its score, label, subset ("clean" or "policy rate"), threshold and
    the index (in ``articles``) of the clean article it was made from."""

    metrics: dict
    scores: np.ndarray
    labels: np.ndarray
    subsets: np.ndarray
    thresholds: np.ndarray
    articles: list[Article]
    article_of: np.ndarray

    def metrics_by_group(self, group_of: Callable[[Article], str]) -> dict:
        """The benchmark's metrics within each group of articles (a source, a length band): every
        spun subset against the clean articles of the same group."""
        groups = np.array([group_of(a) for a in self.articles], dtype=object)[self.article_of]
        return {group: spin_metrics(self.scores[groups == group], self.labels[groups == group],
                                    self.subsets[groups == group], self.thresholds[groups == group])
                for group in sorted(set(groups))}


def spin_metrics(scores: np.ndarray, labels: np.ndarray, subsets: np.ndarray, thresholds: np.ndarray) -> dict:
    """Metrics of the clean documents, and of each spun subset together with them."""
    clean = subsets == "clean"
    metrics = {"clean": binary_metrics(scores[clean], labels[clean], thresholds[clean])}
    for name in dict.fromkeys(subsets[~clean].tolist()):
        rows = clean | (subsets == name)
        metrics[name] = binary_metrics(scores[rows], labels[rows], thresholds[rows])
    return metrics


def span_quality(result: dict, changes: list) -> tuple[int, int, int]:
    """Among the top spans: how many cover a substituted token, and how many of those name the
    true original."""
    originals = {(c.begin, c.end): c.original.lower() for c in changes}
    starts = {c.begin: c for c in changes}
    top = [s for s in result["spans"] if s["kind"] in SubstitutionRecognizer.KIND_NAMES][:TOP_SPANS]
    hits = [s for s in top if s["begin"] in starts or any(c.begin <= s["begin"] < c.end for c in changes)]
    right = sum(1 for s in hits if originals.get((s["begin"], s["end"])) == s["likely_original"].lower())
    return len(top), len(hits), right


def benchmark_articles(articles: list[Article], limit: int | None) -> list[Article]:
    """The first ``limit`` articles of 200+ words (all when None)."""
    return [a for a in articles if len(a.text.split()) >= MIN_BENCHMARK_WORDS][:limit]


def spin_benchmark(detector, articles: list[Article], thesaurus: Thesaurus, seed: int,
                   limit: int | None = 400) -> SpinBenchmark:
    """Score the first ``limit`` clean articles of 200+ words (all when None; those the detector
    declines as not English prose, such as tables of figures, left out) and their spun versions at
    each benchmark rate and policy; AUC and recall are per (policy, rate) against the same clean
    articles. A spun version the detector declines counts as missed."""
    chosen = benchmark_articles(articles, limit)
    articles = [a for a in chosen if detector.language(a.text).supported]
    clean, clean_thresholds = detector.spun_scores([a.text for a in articles])
    rng = random.Random(seed)
    scores, thresholds, subsets = [clean], [clean_thresholds], ["clean"] * len(clean)
    spans, declined = np.zeros(3, dtype=np.int64), 0
    for policy in BENCHMARK_POLICIES:
        for rate in BENCHMARK_RATES:
            name = f"{policy} {rate:.0%}"
            results = []
            for article in tqdm(articles, desc=f"test {name}", mininterval=5):
                spun = Spinner(thesaurus, rate=rate, policy=policy, seed=rng.randrange(1 << 30)).spin(article.text)
                results.append(detector.score(spun.text))
                spans += span_quality(results[-1], spun.changes)
            declined += sum(1 for r in results if not r["supported"])
            scores.append(np.array([r["category_scores"]["spun_text"] or 0.0 for r in results]))  # declined: missed
            thresholds.append(np.array([r["threshold"] for r in results]))
            subsets += [name] * len(articles)
    scores, thresholds, subsets = np.concatenate(scores), np.concatenate(thresholds), np.array(subsets)
    labels = (subsets != "clean").astype(float)
    metrics = spin_metrics(scores, labels, subsets, thresholds)
    metrics["spans"] = {"top_spans": int(spans[0]), "precision_at_10": float(spans[1] / max(1, spans[0])),
                        "original_accuracy": float(spans[2] / max(1, spans[1]))}
    metrics["declined"] = {"clean_articles_left_out": len(chosen) - len(articles), "spun_documents_missed": declined}
    article_of = np.tile(np.arange(len(articles)), len(subsets) // max(1, len(articles)))
    return SpinBenchmark(metrics, scores, labels, subsets, thresholds, articles, article_of)


def machine_paraphrase_benchmark(detector, translations: list, native: list[Article]) -> dict:
    """Machine-paraphrase metrics on test translations of 150+ words (all systems, systems seen
    and never seen in training, per language pair and per system) and on native news."""
    from detector.mt_training import HELD_OUT_SYSTEMS

    translations = [t for t in translations if len(t.text.split()) >= MIN_TRANSLATION_WORDS]
    scored = [(t, _machine_score(detector, t.text)) for t in tqdm(translations, desc="translations", mininterval=5)]
    translations = [t for t, score in scored if score is not None]  # not English: not scored
    scores = np.array([score for _, score in scored if score is not None])
    labels = np.array([t.label for t in translations])
    systems = np.array([t.system for t in translations])
    pairs = np.array([t.pair for t in translations])
    sources = np.array([t.source for t in translations])
    human = labels == 0
    threshold = detector.machine.threshold
    held_out = np.isin(systems, sorted(HELD_OUT_SYSTEMS))
    table = {"all systems": binary_metrics(scores, labels, threshold),
             "systems seen in training": binary_metrics(scores[~held_out], labels[~held_out], threshold),
             "held-out systems": binary_metrics(scores[human | held_out], labels[human | held_out], threshold)}
    table["by language pair"] = {p: binary_metrics(scores[pairs == p], labels[pairs == p], threshold)
                                 for p in sorted(set(pairs.tolist()))}
    table["by system"] = {}
    for system in sorted(set(systems[~human].tolist())):
        rows = (systems == system) | (human & np.isin(sources, sources[systems == system]))
        name = f"{system} (held out)" if system in HELD_OUT_SYSTEMS else system
        table["by system"][name] = binary_metrics(scores[rows], labels[rows], threshold)
    native_texts = [a.text for a in native if len(a.text.split()) >= MIN_TRANSLATION_WORDS]
    native_scores = np.array([score for text in tqdm(native_texts, desc="native news", mininterval=5)
                              if (score := _machine_score(detector, text)) is not None])
    table["native news"] = binary_metrics(native_scores, np.zeros(len(native_scores)), threshold)
    return table


def _machine_score(detector, text: str) -> float | None:
    return detector.score(text, return_spans=False)["category_scores"]["machine_paraphrase"]
