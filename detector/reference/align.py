"""Token alignment of a query against a source: what was copied, what was swapped for what, and
which passages were inserted or deleted."""
from __future__ import annotations

from dataclasses import dataclass, field

from detector.reference.diff import opcodes
from detector.result import Deletion, Insertion, Match, Substitution
from detector.text import Token, tokenize

MAX_PHRASE_TOKENS = 3  # a longer replaced run is an edited passage, not a substitution


@dataclass
class Alignment:
    copy_score: float
    coverage: float
    substitution_rate: float
    substitutions: list[Substitution] = field(default_factory=list)
    insertions: list[Insertion] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)

    def match(self, source_id: str) -> Match:
        """This alignment as a match of the source ``source_id``."""
        return Match(source_id, round(self.copy_score, 4), round(self.coverage, 4), round(self.substitution_rate, 4),
                     self.substitutions, self.insertions, self.deletions)


def align(query: str, source: str, query_tokens: list[Token] | None = None) -> Alignment:
    """Align two texts word by word; offsets refer to each text as given. ``query_tokens`` saves
    tokenising the query again when it is aligned against several sources."""
    query_tokens = tokenize(query) if query_tokens is None else query_tokens
    source_tokens = tokenize(source)
    equal = substituted = 0
    result = Alignment(0.0, 0.0, 0.0)
    steps = opcodes([t.text.lower() for t in source_tokens], [t.text.lower() for t in query_tokens])
    for tag, s1, s2, q1, q2 in steps:
        if tag == "equal":
            equal += q2 - q1
        elif tag == "replace" and (s2 - s1 == q2 - q1 or max(s2 - s1, q2 - q1) <= MAX_PHRASE_TOKENS):
            substituted += q2 - q1
            pieces = zip(range(s1, s2), range(q1, q2)) if s2 - s1 == q2 - q1 else [(None, None)]
            for s, q in pieces:
                first_s, last_s = (s, s) if s is not None else (s1, s2 - 1)
                first_q, last_q = (q, q) if q is not None else (q1, q2 - 1)
                begin, end = query_tokens[first_q].begin, query_tokens[last_q].end
                source_begin, source_end = source_tokens[first_s].begin, source_tokens[last_s].end
                result.substitutions.append(Substitution(source[source_begin:source_end], query[begin:end],
                                                         source_begin, source_end, begin, end))
        else:
            if q2 > q1:
                result.insertions.append(Insertion(query_tokens[q1].begin, query_tokens[q2 - 1].end))
            if s2 > s1:
                result.deletions.append(Deletion(source_tokens[s1].begin, source_tokens[s2 - 1].end))
    aligned = equal + substituted
    result.coverage = aligned / max(1, len(query_tokens))
    result.copy_score = 2 * aligned / max(1, len(query_tokens) + len(source_tokens))
    result.substitution_rate = substituted / max(1, aligned)
    return result
