"""Bearer-key authentication for every ``/v1`` route, when keys are configured."""
from __future__ import annotations

import hmac

from flask import current_app, request

from service.schemas import RequestError


def require_api_key() -> None:
    keys = current_app.extensions["api_keys"]
    if keys and not _offered_one_of(keys):
        raise RequestError(401, "unauthorized", "a valid 'Authorization: Bearer <key>' header is required")


def require_admin_key() -> None:
    """Administration needs an admin key, and is off where none is configured."""
    keys = current_app.extensions["admin_keys"]
    if not keys:
        raise RequestError(403, "administration_disabled", "no admin key is configured (SPUN_DETECTOR_ADMIN_KEYS)")
    if not _offered_one_of(keys):
        raise RequestError(401, "unauthorized", "a valid admin key is required: 'Authorization: Bearer <key>'")


def _offered_one_of(keys: list[bytes]) -> bool:
    header = request.headers.get("Authorization", "")
    offered = header[7:].encode() if header.startswith("Bearer ") else b""
    return any(hmac.compare_digest(offered, key) for key in keys)
