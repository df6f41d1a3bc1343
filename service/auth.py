"""Bearer-key authentication for every ``/v1`` route, when keys are configured."""
from __future__ import annotations

import hmac

from flask import current_app, request

from service.schemas import RequestError


def require_api_key() -> None:
    keys = current_app.extensions["api_keys"]
    if not keys:
        return None
    header = request.headers.get("Authorization", "")
    offered = header[7:].encode() if header.startswith("Bearer ") else b""
    if not any(hmac.compare_digest(offered, key) for key in keys):
        raise RequestError(401, "unauthorized", "a valid 'Authorization: Bearer <key>' header is required")
    return None
