"""Operational routes: liveness, readiness, Prometheus metrics and the OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from service.metrics import CONTENT_TYPE
from service.openapi import openapi_document

ops = Blueprint("ops", __name__)


@ops.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@ops.get("/readyz")
def readyz():
    detector = current_app.extensions.get("detector")
    if detector is None:
        return jsonify({"status": "loading"}), 503
    return jsonify({"status": "ready", "model_version": detector.version})


@ops.get("/metrics")
def metrics():
    return Response(current_app.extensions["metrics"].render(), content_type=CONTENT_TYPE)


@ops.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.extensions["settings"]))
