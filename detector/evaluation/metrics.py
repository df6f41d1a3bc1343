"""Metrics at the model threshold: per subset, and for spin benchmarks each spun subset against
the same clean documents."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score


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


def spin_metrics(scores: np.ndarray, labels: np.ndarray, subsets: np.ndarray, thresholds: np.ndarray) -> dict:
    """Metrics of the clean documents, and of each spun subset together with them."""
    clean = subsets == "clean"
    metrics = {"clean": binary_metrics(scores[clean], labels[clean], thresholds[clean])}
    for name in dict.fromkeys(subsets[~clean].tolist()):
        rows = clean | (subsets == name)
        metrics[name] = binary_metrics(scores[rows], labels[rows], thresholds[rows])
    return metrics
