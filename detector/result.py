"""What scoring returns: one ``Result`` per document with its ``Span`` evidence and, with a
reference index, its ``Match`` es (with their ``Passage`` s). The library returns these objects; the command line and the
service write ``to_dict()``, and the service's OpenAPI document is generated from these classes."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

# "<kind>_wording": words a kind of rewriter favours (detector.rewriters); the kinds are those
# detector.training.rewrites names.
SpanKind = Literal["synonym", "numeral", "function_word", "tortured_phrase", "style_flip", "machine_translation",
                   "llm_polish_wording", "paraphraser_wording", "hidden_characters"]


@dataclass(frozen=True)
class Span:
    """A stretch of the text that gave the document away: ``text == document[begin:end]``."""

    begin: int
    end: int
    text: str
    likely_original: str  # the word that probably stood here ("" when the evidence names none)
    score: float  # for swaps, the probability that the word was swapped
    kind: SpanKind


@dataclass(frozen=True)
class Substitution:
    """A word (or a short phrase) of the source replaced in the query."""

    original: str
    replacement: str
    source_begin: int
    source_end: int
    begin: int
    end: int


@dataclass(frozen=True)
class Insertion:
    """Query text with no counterpart in the source."""

    begin: int
    end: int


@dataclass(frozen=True)
class Deletion:
    """Source text with no counterpart in the query."""

    source_begin: int
    source_end: int


@dataclass(frozen=True)
class Passage:
    """A sentence of the query aligned with the sentence of the source it was rewritten from.
    Passages come in text order; consecutive ones form the copied or reworded stretches."""

    begin: int  # offsets in the query
    end: int
    source_begin: int  # offsets in the source
    source_end: int
    similarity: float  # 0-1: the content terms (or, for spun text, the untouched word sequences) they share
    source_text: str  # source[source_begin:source_end]: the caller may not hold the source


MatchKind = Literal["copied", "spun", "paraphrased"]


@dataclass(frozen=True)
class Match:
    """An indexed original that the document was rewritten from, with the passages aligned sentence
    by sentence and, for spun and copied text, word by word."""

    source_id: str
    kind: MatchKind  # copied word for word, spun (words swapped one for one) or paraphrased (sentences reworded)
    copy_score: float  # aligned words of both texts over all their words (ranks the matches)
    coverage: float  # aligned share of the query's words
    source_coverage: float  # aligned share of the source's words
    substitution_rate: float  # substituted share of the aligned words (0 for paraphrased matches)
    substitutions: list[Substitution] = field(default_factory=list)  # spun and copied matches only
    insertions: list[Insertion] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Window:
    """The most suspicious stretch of a long document, which is scored window by window."""

    begin: int
    end: int
    score: float  # its spun_text score, which is the document's (before hidden-character evidence)


@dataclass(frozen=True)
class Result:
    """The scores of one document. ``categories`` says which attributes reach their threshold;
    ``flagged`` is true when any does. A document that is not English prose gets
    ``supported: false``, a ``reason`` and no scores."""

    id: str | None
    flagged: bool
    categories: dict[str, bool]
    category_scores: dict[str, float | None]
    thresholds: dict[str, float]
    spans: list[Span]
    signals: dict[str, float]
    num_words: int
    language: str
    supported: bool
    model_version: str
    reason: str | None = None
    matches: list[Match] | None = None  # only with a reference index
    most_suspicious: Window | None = None  # only for documents scored in windows (over 2,000 words)

    def to_dict(self) -> dict:
        """The JSON form; ``reason``, ``matches`` and ``most_suspicious`` only when present."""
        return {key: value for key, value in asdict(self).items()
                if value is not None or key not in ("reason", "matches", "most_suspicious")}
