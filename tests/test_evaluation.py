import numpy as np

from detector.evaluation.metrics import spin_metrics
from detector.evaluation.source_labels import doubtful_labels
from detector.evaluation.spin import BENCHMARK_POLICIES, BENCHMARK_RATES, SpinBenchmark, source_of, spin_benchmark
from detector.training.corpora import Article
from detector.training.thesaurus import Thesaurus
from tests.fixture_corpus import fixture_articles


def benchmark_of(sources: list[str], clean: list[float], spun: list[float], threshold: float = 0.5) -> SpinBenchmark:
    """Clean scores of some articles, then one spun row with a score for each of them."""
    scores = np.array(clean + spun)
    subsets = np.array(["clean"] * len(clean) + ["uniform 10%"] * len(spun))
    labels = (subsets != "clean").astype(float)
    thresholds = np.full(len(scores), threshold)
    metrics = spin_metrics(scores, labels, subsets, thresholds)
    articles = [Article(f"{source}:{i}", "text") for i, source in enumerate(sources)]
    return SpinBenchmark(metrics, scores, labels, subsets, thresholds, articles, np.tile(np.arange(len(clean)), 2))


def test_each_group_is_measured_against_its_own_clean_articles():
    benchmark = benchmark_of(["bbc", "bbc", "reuters", "reuters"], clean=[0.1, 0.6, 0.2, 0.3], spun=[0.9, 0.8, 0.4, 0.7])
    by_source = benchmark.metrics_by_group(source_of)
    assert by_source["bbc"]["clean"]["documents"] == 2
    assert by_source["bbc"]["clean"]["false_positive_rate"] == 0.5
    assert by_source["bbc"]["uniform 10%"]["recall"] == 1.0
    assert by_source["reuters"]["clean"]["false_positive_rate"] == 0.0
    assert by_source["reuters"]["uniform 10%"]["recall"] == 0.5
    assert by_source["reuters"]["uniform 10%"]["roc_auc"] == 1.0  # 0.4 and 0.7 above 0.2 and 0.3
    assert benchmark.metrics["uniform 10%"]["recall"] == 0.75


def test_one_group_of_every_article_gives_the_overall_metrics():
    benchmark = benchmark_of(["bbc"] * 3, clean=[0.1, 0.6, 0.2], spun=[0.9, 0.3, 0.4])
    assert benchmark.metrics_by_group(source_of)["bbc"] == benchmark.metrics


def test_articles_the_detector_declines_are_left_out_and_counted(detector):
    table = Article("reuters:table", " ".join(["1,234 5,678 9.1 12.3 net shr"] * 60))
    prose = [Article(f"fixture:{i}", text) for i, text in enumerate(fixture_articles(2, sentences_per_article=24, seed=5))]
    spin = spin_benchmark(detector, prose + [table], Thesaurus.load(), seed=1, limit=None)
    assert [a.id for a in spin.articles] == ["fixture:0", "fixture:1"]
    assert spin.metrics["declined"] == {"clean_articles_left_out": 1, "spun_documents_missed": 0}
    assert spin.metrics["clean"]["documents"] == 2 and spin.metrics["frequency 10%"]["documents"] == 4
    assert len(spin.scores) == len(spin.article_of) == 2 * (1 + len(BENCHMARK_RATES) * len(BENCHMARK_POLICIES))


def test_a_rewrite_filed_under_a_sibling_answer_is_doubtful():
    sources = {
        "q1-gpt1": "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen inside the leaves.",
        "q1-gpt2": "Plants grow towards light because a hormone gathers on the shaded side of the stem.",
        "q2-gpt1": "The bridge was closed for repairs after engineers found cracks in two steel supports.",
    }
    rewrite_of_gpt2 = "A hormone collects on the stem's shaded side, so plants grow in the direction of light."
    rewrite_of_gpt1 = "Inside leaves, photosynthesis converts sunlight, water and carbon dioxide to oxygen and sugar."
    rewrites = [(rewrite_of_gpt2, "q1-gpt1"), (rewrite_of_gpt1, "q1-gpt1"),
                ("Engineers found cracks, so the bridge closed for repairs.", "q2-gpt1")]
    assert doubtful_labels(rewrites, sources, group=lambda source_id: source_id.split("-")[0]) == {rewrite_of_gpt2}
