"""Validation of ``POST /v1/analyze`` bodies: whole-request problems raise ``RequestError``;
problems of one document become entries of ``errors`` and the rest of the batch goes on."""
from __future__ import annotations

from dataclasses import dataclass

from detector.scoring import CATEGORIES


class RequestError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass
class AnalyzeRequest:
    documents: list[dict]
    return_spans: bool
    thresholds: dict[str, float]
    client_token: str | None


def _fail(message: str) -> RequestError:
    return RequestError(422, "invalid_request", message)


def parse_analyze(body, max_documents: int) -> AnalyzeRequest:
    if not isinstance(body, dict):
        raise _fail("the body must be a JSON object")
    unknown = set(body) - {"documents", "return_spans", "thresholds", "client_token"}
    if unknown:
        raise _fail(f"unknown fields: {', '.join(sorted(unknown))}")
    documents = body.get("documents")
    if not isinstance(documents, list) or not documents:
        raise _fail("'documents' must be a non-empty list")
    if len(documents) > max_documents:
        raise RequestError(422, "too_many_documents",
                           f"{len(documents)} documents; at most {max_documents} per request")
    return_spans = body.get("return_spans", True)
    if not isinstance(return_spans, bool):
        raise _fail("'return_spans' must be true or false")
    thresholds = body.get("thresholds", {})
    if not isinstance(thresholds, dict) or set(thresholds) - set(CATEGORIES):
        raise _fail(f"'thresholds' may only set {', '.join(repr(c) for c in CATEGORIES)}")
    for category, threshold in thresholds.items():
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 1:
            raise _fail(f"'thresholds.{category}' must be a number between 0 and 1")
    client_token = body.get("client_token")
    if client_token is not None and (not isinstance(client_token, str) or len(client_token) > 200):
        raise _fail("'client_token' must be a string of at most 200 characters")
    return AnalyzeRequest(documents, return_spans, thresholds, client_token)


def document_problem(document, seen_ids: set) -> tuple[str | None, str, str] | None:
    """(id, code, message) when a batch entry cannot be scored for a reason of its own shape."""
    if not isinstance(document, dict):
        return None, "invalid_document", "each document must be an object with 'id' and 'text'"
    document_id = document.get("id")
    if not isinstance(document_id, str) or not document_id or len(document_id) > 256:
        return None, "invalid_id", "'id' must be a non-empty string of at most 256 characters"
    if document_id in seen_ids:
        return document_id, "duplicate_id", f"id {document_id!r} appears more than once in this request"
    language = document.get("language", "en")
    if language not in ("en", None, "auto"):
        return document_id, "unsupported_language", f"language {language!r} is not supported; only 'en'"
    return None
