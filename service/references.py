"""``/v1/references``: manage the reference index of originals (when one is configured)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from service.api import json_body
from service.auth import require_api_key
from service.schemas import RequestError, check_budget, parse_batch

references = Blueprint("references", __name__, url_prefix="/v1/references")
references.before_request(require_api_key)


def _index():
    index = current_app.extensions["detector"].index
    if index is None:
        raise RequestError(404, "index_not_configured", "no reference index is configured (SPUN_DETECTOR_INDEX)")
    return index


@references.post("")
def add_references():
    batch = parse_batch(current_app.extensions["request_models"].references_batch, json_body())
    check_budget(batch.documents, current_app.extensions["settings"].max_request_chars)
    pairs = [(d.get("id"), d.get("text")) if isinstance(d, dict) else (None, None) for d in batch.documents]
    errors = _index().add_many(pairs)
    return jsonify({"added": len(pairs) - len(errors), "errors": errors})


@references.delete("/<path:document_id>")
def remove_reference(document_id: str):
    if not _index().remove(document_id):
        raise RequestError(404, "not_found", f"no reference with id {document_id!r}")
    return jsonify({"removed": document_id})


@references.get("/stats")
def reference_stats():
    return jsonify(_index().stats())
