"""Request and scoring metrics in the Prometheus format, with ``prometheus_client``.

Under gunicorn every worker counts in its own files of a shared folder (the library's
multiprocess mode, switched on by ``PROMETHEUS_MULTIPROC_DIR`` before the library is imported), and
a scrape of any worker adds up all of them, so counters never go backwards between scrapes. A
single process (the development server, tests) counts in memory."""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

from service.server import MULTIPROCESS_DIR

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()  # one per app: tests build many apps in one process
        self.requests = Counter("spun_requests", "HTTP requests by route and status.", ["route", "status"],
                                registry=self.registry)
        self.latency = Histogram("spun_request_seconds", "Request latency.", ["route"], buckets=LATENCY_BUCKETS,
                                 registry=self.registry)
        self.documents = {outcome: Counter(f"spun_documents_{outcome}", help_text, registry=self.registry)
                          for outcome, help_text in (("scored", "Documents scored."),
                                                     ("flagged", "Documents flagged in any category."),
                                                     ("failed", "Documents rejected with a per-document error."))}

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        self.requests.labels(route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def observe_documents(self, scored: int, flagged: int, failed: int) -> None:
        for outcome, count in (("scored", scored), ("flagged", flagged), ("failed", failed)):
            self.documents[outcome].inc(count)

    def render(self) -> bytes:
        """The exposition of every process's counts (of this one alone outside multiprocess mode)."""
        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def worker_exited(pid: int) -> None:
    """Let the counts of a finished worker live on, but not its gauges (gunicorn's child_exit)."""
    if os.environ.get(MULTIPROCESS_DIR):
        multiprocess.mark_process_dead(pid)
