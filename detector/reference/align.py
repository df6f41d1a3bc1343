"""Token alignment of a query against a source: what was copied, what was swapped for what, and
which passages were inserted or deleted. Whole texts for a spun copy; for a partial copy, only the
passages the sentence alignment paired, so that unrelated text around them yields no swaps."""
from __future__ import annotations

from dataclasses import dataclass, field

from detector.reference.diff import opcodes
from detector.result import Deletion, Insertion, Substitution
from detector.text import Token, tokenize

MAX_PHRASE_TOKENS = 3  # a longer replaced run is an edited passage, not a substitution


@dataclass
class Alignment:
    query_tokens: int  # tokens of the whole texts
    source_tokens: int
    aligned_query: int = 0  # tokens copied or substituted one for one (or as a short phrase)
    aligned_source: int = 0
    substituted: int = 0  # query tokens substituted
    aligned_begins: set[int] = field(default_factory=set)  # where the aligned query tokens begin
    aligned_source_begins: set[int] = field(default_factory=set)  # and the aligned source tokens
    substitutions: list[Substitution] = field(default_factory=list)
    insertions: list[Insertion] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        """Share of the query's tokens aligned with the source."""
        return self.aligned_query / max(1, self.query_tokens)

    @property
    def source_coverage(self) -> float:
        return self.aligned_source / max(1, self.source_tokens)

    @property
    def copy_score(self) -> float:
        """Aligned tokens of both texts over all their tokens."""
        return (self.aligned_query + self.aligned_source) / max(1, self.query_tokens + self.source_tokens)

    @property
    def substitution_rate(self) -> float:
        return self.substituted / max(1, self.aligned_query)


def align(query: str, source: str, query_tokens: list[Token] | None = None,
          source_tokens: list[Token] | None = None) -> Alignment:
    """Align two whole texts word by word; offsets refer to each text as given. ``query_tokens``
    saves tokenising the query again when it is aligned against several sources."""
    query_tokens = tokenize(query) if query_tokens is None else query_tokens
    source_tokens = tokenize(source) if source_tokens is None else source_tokens
    return align_passages(query, source, [(query_tokens, source_tokens)], len(query_tokens), len(source_tokens))


def align_passages(query: str, source: str, passages: list[tuple[list[Token], list[Token]]], query_total: int,
                   source_total: int) -> Alignment:
    """Align each (query tokens, source tokens) passage word by word; tokens carry offsets in the
    whole texts, and the rates are over the whole texts' ``query_total`` and ``source_total`` tokens."""
    result = Alignment(query_total, source_total)
    for query_tokens, source_tokens in passages:
        _align_passage(query, source, query_tokens, source_tokens, result)
    return result


def _align_passage(query: str, source: str, query_tokens: list[Token], source_tokens: list[Token],
                   result: Alignment) -> None:
    for tag, s1, s2, q1, q2 in opcodes([t.text.lower() for t in source_tokens], [t.text.lower() for t in query_tokens]):
        swapped = tag == "replace" and (s2 - s1 == q2 - q1 or max(s2 - s1, q2 - q1) <= MAX_PHRASE_TOKENS)
        if tag == "equal" or swapped:
            result.aligned_query += q2 - q1
            result.aligned_source += s2 - s1
            result.aligned_begins.update(token.begin for token in query_tokens[q1:q2])
            result.aligned_source_begins.update(token.begin for token in source_tokens[s1:s2])
        if swapped:
            result.substituted += q2 - q1
            _substitutions(query, source, query_tokens[q1:q2], source_tokens[s1:s2], result)
        elif tag != "equal":
            if q2 > q1:
                result.insertions.append(Insertion(query_tokens[q1].begin, query_tokens[q2 - 1].end))
            if s2 > s1:
                result.deletions.append(Deletion(source_tokens[s1].begin, source_tokens[s2 - 1].end))


def _substitutions(query: str, source: str, query_tokens: list[Token], source_tokens: list[Token],
                   result: Alignment) -> None:
    """Word for word when both runs are as long, else one phrase for another."""
    pieces = zip(source_tokens, query_tokens) if len(source_tokens) == len(query_tokens) else [(None, None)]
    for s, q in pieces:
        source_begin, source_end = (s.begin, s.end) if s else (source_tokens[0].begin, source_tokens[-1].end)
        begin, end = (q.begin, q.end) if q else (query_tokens[0].begin, query_tokens[-1].end)
        result.substitutions.append(Substitution(source[source_begin:source_end], query[begin:end],
                                                 source_begin, source_end, begin, end))
