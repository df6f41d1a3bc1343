"""The spin benchmark behind the README figures: held-out articles spun by the project's spinner
with an unseen seed and unseen policies, with metrics by subset, source and length band."""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from detector.evaluation.metrics import spin_metrics
from detector.evidence import SubstitutionRecognizer
from detector.result import Result
from detector.training.corpora import Article
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus

BENCHMARK_RATES = (0.05, 0.10, 0.15, 0.20, 0.30, 0.50)
BENCHMARK_POLICIES = ("uniform", "frequency")
MIN_BENCHMARK_WORDS = 200
TOP_SPANS = 10


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


def span_quality(result: Result, changes: list) -> tuple[int, int, int]:
    """Among the top spans: how many cover a substituted token, and how many of those name the
    true original."""
    originals = {(c.begin, c.end): c.original.lower() for c in changes}
    starts = {c.begin: c for c in changes}
    top = [s for s in result.spans if s.kind in SubstitutionRecognizer.KIND_NAMES][:TOP_SPANS]
    hits = [s for s in top if s.begin in starts or any(c.begin <= s.begin < c.end for c in changes)]
    right = sum(1 for s in hits if originals.get((s.begin, s.end)) == s.likely_original.lower())
    return len(top), len(hits), right


def source_of(article: Article) -> str:
    """The corpus an article comes from (the part of its id before the colon)."""
    return article.id.split(":")[0]


def length_band(article: Article) -> str:
    words = len(article.text.split())
    return "200-399 words" if words < 400 else "400-799 words" if words < 800 else "800+ words"


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
            declined += sum(1 for r in results if not r.supported)
            scores.append(np.array([r.category_scores["spun_text"] or 0.0 for r in results]))  # declined: missed
            thresholds.append(np.array([r.thresholds["spun_text"] for r in results]))
            subsets += [name] * len(articles)
    scores, thresholds, subsets = np.concatenate(scores), np.concatenate(thresholds), np.array(subsets)
    labels = (subsets != "clean").astype(float)
    metrics = spin_metrics(scores, labels, subsets, thresholds)
    metrics["spans"] = {"top_spans": int(spans[0]), "precision_at_10": float(spans[1] / max(1, spans[0])),
                        "original_accuracy": float(spans[2] / max(1, spans[1]))}
    metrics["declined"] = {"clean_articles_left_out": len(chosen) - len(articles), "spun_documents_missed": declined}
    article_of = np.tile(np.arange(len(articles)), len(subsets) // max(1, len(articles)))
    return SpinBenchmark(metrics, scores, labels, subsets, thresholds, articles, article_of)
