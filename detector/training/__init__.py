"""Training: everything that fits a model (statistics, context model, token and document models,
thresholds) and writes the artifact the scoring path reads. Never imported when scoring."""
