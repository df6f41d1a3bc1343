"""Held-out articles for the benchmarks: the recipe's test pool, which neither the statistics nor
the classifiers ever read."""
from __future__ import annotations

import random

from detector.evaluation.spin import benchmark_articles
from detector.training.recipe import classifier_pools, default_config


def sampled_test_articles(data: str, limit: int | None, seed: int) -> list[str]:
    """Texts of ``limit`` held-out test articles of 200+ words, in an order shuffled by ``seed``
    (the corpora's own order puts one source first)."""
    test = list(classifier_pools(default_config(data, output="unused")).test)
    random.Random(seed).shuffle(test)
    return [a.text for a in benchmark_articles(test, limit)]
