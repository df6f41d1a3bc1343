"""OpenAPI 3.1 description of every route; a test validates real responses against it."""
from __future__ import annotations

from detector import __version__
from detector.scoring import CATEGORIES

NUMBER_OR_NULL = {"type": ["number", "null"]}
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
SPAN = {"type": "object", "required": ["begin", "end", "text", "likely_original", "score", "kind"],
        "properties": {"begin": {"type": "integer"}, "end": {"type": "integer"}, "text": {"type": "string"},
                       "likely_original": {"type": "string"}, "score": {"type": "number"},
                       "kind": {"enum": ["synonym", "numeral", "function_word", "tortured_phrase", "style_flip",
                                                 "machine_translation"]}}}
MATCH = {"type": "object", "required": ["source_id", "copy_score", "coverage", "substitution_rate", "substitutions"],
         "properties": {"source_id": {"type": "string"}, "copy_score": {"type": "number"},
                        "coverage": {"type": "number"}, "substitution_rate": {"type": "number"},
                        "substitutions": {"type": "array", "items": {"type": "object", "required": [
                            "original", "replacement", "source_begin", "source_end", "begin", "end"]}},
                        "insertions": {"type": "array"}, "deletions": {"type": "array"}}}
RESULT = {
    "type": "object",
    "required": ["id", "flagged", "categories", "category_scores", "thresholds", "spans", "signals",
                 "num_words", "language", "supported"],
    "properties": {
        "id": {"type": "string"}, "flagged": {"type": "boolean"},
        # spun_text always; machine_paraphrase unless the server switched it off
        "categories": {"type": "object", "required": ["spun_text"],
                       "properties": {c: {"type": "boolean"} for c in CATEGORIES}},
        "category_scores": {"type": "object", "required": ["spun_text"],
                            "properties": {c: NUMBER_OR_NULL for c in CATEGORIES}},
        "thresholds": {"type": "object", "required": ["spun_text"],
                       "properties": {c: {"type": "number"} for c in CATEGORIES}},
        "spans": {"type": "array", "items": SPAN}, "signals": {"type": "object"},
        "num_words": {"type": "integer"}, "language": {"type": "string"}, "supported": {"type": "boolean"},
        "reason": {"type": "string"}, "matches": {"type": "array", "items": MATCH},
    },
}
DOCUMENT_ERROR = {"type": "object", "required": ["id", "code", "message"],
                  "properties": {"id": {"type": ["string", "null"]}, "code": {"type": "string"},
                                 "message": {"type": "string"}}}
ANALYZE_REQUEST = {
    "type": "object", "required": ["documents"], "additionalProperties": False,
    "properties": {
        "documents": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["id", "text"],
            "properties": {"id": {"type": "string"}, "text": {"type": "string"}, "language": {"type": "string"}}}},
        "return_spans": {"type": "boolean", "default": True},
        "thresholds": {"type": "object", "additionalProperties": False,
                       "properties": {c: {"type": "number", "minimum": 0, "maximum": 1} for c in CATEGORIES}},
        "client_token": {"type": "string", "maxLength": 200},
    },
}
ANALYZE_RESPONSE = {
    "type": "object", "required": ["model", "model_version", "client_token", "results", "errors"],
    "properties": {"model": {"type": "string"}, "model_version": {"type": "string"},
                   "client_token": {"type": ["string", "null"]},
                   "results": {"type": "array", "items": RESULT}, "errors": {"type": "array", "items": DOCUMENT_ERROR}},
}
MODELS_RESPONSE = {"type": "object", "required": ["models"], "properties": {"models": {"type": "array", "items": {
    "type": "object", "required": ["name", "version", "thresholds", "metrics"],
    "properties": {"name": {"type": "string"}, "version": {"type": "string"}, "categories": {"type": "array"},
                   "thresholds": {"type": "object", "required": ["spun_text"], "properties": {
                       "spun_text": {"type": "array", "description": "by document length: a band runs from its min_words to the next",
                                     "items": {"type": "object", "required": ["min_words", "threshold"],
                                               "properties": {"min_words": {"type": "integer"}, "threshold": {"type": "number"}}}},
                       "machine_paraphrase": {"type": "number"}}},
                   "metrics": {"type": "object"}, "trained_at": {"type": "string"}}}}}}
REFERENCES_REQUEST = {"type": "object", "required": ["documents"], "properties": {"documents": {
    "type": "array", "minItems": 1, "items": {"type": "object", "required": ["id", "text"],
                                              "properties": {"id": {"type": "string"}, "text": {"type": "string"}}}}}}
REFERENCES_RESPONSE = {"type": "object", "required": ["added", "errors"],
                       "properties": {"added": {"type": "integer"}, "errors": {"type": "array", "items": DOCUMENT_ERROR}}}
INDEX_STATS = {"type": "object", "required": ["backend", "documents", "bytes"],
               "properties": {"backend": {"type": "string"}, "documents": {"type": "integer"}, "bytes": {"type": "integer"}}}
STATUS = {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"},
                                                                   "model_version": {"type": "string"}}}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    return {str(status): _json({"$ref": "#/components/schemas/Error"}, "error") for status in statuses}


def openapi_document() -> dict:
    secured = [{"bearer": []}]
    return {
        "openapi": "3.1.0",
        "info": {"title": "spun-detector", "version": __version__,
                 "description": "Scores English news articles for spinning (synonym substitution)."},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR, "AnalyzeRequest": ANALYZE_REQUEST, "AnalyzeResponse": ANALYZE_RESPONSE,
                        "Result": RESULT, "Span": SPAN, "ModelsResponse": MODELS_RESPONSE, "Status": STATUS},
        },
        "paths": {
            "/v1/analyze": {"post": {
                "summary": "Score a batch of documents", "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AnalyzeRequest"}}}},
                "responses": {"200": _json({"$ref": "#/components/schemas/AnalyzeResponse"}, "scores"),
                              **_errors(400, 401, 413, 415, 422)}}},
            "/v1/models": {"get": {"summary": "The loaded model", "security": secured,
                                   "responses": {"200": _json({"$ref": "#/components/schemas/ModelsResponse"}, "model"),
                                                 **_errors(401)}}},
            "/v1/references": {"post": {
                "summary": "Add originals to the reference index (idempotent by id)", "security": secured,
                "requestBody": {"required": True, "content": {"application/json": {"schema": REFERENCES_REQUEST}}},
                "responses": {"200": _json(REFERENCES_RESPONSE, "added"), **_errors(400, 401, 404, 413, 415, 422)}}},
            "/v1/references/{document_id}": {"delete": {
                "summary": "Remove an original", "security": secured,
                "parameters": [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"type": "object", "properties": {"removed": {"type": "string"}}}, "removed"),
                              **_errors(401, 404)}}},
            "/v1/references/stats": {"get": {
                "summary": "Size of the reference index", "security": secured,
                "responses": {"200": _json(INDEX_STATS, "stats"), **_errors(401, 404)}}},
            "/healthz": {"get": {"summary": "Liveness", "responses": {
                "200": _json({"$ref": "#/components/schemas/Status"}, "alive")}}},
            "/readyz": {"get": {"summary": "Readiness: the model is loaded", "responses": {
                "200": _json({"$ref": "#/components/schemas/Status"}, "ready"),
                "503": _json({"$ref": "#/components/schemas/Status"}, "loading")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {
                "200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": _json({"type": "object"}, "OpenAPI 3.1 document")}}},
            "/": {"get": {"summary": "Moderator page", "responses": {
                "200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
    }
