"""What text can be scored or indexed. A document that cannot fails alone with a ``DocumentError``
that names a stable, machine-readable code."""
from __future__ import annotations

MAX_CONTROL_SHARE = 0.01
MAX_ID_CHARS = 256


class DocumentError(ValueError):
    """A single document cannot be scored; ``code`` is stable and machine-readable."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def check_text(text, max_chars: int) -> str:
    """Return ``text`` if it can be scored, otherwise raise a ``DocumentError`` saying why."""
    if not isinstance(text, str):
        raise DocumentError("not_a_string", f"text must be a string, not {type(text).__name__}")
    if not text.strip():
        raise DocumentError("empty_text", "text is empty or only whitespace")
    if len(text) > max_chars:
        raise DocumentError("too_long", f"text has {len(text):,} characters; the limit is {max_chars:,}")
    if not _encodable(text):
        raise DocumentError("invalid_unicode", "text contains a lone surrogate (U+D800-U+DFFF); it is not valid "
                                               "Unicode and cannot be encoded as UTF-8")
    control = sum(1 for ch in text if ch < " " and ch not in "\n\r\t")
    if "\x00" in text or control > MAX_CONTROL_SHARE * len(text):
        raise DocumentError("binary_content", "text contains control characters; it looks like binary data")
    return text


def check_id(document_id) -> str:
    """Return ``document_id`` if it can name a document, otherwise raise ``DocumentError('invalid_id')``."""
    if not isinstance(document_id, str) or not 0 < len(document_id) <= MAX_ID_CHARS or not _encodable(document_id):
        raise DocumentError("invalid_id", f"'id' must be a non-empty string of at most {MAX_ID_CHARS} characters")
    return document_id


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
