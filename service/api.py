"""``/v1``: batch analysis and model information, behind optional bearer-key authentication."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request

from detector.inputs import DocumentError
from service.auth import require_api_key
from service.schemas import RequestError, document_problem, parse_analyze

api = Blueprint("api", __name__, url_prefix="/v1")


api.before_request(require_api_key)


def json_body():
    if not request.is_json:
        raise RequestError(415, "unsupported_media_type", "send the body as application/json")
    try:
        return json.loads(request.get_data())
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to be a real request
        raise RequestError(400, "malformed_json", "the body is not valid JSON") from None


def _result(detector, document: dict, parsed) -> dict:
    return detector.score(document.get("text"), document["id"], parsed.thresholds, parsed.return_spans).to_dict()


@api.post("/analyze")
def analyze():
    parsed = parse_analyze(json_body(), current_app.extensions["settings"].max_documents)
    detector = current_app.extensions["detector"]
    results, errors, seen = [], [], set()
    for document in parsed.documents:
        problem = document_problem(document, seen)
        if problem:
            errors.append(dict(zip(("id", "code", "message"), problem)))
            continue
        seen.add(document["id"])
        try:
            results.append(_result(detector, document, parsed))
        except DocumentError as exc:
            errors.append({"id": document["id"], "code": exc.code, "message": str(exc)})
    current_app.extensions["metrics"].observe_documents(len(results), sum(r["flagged"] for r in results), len(errors))
    return jsonify({"model": detector.manifest["name"], "model_version": detector.version,
                    "client_token": parsed.client_token, "results": results, "errors": errors})


@api.get("/models")
def models():
    detector = current_app.extensions["detector"]
    manifest = detector.manifest
    return jsonify({"models": [{"name": manifest["name"], "version": detector.version,
                                "categories": list(detector.categories), "thresholds": detector.threshold_table(),
                                "metrics": manifest["metrics"], "trained_at": manifest["training"]["trained_at"]}]})
