"""``/v1/models``: which model answers, and swapping in a new one without downtime.

A reload reads the model again from the configured path (point it at a new model by replacing
the folder or a symlink). Under ``spun-detector serve`` it asks the gunicorn master (SIGHUP, which
an operator may also send): the master loads the new model, forks new workers with it and retires
the old ones once they have answered what they hold, so no request fails. In a single process
(the development server) the new model is loaded beside the old one and swapped in."""
from __future__ import annotations

import os
import signal
from datetime import datetime, timezone

from flask import Blueprint, Flask, current_app, jsonify

from detector.artifact import ArtifactError
from detector.scoring import Detector
from service.auth import require_admin_key, require_api_key
from service.schemas import RequestError

models = Blueprint("models", __name__, url_prefix="/v1/models")
MASTER_PID = "GUNICORN_MASTER_PID"  # app config: set in each gunicorn worker


@models.get("")
def list_models():
    require_api_key()
    detector = current_app.extensions["detector"]
    manifest = detector.manifest
    return jsonify({"models": [{"name": manifest["name"], "version": detector.version,
                                "path": current_app.extensions["model_source"]["path"],
                                "loaded_at": current_app.extensions["model_source"]["loaded_at"],
                                "categories": list(detector.categories), "thresholds": detector.threshold_table(),
                                "metrics": manifest["metrics"], "trained_at": manifest["training"]["trained_at"]}]})


@models.post("/reload")
def reload_model():
    require_admin_key()
    master = current_app.config.get(MASTER_PID)
    if master:
        os.kill(master, signal.SIGHUP)
        return jsonify({"status": "reloading", "model_version": current_app.extensions["detector"].version}), 202
    try:
        detector = load(current_app.extensions["settings"])
    except ArtifactError as exc:
        raise RequestError(500, "model_not_loaded", f"the model was not reloaded, the old one answers: {exc}") from None
    install(current_app._get_current_object(), detector)
    return jsonify({"status": "reloaded", "model_version": current_app.extensions["detector"].version})


def load(settings) -> Detector:
    return Detector.load(settings=settings, create_index=True)


def install(app: Flask, detector: Detector) -> None:
    """Make ``detector`` the one that answers: one assignment, so a request sees the old model or
    the new one, never a mix."""
    app.extensions["model_source"] = {"path": str(app.extensions["settings"].model_path),
                                      "loaded_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    app.extensions["detector"] = detector
