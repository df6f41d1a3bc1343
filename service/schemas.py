"""The request and response models of the API, with the configured limits. One set of definitions
serves both: requests are validated against them, and the OpenAPI document (``service.openapi``)
is generated from them, so the document states the limits that validation applies.

Whole-request problems raise ``RequestError``. A batch entry is validated on its own: its problems
become entries of ``errors`` and the rest of the batch goes on."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from detector.result import Result
from detector.scoring import CATEGORIES
from detector.settings import Settings

MAX_ID_CHARS = 256
MAX_CLIENT_TOKEN_CHARS = 200
Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Probability = Annotated[float, Field(ge=0, le=1, strict=True)]


class RequestError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


class DocumentFailure(BaseModel):
    """A document of the request that could not be scored (or stored), and why."""

    index: int = Field(description="the document's position in the request's 'documents', from 0")
    id: str | None
    code: str
    message: str


class ModelInfo(BaseModel):
    name: str
    version: str
    path: str = Field(description="where the model was loaded from")
    loaded_at: str = Field(description="when this process (or the server's master) loaded it, UTC")
    categories: list[Category]
    thresholds: dict[str, Any] = Field(description="spun_text: by document length, [{min_words, threshold}] (a band "
                                                   "runs to the next min_words); machine_paraphrase: one value")
    metrics: dict[str, Any]
    trained_at: str


class ModelsResponse(BaseModel):
    models: list[ModelInfo]


class ReloadResponse(BaseModel):
    status: Literal["reloaded", "reloading"] = Field(description="reloading: the server's master loads it and "
                                                                 "replaces its workers; GET /v1/models tells when")
    model_version: str


class AnalyzeResponse(BaseModel):
    model: str
    model_version: str
    client_token: str | None
    results: list[Result]
    errors: list[DocumentFailure]


class ReferencesResponse(BaseModel):
    added: int
    errors: list[DocumentFailure]


class IndexStats(BaseModel):
    backend: str
    documents: int
    bytes: int


class Status(BaseModel):
    status: str
    model_version: str | None = None


class ErrorBody(BaseModel):
    code: str
    message: str


class Error(BaseModel):
    error: ErrorBody


@dataclass(frozen=True)
class RequestModels:
    """The request models under one set of limits."""

    document: type[BaseModel]
    analyze: type[BaseModel]
    references: type[BaseModel]
    analyze_batch: type[BaseModel]  # the same requests before their documents are validated one by one
    references_batch: type[BaseModel]


def request_models(settings: Settings) -> RequestModels:
    """The request models with the limits of ``settings``."""
    Text = Annotated[str, Field(max_length=settings.max_document_chars)]
    DocumentId = Annotated[str, Field(min_length=1, max_length=MAX_ID_CHARS)]

    class Document(BaseModel):
        model_config = ConfigDict(title="Document")
        id: DocumentId
        text: Text
        language: Literal["en", "auto"] | None = Field("en", description="only English is supported")

    def documents(item):
        return Annotated[list[item], Field(min_length=1, max_length=settings.max_documents,
                                           description=f"at most {settings.max_request_chars:,} characters of text "
                                                       f"in all (413 too_many_characters)")]

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")
        return_spans: StrictBool = True
        thresholds: dict[Category, Probability] = Field(default_factory=dict,
                                                        description="overrides the model's, for every length")
        client_token: Annotated[str, Field(max_length=MAX_CLIENT_TOKEN_CHARS)] | None = None

    class AnalyzeRequest(Options):
        documents: documents(Document)

    class Batch(Options):
        documents: documents(Any)

    class ReferencesRequest(BaseModel):
        documents: documents(Document)

    class ReferencesBatch(BaseModel):
        documents: documents(Any)

    return RequestModels(Document, AnalyzeRequest, ReferencesRequest, Batch, ReferencesBatch)


def parse_batch(model: type[BaseModel], body) -> BaseModel:
    """The request's options and its raw documents (``model`` is one of the ``*_batch`` models),
    or a ``RequestError`` for the whole request."""
    if not isinstance(body, dict):
        raise RequestError(422, "invalid_request", "the body must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["loc"] == ("documents",) and first["type"] == "too_long":
            raise RequestError(422, "too_many_documents", f"{len(body['documents'])} documents; at most "
                                                          f"{first['ctx']['max_length']} per request") from None
        raise RequestError(422, "invalid_request", _message(first)) from None


def check_budget(documents: list, max_chars: int) -> None:
    """Refuse a request whose texts add up to more than ``max_chars`` characters: its scoring time
    and memory would be out of bounds, however many documents carry them."""
    total = sum(len(d["text"]) for d in documents if isinstance(d, dict) and isinstance(d.get("text"), str))
    if total > max_chars:
        raise RequestError(413, "too_many_characters", f"the texts have {total:,} characters in all; at most "
                                                       f"{max_chars:,} per request")


DOCUMENT_ERROR_CODES = {  # (field, pydantic error type) -> our code; None matches any type
    ("id", None): "invalid_id",
    ("text", "missing"): "missing_text",
    ("text", "string_too_long"): "too_long",
    ("text", "string_unicode"): "invalid_unicode",
    ("text", None): "not_a_string",
    ("language", None): "unsupported_language",
}


def document_problem(models: RequestModels, position: int, document, seen_ids: set) -> DocumentFailure | None:
    """Why the batch entry at ``position`` cannot be scored, or None."""
    if not isinstance(document, dict):
        return DocumentFailure(index=position, id=None, code="invalid_document",
                               message="each document must be an object with 'id' and 'text'")
    document_id = document.get("id") if isinstance(document.get("id"), str) else None
    try:
        models.document.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0])
        code = DOCUMENT_ERROR_CODES.get((field, first["type"])) or DOCUMENT_ERROR_CODES.get((field, None), "invalid")
        return DocumentFailure(index=position, id=None if field == "id" else document_id, code=code,
                               message=_message(first))
    if document_id in seen_ids:
        return DocumentFailure(index=position, id=document_id, code="duplicate_id",
                               message=f"id {document_id!r} appears more than once in this request")
    return None


def _message(error: dict) -> str:
    where = ".".join(str(part) for part in error["loc"])
    return f"'{where}': {error['msg']}" if where else error["msg"]
