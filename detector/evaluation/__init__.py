"""Evaluation: metrics and the benchmarks behind the published figures. Never imported when scoring."""
