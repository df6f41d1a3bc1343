"""One settings object for the library, command line and service, read from ``SPUN_DETECTOR_*``
environment variables with defaults that work on a fresh install."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = PACKAGE_ROOT / "models" / "spun-detector-v1"


@dataclass(frozen=True)
class Settings:
    model_path: str = str(DEFAULT_MODEL)
    tortured_phrases: str = ""    # CSV of tortured phrases instead of the list the model was trained with
    max_document_chars: int = 2_000_000
    span_min_score: float = 0.5
    max_spans: int = 100
    index: str = ""               # reference index: SQLite path or redis:// URL; empty means none
    machine_paraphrase: bool = True  # score the machine_paraphrase attribute (a third to over half of scoring time)
    # service
    api_keys: str = ""            # comma-separated bearer keys; empty means no authentication
    api_keys_file: str = ""       # file with one key a line, added to api_keys
    admin_keys: str = ""          # comma-separated keys for administration (model reload); empty: disabled
    max_documents: int = 1000     # documents per request
    max_body_bytes: int = 8_000_000
    max_request_chars: int = 2_000_000  # characters of text in one request: bounds its time and memory

    def admin(self) -> list[str]:
        """The configured admin keys (model reload); none means administration is off."""
        return [k.strip() for k in self.admin_keys.split(",") if k.strip()]

    def keys(self) -> list[str]:
        """All configured API keys, from the variable and the key file."""
        keys = [k.strip() for k in self.api_keys.split(",") if k.strip()]
        if self.api_keys_file:
            try:
                keys += [k.strip() for k in Path(self.api_keys_file).read_text().splitlines() if k.strip()]
            except (OSError, UnicodeDecodeError) as exc:
                raise SettingsError(f"SPUN_DETECTOR_API_KEYS_FILE {self.api_keys_file}: cannot read it ({exc})") from None
        return keys

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Settings from ``SPUN_DETECTOR_<FIELD>`` variables; explicit overrides win."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            name = f"SPUN_DETECTOR_{f.name.upper()}"
            raw = environ.get(name)
            if raw is not None:
                try:
                    values[f.name] = _parse(raw, type(getattr(cls(), f.name)))
                except ValueError as exc:
                    raise SettingsError(f"{name}={raw!r}: {exc}") from None
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _parse(raw: str, kind: type):
    """An environment value as the field's type; booleans accept only the usual words."""
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError("expected a whole number") from None
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ValueError("expected a number") from None
    if kind is not bool:
        return kind(raw)
    word = raw.strip().lower()
    if word not in TRUE_WORDS + FALSE_WORDS:
        raise ValueError(f"expected true or false, not {raw!r}")
    return word in TRUE_WORDS
