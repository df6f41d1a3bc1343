"""Sentences as the alignment sees them: character offsets, the content terms each holds, and
whether it is a quotation. A paraphrase keeps a source's sentences in order and rewords each;
comparing sentence by sentence is what tells a rewrite from an independent report of the same
event, which shares the names, numbers and quotations but says the rest in sentences of its own."""
from __future__ import annotations

import re
import zlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from detector.reference.fingerprints import immutable_forms
from detector.reference.terms import token_terms
from detector.text import Token

if TYPE_CHECKING:
    from detector.reference.synonyms import SynonymTable

MIN_TERMS = 4  # a shorter piece (a dateline, a heading, "Gov. Chris Christie and") joins the sentence after it
SHINGLE = 4
MAX_TOKENS = 80  # a longer run without sentence ends (a list, unpunctuated text) is cut into pieces
ENDS = frozenset(".!?")
CLOSING = frozenset("\"'”’)")
STOPS = ENDS | CLOSING  # a sentence ends only after one of these
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof gov sen rep gen lt col sgt capt cmdr adm st jr sr inc corp co ltd no vs mt ft rev hon pres dept
univ jan feb mar apr jun jul aug sep sept oct nov dec ala ariz ark calif colo conn fla ga ill ind kan ky la md
mass mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
""".split())
QUOTE_OR_BREAK = re.compile("[\n\"“”„‘’']")
MAX_QUOTATION = 600  # characters: a longer "quotation" is a quote mark misread or left open


@dataclass(frozen=True, slots=True)
class Sentence:
    begin: int  # character offsets in the text
    end: int
    words: int
    terms: frozenset[int]  # content terms, names and numbers (``member`` hashes)
    names: frozenset[int]  # the terms of names (capitalised inside a sentence) and numbers: what reports share
    quoted: bool  # mostly inside quotation marks: a quotation shared is not evidence of copying
    shingles: frozenset[int]  # immutable 4-grams: a spinner's swaps leave them as they were
    related: frozenset[int] = frozenset()  # synonyms of its terms that are not among them (queries only)


@lru_cache(maxsize=500_000)
def member(value: str) -> int:
    """A term or shingle as the 16-bit number a stored sketch holds (CRC-32, stable across processes,
    folded): two sentences share a number by chance once in some 500 pairs of their members, too
    seldom to move a similarity, and a sketch takes half the room it would with 32 bits."""
    crc = zlib.crc32(value.encode("utf-8"))
    return (crc >> 16) ^ (crc & 0xFFFF)


def _ends_sentence(tokens: list[Token], position: int) -> bool:
    """Whether a sentence ends before ``tokens[position]``: after a full stop (and any closing quote)
    that does not end an abbreviation or an initial ("Gov.", "U.S.", "Dzhokhar A.")."""
    k = position - 1
    while k > 0 and tokens[k].text in CLOSING:
        k -= 1
    if tokens[k].text not in ENDS or not (tokens[position].text[0].isupper() or tokens[position].text[0].isdigit()
                                          or tokens[position].text in "\"“‘'"):
        return False
    word = tokens[k - 1].text if k > 0 and tokens[k].text == "." else ""
    return not (len(word) == 1 and word.isalpha()) and word.lower() not in ABBREVIATIONS


def _pieces(text: str, tokens: list[Token]) -> list[list[int]]:
    """Token positions of each sentence, split at line breaks too; long ones cut into pieces."""
    pieces: list[list[int]] = []
    previous = None
    for position, token in enumerate(tokens):
        if (previous is None or len(pieces[-1]) >= MAX_TOKENS
                or (previous.text in STOPS and _ends_sentence(tokens, position))
                or "\n" in text[previous.end:token.begin]):
            pieces.append([])
        pieces[-1].append(position)
        previous = token
    return pieces


def _quote_side(text: str, k: int) -> str:
    """Whether the quote mark at ``k`` opens or closes a quotation, judged by its neighbours (machine
    translations and careless typing mix up the curly forms); "" for an apostrophe."""
    before = text[k - 1] if k else " "
    after = text[k + 1] if k + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return ""
    if (before.isspace() or before in "([{—-/") and not after.isspace():
        return "open"
    return "close" if not before.isspace() else ""


def quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations: from an opening quote mark to the next closing one, or to the
    end of the paragraph for a quote left open (as a quote running over paragraphs is)."""
    spans, start = [], None
    for mark in QUOTE_OR_BREAK.finditer(text):
        k = mark.start()
        if start is not None and (mark.group() == "\n" or k - start > MAX_QUOTATION):
            spans.append((start, min(k, start + MAX_QUOTATION)))
            start = None
        if mark.group() == "\n":
            continue
        side = _quote_side(text, k)
        if side == "open" and start is None:
            start = k
        elif side == "close" and start is not None:
            spans.append((start, k + 1))
            start = None
    if start is not None:
        spans.append((start, min(len(text), start + MAX_QUOTATION)))
    return spans


def _quoted(text: str, tokens: list[Token]) -> list[bool]:
    """Whether each token stands inside a quotation (begins after its opening mark, before its end)."""
    inside = [False] * len(tokens)
    begins = [token.begin for token in tokens]
    for start, end in quotations(text):
        first, last = bisect_right(begins, start), bisect_left(begins, end)
        inside[first:last] = [True] * (last - first)
    return inside


def sentences(text: str, tokens: list[Token], immutable: list[str | None] | None = None,
              terms: list[tuple[str, ...]] | None = None, synonyms: SynonymTable | None = None) -> list[Sentence]:
    """The text's sentences in order; pieces with fewer than ``MIN_TERMS`` terms join the next one
    (a last short piece joins the one before). ``immutable`` and ``terms``: the tokens'
    ``immutable_forms`` and ``token_terms``, when already known. ``synonyms``: fill each sentence's
    ``related`` from this table (for a query; stored sketches hold none)."""
    terms = token_terms(tokens) if terms is None else terms
    groups: list[list[int]] = []
    pending: list[int] = []
    for piece in _pieces(text, tokens):
        pending += piece
        if len({term for position in pending for term in terms[position]}) >= MIN_TERMS:
            groups.append(pending)
            pending = []
    if pending and groups:
        groups[-1] += pending
    elif pending:
        groups.append(pending)
    quoted, immutable = _quoted(text, tokens), immutable_forms(tokens) if immutable is None else immutable
    return [_sentence(tokens, group, terms, quoted, immutable, synonyms) for group in groups]


def _sentence(tokens: list[Token], group: list[int], terms: list[tuple[str, ...]], quoted: list[bool],
              immutable: list[str | None], synonyms: SynonymTable | None) -> Sentence:
    words = [position for position in group if tokens[position].text[0].isalnum()]
    inside = sum(1 for position in words if quoted[position])
    found = {term for position in words for term in terms[position]}
    names = {term for position in words[1:] if tokens[position].text[0].isupper() for term in terms[position]}
    names.update(term for term in found if term.isdigit())
    sequence = [immutable[position] for position in group if immutable[position] is not None]
    shingles = frozenset(map(member, map(" ".join, zip(*(sequence[k:] for k in range(SHINGLE))))))
    members = frozenset(map(member, found))
    related = synonyms.related_members(found) - members if synonyms is not None else frozenset()
    return Sentence(tokens[group[0]].begin, tokens[group[-1]].end, len(words), members,
                    frozenset(map(member, names)), 2 * inside > len(words), shingles, related)
