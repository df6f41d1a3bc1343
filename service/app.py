"""Application factory: ``create_app(settings)`` builds the scoring service around one Detector."""
from __future__ import annotations

import time

from flask import Flask, g, jsonify, request
from werkzeug.exceptions import HTTPException

from detector.scoring import Detector
from detector.settings import Settings
from service.api import api
from service.metrics import Metrics
from service.models import install, load, models
from service.ops import ops
from service.page import page
from service.references import references
from service.schemas import RequestError, request_models

DRAIN_FACTOR = 4  # an over-limit body is read up to this many times the limit before the answer
DRAIN_CHUNK = 1 << 16


def create_app(settings: Settings | None = None, detector: Detector | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False  # every method a route answers is in the OpenAPI document
    app.extensions["settings"] = settings
    install(app, detector or load(settings))
    app.extensions["api_keys"] = [key.encode() for key in settings.keys()]
    app.extensions["admin_keys"] = [key.encode() for key in settings.admin()]
    app.extensions["metrics"] = Metrics()
    app.extensions["request_models"] = request_models(settings)
    for blueprint in (api, models, references, ops, page):
        app.register_blueprint(blueprint)
    _register_errors(app)
    _register_timing(app)
    return app


def _drain_body(limit: int) -> None:
    """Read and drop what is left of an over-limit body, up to ``limit`` bytes, so that a client that
    sends its whole body before reading the answer gets the 413 instead of a broken pipe."""
    stream = request.environ.get("wsgi.input")
    while stream is not None and limit > 0:
        chunk = stream.read(min(DRAIN_CHUNK, limit))
        if not chunk:
            return
        limit -= len(chunk)


def _error(status: int, code: str, message: str):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _register_errors(app: Flask) -> None:
    @app.errorhandler(RequestError)
    def request_error(exc: RequestError):
        return _error(exc.status, exc.code, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        codes = {413: "body_too_large", 404: "not_found", 405: "method_not_allowed", 400: "bad_request"}
        if exc.code == 413:
            _drain_body(app.extensions["settings"].max_body_bytes * DRAIN_FACTOR)
        response = _error(exc.code or 500, codes.get(exc.code, "http_error"), exc.description or exc.name)
        response.headers.extend((name, value) for name, value in exc.get_headers() if name.lower() != "content-type")
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unexpected error on %s", request.path)  # the path only, never the body
        return _error(500, "internal_error", "the server failed to handle this request")


def _register_timing(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def record(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        app.extensions["metrics"].observe_request(route, response.status_code,
                                                  time.perf_counter() - g.get("started", time.perf_counter()))
        return response
