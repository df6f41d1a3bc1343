import numpy as np

from detector.evaluation import SpinBenchmark, spin_metrics


def benchmark_of(clean: list[float], spun: list[float], threshold: float = 0.5) -> SpinBenchmark:
    """Clean scores of some articles, then one spun row with a score for each of them."""
    scores = np.array(clean + spun)
    subsets = np.array(["clean"] * len(clean) + ["uniform 10%"] * len(spun))
    labels = (subsets != "clean").astype(float)
    thresholds = np.full(len(scores), threshold)
    metrics = spin_metrics(scores, labels, subsets, thresholds)
    articles = np.tile(np.arange(len(clean)), 2)
    return SpinBenchmark(metrics, scores, labels, subsets, thresholds, articles)


def test_each_group_is_measured_against_its_own_clean_articles():
    benchmark = benchmark_of(clean=[0.1, 0.6, 0.2, 0.3], spun=[0.9, 0.8, 0.4, 0.7])
    by_source = benchmark.metrics_by_group(["bbc", "bbc", "reuters", "reuters"])
    assert by_source["bbc"]["clean"]["documents"] == 2
    assert by_source["bbc"]["clean"]["false_positive_rate"] == 0.5
    assert by_source["bbc"]["uniform 10%"]["recall"] == 1.0
    assert by_source["reuters"]["clean"]["false_positive_rate"] == 0.0
    assert by_source["reuters"]["uniform 10%"]["recall"] == 0.5
    assert by_source["reuters"]["uniform 10%"]["roc_auc"] == 1.0  # 0.4 and 0.7 above 0.2 and 0.3
    assert benchmark.metrics["uniform 10%"]["recall"] == 0.75


def test_one_group_of_every_article_gives_the_overall_metrics():
    benchmark = benchmark_of(clean=[0.1, 0.6, 0.2], spun=[0.9, 0.3, 0.4])
    assert benchmark.metrics_by_group(["all"] * 3)["all"] == benchmark.metrics
