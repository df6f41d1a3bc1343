"""Production serving with gunicorn.

- The model loads once, in the master, before the port is bound (``preload_app``): a broken model
  or settings fail in one line before anything listens, and the forked workers share the model's
  arrays (copy-on-write) instead of loading one copy each.
- ``gthread`` workers: a slow client holds one thread, not a whole worker.
- Prometheus counts of all workers add up (``service.metrics``)."""
from __future__ import annotations

import os
import shutil
import tempfile

from gunicorn.app.base import BaseApplication

# prometheus_client reads this at import: it must be set before anything imports service.metrics.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"

KEEPALIVE_SECONDS = 5
GRACEFUL_TIMEOUT_SECONDS = 30


class GunicornServer(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application

    def reload(self) -> None:
        """On SIGHUP, in the master: load the model again before gunicorn forks the new workers,
        which start with it while the old ones finish what they hold. A model that cannot be loaded
        leaves the old one answering."""
        super().reload()
        from service.models import install, load

        try:
            detector = load(self.application.extensions["settings"])
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with the new model, keep serving the old
            self.application.logger.error("reload: keeping model %s: %s", self.application.extensions["detector"].version,
                                          " ".join(str(exc).split()))
            return
        install(self.application, detector)
        self.application.logger.warning("reload: model %s answers now", detector.version)


def _post_fork(server, worker) -> None:
    from threadpoolctl import threadpool_limits

    from service.models import MASTER_PID

    threadpool_limits(limits=1)  # workers share the cores: one BLAS thread each
    server.app.application.config[MASTER_PID] = os.getppid()


def _child_exit(server, worker) -> None:
    from service.metrics import worker_exited

    worker_exited(worker.pid)


def run_gunicorn(host: str, port: int, workers: int, threads: int, timeout: int) -> int:
    """Check the settings and load the model, then serve; a problem with either raises before the
    port is bound (the command line reports it in one line)."""
    metrics_dir = tempfile.mkdtemp(prefix="spun-detector-metrics-")
    os.environ[MULTIPROCESS_DIR] = metrics_dir  # before prometheus_client is imported

    def remove_metrics(server=None) -> None:
        shutil.rmtree(metrics_dir, ignore_errors=True)

    try:
        from detector.settings import Settings
        from service.app import create_app

        app = create_app(Settings.from_env())
    except BaseException:
        remove_metrics()
        raise
    # Removed by the master when it exits (on_exit), not in a finally block here: the workers are
    # forked inside run() and leave through this same stack, which would remove it under the others.
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads, "worker_class": "gthread",
               "timeout": timeout, "graceful_timeout": GRACEFUL_TIMEOUT_SECONDS, "keepalive": KEEPALIVE_SECONDS,
               "preload_app": True, "accesslog": None, "post_fork": _post_fork, "child_exit": _child_exit,
               "on_exit": remove_metrics}
    GunicornServer(app, options).run()
    return 0
