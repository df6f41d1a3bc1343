"""``/v1``: batch analysis and model information, behind optional bearer-key authentication."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from detector.inputs import DocumentError as ScoringError
from service.auth import require_api_key
from service.schemas import DocumentFailure, RequestError, check_budget, document_problem, parse_batch

api = Blueprint("api", __name__, url_prefix="/v1")


api.before_request(require_api_key)


def json_body():
    if not request.is_json:
        raise RequestError(415, "unsupported_media_type", "send the body as application/json")
    try:
        return json.loads(read_body(current_app.extensions["settings"].max_body_bytes))
    except (ValueError, RecursionError):  # RecursionError: nesting too deep to be a real request
        raise RequestError(400, "malformed_json", "the body is not valid JSON") from None


def read_body(limit: int) -> bytes:
    """The request body, at most ``limit`` bytes: a declared length over the limit is refused before
    reading, and a chunked body as soon as it passes the limit (413 either way)."""
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    # A declared length: werkzeug's stream stops there. Chunked: the server's own input ends with the
    # body (werkzeug's stream would stop silently at the limit, and the JSON look malformed).
    stream = request.stream if request.content_length is not None else request.environ["wsgi.input"]
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestEntityTooLarge()
    return body


@api.post("/analyze")
def analyze():
    models = current_app.extensions["request_models"]
    batch = parse_batch(models.analyze_batch, json_body())
    check_budget(batch.documents, current_app.extensions["settings"].max_request_chars)
    detector = current_app.extensions["detector"]
    results, errors, seen = [], [], set()
    for position, document in enumerate(batch.documents):
        problem = document_problem(models, position, document, seen)
        if problem:
            errors.append(problem.model_dump())
            continue
        seen.add(document["id"])
        try:
            results.append(detector.score(document["text"], document["id"], batch.thresholds,
                                          batch.return_spans).to_dict())
        except ScoringError as exc:
            errors.append(DocumentFailure(index=position, id=document["id"], code=exc.code,
                                          message=str(exc)).model_dump())
    current_app.extensions["metrics"].observe_documents(len(results), sum(r["flagged"] for r in results), len(errors))
    return jsonify({"model": detector.manifest["name"], "model_version": detector.version,
                    "client_token": batch.client_token, "results": results, "errors": errors})
