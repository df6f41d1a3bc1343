"""Request and scoring metrics in the Prometheus text format (per worker process)."""
from __future__ import annotations

import threading
from collections import Counter

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: Counter = Counter()
        self.latency_buckets: Counter = Counter()
        self.latency_sum: Counter = Counter()
        self.latency_count: Counter = Counter()
        self.documents = Counter()

    def observe_request(self, route: str, status: int, seconds: float) -> None:
        with self.lock:
            self.requests[(route, status)] += 1
            self.latency_sum[route] += seconds
            self.latency_count[route] += 1
            for bound in LATENCY_BUCKETS:
                if seconds <= bound:
                    self.latency_buckets[(route, bound)] += 1

    def observe_documents(self, scored: int, flagged: int, failed: int) -> None:
        with self.lock:
            self.documents.update(scored=scored, flagged=flagged, failed=failed)

    def render(self) -> str:
        lines = ["# HELP spun_requests_total HTTP requests by route and status.",
                 "# TYPE spun_requests_total counter"]
        with self.lock:
            for (route, status), n in sorted(self.requests.items()):
                lines.append(f'spun_requests_total{{route="{route}",status="{status}"}} {n}')
            lines += ["# HELP spun_request_seconds Request latency.", "# TYPE spun_request_seconds histogram"]
            for route in sorted(self.latency_count):
                for bound in LATENCY_BUCKETS:
                    lines.append(f'spun_request_seconds_bucket{{route="{route}",le="{bound}"}} '
                                 f'{self.latency_buckets[(route, bound)]}')
                lines.append(f'spun_request_seconds_bucket{{route="{route}",le="+Inf"}} {self.latency_count[route]}')
                lines.append(f'spun_request_seconds_sum{{route="{route}"}} {self.latency_sum[route]:.6f}')
                lines.append(f'spun_request_seconds_count{{route="{route}"}} {self.latency_count[route]}')
            for name, help_text in (("scored", "Documents scored."), ("flagged", "Documents flagged in any category."),
                                    ("failed", "Documents rejected with a per-document error.")):
                lines += [f"# HELP spun_documents_{name}_total {help_text}",
                          f"# TYPE spun_documents_{name}_total counter",
                          f"spun_documents_{name}_total {self.documents[name]}"]
        return "\n".join(lines) + "\n"
