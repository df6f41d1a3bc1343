"""OpenAPI 3.1 description of every route, generated from the models that validate requests
(``service.schemas``, with the configured limits) and from the result type the library returns
(``detector.result``). A test validates real responses against it."""
from __future__ import annotations

from pydantic import TypeAdapter

from detector import __version__
from detector.settings import Settings
from service.schemas import (
    AnalyzeResponse,
    Error,
    IndexStats,
    ModelsResponse,
    ReferencesResponse,
    ReloadResponse,
    Status,
    request_models,
)

REF = "#/components/schemas/{model}"


def component_schemas(settings: Settings) -> dict:
    """Every request and response schema, keyed by name, references between them resolved
    within ``components``."""
    models = request_models(settings)
    named = {"AnalyzeRequest": (models.analyze, "validation"), "ReferencesRequest": (models.references, "validation"),
             "AnalyzeResponse": (AnalyzeResponse, "serialization"), "ModelsResponse": (ModelsResponse, "serialization"),
             "ReloadResponse": (ReloadResponse, "serialization"),
             "ReferencesResponse": (ReferencesResponse, "serialization"), "IndexStats": (IndexStats, "serialization"),
             "Status": (Status, "serialization"), "Error": (Error, "serialization")}
    _, top = TypeAdapter.json_schemas([(name, mode, TypeAdapter(model)) for name, (model, mode) in named.items()],
                                      ref_template=REF)
    return top["$defs"]


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


def _errors(*statuses: int) -> dict:
    return {str(status): _json("Error", "error") for status in statuses}


def _body(name: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": REF.format(model=name)}}}}


def _remove(secured: list, summary: str, with_parameter: bool) -> dict:
    parameters = [{"name": "document_id", "in": "path", "required": True, "schema": {"type": "string"}}]
    return {"summary": summary, "security": secured, "parameters": parameters if with_parameter else [],
            "responses": {"200": {"description": "removed", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"removed": {"type": "string"}}}}}}, **_errors(401, 404)}}


def openapi_document(settings: Settings | None = None) -> dict:
    settings = settings or Settings.from_env()
    secured = [{"bearer": []}] if settings.keys() else []  # the routes need a key only where keys are configured
    text = {"200": {"description": "text", "content": {"text/plain": {"schema": {"type": "string"}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "spun-detector", "version": __version__,
                 "description": "Scores English text for spinning (synonym substitution) and machine paraphrase, "
                                "and shows the evidence word by word."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": component_schemas(settings)},
        "paths": {
            "/v1/analyze": {"post": {
                "summary": "Score a batch of documents", "security": secured, "requestBody": _body("AnalyzeRequest"),
                "responses": {"200": _json("AnalyzeResponse", "scores"), **_errors(400, 401, 413, 415, 422)}}},
            "/v1/models": {"get": {"summary": "The model that answers", "security": secured,
                                   "responses": {"200": _json("ModelsResponse", "model"), **_errors(401)}}},
            "/v1/models/reload": {"post": {
                "summary": "Load the model again from its path, without downtime (needs an admin key)",
                "security": [{"bearer": []}] if settings.admin() else [],
                "responses": {"200": _json("ReloadResponse", "reloaded in this process"),
                              "202": _json("ReloadResponse", "the server's master is reloading"),
                              **_errors(401, 403, 500)}}},
            "/v1/references": {"post": {
                "summary": "Add originals to the reference index (idempotent by id)", "security": secured,
                "requestBody": _body("ReferencesRequest"),
                "responses": {"200": _json("ReferencesResponse", "added"), **_errors(400, 401, 404, 413, 415, 422)}}},
            "/v1/references/{document_id}": {"delete": _remove(secured, "Remove an original", with_parameter=True)},
            "/v1/references/stats": {
                "get": {"summary": "Size of the reference index", "security": secured,
                        "responses": {"200": _json("IndexStats", "stats"), **_errors(401, 404)}},
                # the path of a document whose id is "stats": the route above answers it
                "delete": _remove(secured, "Remove the original whose id is 'stats'", with_parameter=False)},
            "/healthz": {"get": {"summary": "Liveness", "responses": {"200": _json("Status", "alive")}}},
            "/readyz": {"get": {"summary": "Readiness: the model is loaded", "responses": {
                "200": _json("Status", "ready"), "503": _json("Status", "loading")}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": text}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {
                "200": {"description": "OpenAPI 3.1 document",
                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/": {"get": {"summary": "Moderator page", "responses": {
                "200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}}},
        },
    }
