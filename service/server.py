"""Production serving with gunicorn: the model loads in each worker after the fork."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class GunicornServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # in each worker, after the fork
        from threadpoolctl import threadpool_limits

        from service.app import create_app

        app = create_app()
        threadpool_limits(limits=1)  # workers share the cores: one BLAS thread each
        return app


def run_gunicorn(host: str, port: int, workers: int, timeout: int) -> int:
    GunicornServer({"bind": f"{host}:{port}", "workers": workers, "timeout": timeout,
                    "accesslog": None, "worker_class": "sync"}).run()
    return 0
