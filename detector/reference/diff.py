"""Word diff of a source and its copy, in difflib's opcode form, anchored on words that occur once
in each text (patience diff): difflib alone scans every occurrence of every common word at each
step of its recursion, which made the alignment of long articles the slowest part of a query."""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from difflib import SequenceMatcher

Block = tuple[int, int, int]  # (source position, query position, length) of equal words
MIN_RUN = 3


def _in_copied_run(source: list[str], query: list[str], s: int, q: int) -> bool:
    """A true anchor sits inside a run of at least ``MIN_RUN`` equal words; a synonym the spinner
    wrote where the source has the same word elsewhere seldom does."""
    left = right = 0
    while left < MIN_RUN - 1 and min(s, q) > left and source[s - left - 1] == query[q - left - 1]:
        left += 1
    while left + right < MIN_RUN - 1 and s + right + 1 < len(source) and q + right + 1 < len(query) \
            and source[s + right + 1] == query[q + right + 1]:
        right += 1
    return left + right + 1 >= MIN_RUN


def _increasing_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by source position) increasing in query position."""
    tails: list[int] = []
    tail_at: list[int] = []
    previous = [-1] * len(pairs)
    for n, (_, q) in enumerate(pairs):
        k = bisect_left(tails, q)
        previous[n] = tail_at[k - 1] if k else -1
        tails[k:k + 1], tail_at[k:k + 1] = [q], [n]
    chain, n = [], tail_at[-1] if tail_at else -1
    while n >= 0:
        chain.append(pairs[n])
        n = previous[n]
    return chain[::-1]


def anchors(source: list[str], query: list[str]) -> list[tuple[int, int]]:
    """Positions of words that occur once in each text, in an order both texts agree on."""
    in_source, in_query = Counter(source), Counter(query)
    query_at = {word: q for q, word in enumerate(query) if in_query[word] == 1}
    pairs = [(s, query_at[word]) for s, word in enumerate(source) if in_source[word] == 1 and word in query_at]
    return _increasing_chain([(s, q) for s, q in pairs if _in_copied_run(source, query, s, q)])


def _gap_blocks(source: list[str], query: list[str], s0: int, s1: int, q0: int, q1: int) -> list[Block]:
    if s1 <= s0 or q1 <= q0:
        return []
    matcher = SequenceMatcher(None, source[s0:s1], query[q0:q1], autojunk=False)
    return [(s0 + a, q0 + b, n) for a, b, n in matcher.get_matching_blocks() if n]


def matching_blocks(source: list[str], query: list[str]) -> list[Block]:
    """Equal runs in order: each anchor grown to its whole run, difflib between the runs; ends with
    the sentinel ``(len(source), len(query), 0)`` like difflib's."""
    blocks: list[Block] = []
    s0 = q0 = 0
    for s, q in anchors(source, query):
        if s < s0 or q < q0:  # inside the run of an earlier anchor
            continue
        before = after = 0
        while s - before > s0 and q - before > q0 and source[s - before - 1] == query[q - before - 1]:
            before += 1
        while s + after + 1 < len(source) and q + after + 1 < len(query) \
                and source[s + after + 1] == query[q + after + 1]:
            after += 1
        blocks += _gap_blocks(source, query, s0, s - before, q0, q - before)
        blocks.append((s - before, q - before, before + after + 1))
        s0, q0 = s + after + 1, q + after + 1
    return blocks + _gap_blocks(source, query, s0, len(source), q0, len(query)) + [(len(source), len(query), 0)]


def opcodes(source: list[str], query: list[str]) -> Iterator[tuple[str, int, int, int, int]]:
    """(tag, s1, s2, q1, q2) with difflib's tags: equal, replace, delete, insert."""
    i = j = 0
    for a, b, n in matching_blocks(source, query):
        tag = "replace" if i < a and j < b else "delete" if i < a else "insert" if j < b else ""
        if tag:
            yield tag, i, a, j, b
        if n:
            yield "equal", a, a + n, b, b + n
        i, j = a + n, b + n
