"""Models side by side on labeled documents (and on the project's held-out news): what
``spun-detector evaluate --model A --model B`` prints and what a refit's model card shows."""
from __future__ import annotations

import numpy as np

from detector.evaluation.metrics import metrics_by_subset
from detector.scoring import Detector

MEASURES = (("roc_auc", -1), ("recall", -1), ("false_positive_rate", +1))  # (measure, sign of a worse change)


def labeled_metrics(detector: Detector, records: list[dict]) -> dict:
    """Per attribute the model scores: metrics at its own thresholds, per ``subset`` and in all."""
    rows: dict[str, list] = {attribute: [] for attribute in detector.categories}
    for record in records:
        result = detector.score(record["text"], return_spans=False)
        if not result.supported:
            continue
        for attribute, label in record["labels"].items():
            if attribute in rows:
                rows[attribute].append((result.category_scores[attribute], label,
                                        record.get("subset", "all documents"), result.thresholds[attribute]))
    return {attribute: metrics_by_subset(*map(np.array, zip(*found))) for attribute, found in rows.items() if found}


def news_metrics(detector: Detector, articles: list, seed: int) -> dict:
    """The spin benchmark on held-out news: clean false positives and recall at 10% spinning."""
    from detector.evaluation.spin import spin_benchmark
    from detector.training.thesaurus import Thesaurus

    metrics = spin_benchmark(detector, articles, Thesaurus.load(), seed=seed, limit=None).metrics
    return {name: metrics[name] for name in ("clean", "uniform 10%", "frequency 10%") if name in metrics}


def compare_models(models: dict[str, Detector], records: list[dict], news: list, seed: int, worse_by: float) -> dict:
    """Every model on ``records`` and on ``news`` (when given); ``worse`` lists, in words, where the
    last model does worse than the first by more than ``worse_by``."""
    table = {"labeled": {name: labeled_metrics(detector, records) for name, detector in models.items()}}
    if news:
        table["project_news"] = {name: {"spun_text": news_metrics(detector, news, seed)}
                                 for name, detector in models.items()}
    first, last = list(models)[0], list(models)[-1]
    table["worse"] = [line for section, by_model in table.items()
                      for line in worse_lines(section, by_model[first], by_model[last], worse_by)]
    return table


def worse_lines(section: str, before: dict, after: dict, worse_by: float) -> list[str]:
    """Where ``after`` does worse than ``before``, one line each."""
    lines = []
    for attribute, subsets in after.items():
        for subset, metrics in subsets.items():
            old = before.get(attribute, {}).get(subset, {})
            for measure, sign in MEASURES:
                if metrics.get(measure) is None or old.get(measure) is None:
                    continue
                if sign * (metrics[measure] - old[measure]) > worse_by:
                    lines.append(f"{section}, {attribute}, {subset}: {measure} {old[measure]:.3f} -> "
                                 f"{metrics[measure]:.3f}")
    return lines
