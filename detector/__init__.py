"""spun-detector: find spun (synonym-substituted) copies of news articles and show why."""
__version__ = "0.7.1"
