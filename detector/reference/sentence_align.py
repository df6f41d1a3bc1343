"""Sentence alignment: which sentences of a query were rewritten from which sentences of a source,
in order.

Each sentence pair gets a similarity (the content terms they share, and in part the synonyms of the
query's terms that the source uses: a paraphraser swaps words for their synonyms). A rewrite keeps
the source's sentences in order, so aligned text forms blocks: local alignments (Smith-Waterman over
sentences) where each pair adds its similarity beyond what two sentences on one topic share by
chance and each sentence skipped costs. Two reports of one event share names, numbers and quotations, and now and
then a sentence, but not a run of reworded sentences in the same order: names and numbers weigh
less and quotations add nothing."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.reference.sentences import Sentence

CHANCE = 0.25  # similarity that two sentences on one topic, written apart, commonly reach
GAP = 0.15  # cost of a query or source sentence left out inside a block
MIN_SIMILARITY = 0.3  # an aligned pair below this is kept inside a block but is no evidence
NAME_WEIGHT = 0.5  # weight of a name or number among a sentence's terms (other terms weigh 1)
SYNONYM_WEIGHT = 0.5  # weight of a source term that is a synonym of a query term (``synonyms``)
MIN_BLOCK_SCORE = 0.3


@dataclass(frozen=True)
class Pair:
    query: int  # sentence positions
    source: int
    similarity: float
    evidence: bool  # similar enough, and not a quotation: it counts towards a match


@dataclass(frozen=True)
class Block:
    pairs: list[Pair]  # in order, starting and ending with evidence
    score: float  # the similarity beyond chance the pairs add, less the gaps


def _dice(query: list[frozenset[int]], source: list[frozenset[int]], light: frozenset[int],
          related: list[frozenset[int]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Dice coefficient of every (query, source) pair of sets; members in ``light`` weigh
    ``NAME_WEIGHT``, the others 1. Returned twice: as it is, and with ``related`` (members related
    to each query set's: its synonyms) counting too, each one found in the source and not shared
    counting ``SYNONYM_WEIGHT``, no more of them than the members of either set left unshared. Only
    members of the source that the query holds or is related to enter the products, which keeps
    them small."""
    related = related if related is not None and any(related) else []
    sizes = np.maximum(1.0, np.array([_size(m, light) for m in query])[:, None]
                       + np.array([_size(m, light) for m in source])[None, :])
    columns = {member: k for k, member in enumerate(frozenset().union(*query, *related) & frozenset().union(*source))}
    weights = np.array([NAME_WEIGHT if member in light else 1.0 for member in columns])
    left, right = _indicators(query, columns), _indicators(source, columns)
    plain = 2 * ((left * weights) @ right.T) / sizes
    near = _indicators(related, columns) if related else None
    if near is None or not near.any():  # no synonym of the query's terms in the source
        return plain, plain
    unshared = np.minimum(np.array([len(m) for m in query])[:, None], np.array([len(m) for m in source])[None, :])
    synonyms = np.minimum(near @ right.T, unshared - left @ right.T)
    return plain, plain + 2 * SYNONYM_WEIGHT * synonyms / sizes


def _indicators(sets: list[frozenset[int]], columns: dict[int, int]) -> np.ndarray:
    """A row per set, 1 in the columns of its members."""
    matrix = np.zeros((len(sets), len(columns)))
    cells = [(row, columns[m]) for row, members in enumerate(sets) for m in members if m in columns]
    if cells:
        matrix[tuple(np.array(cells).T)] = 1.0
    return matrix


def _size(members: frozenset[int], light: frozenset[int]) -> float:
    return len(members) - (1 - NAME_WEIGHT) * len(members & light)


def similarities(query: list[Sentence], source: list[Sentence]) -> tuple[np.ndarray, np.ndarray]:
    """How alike each (query, source) sentence pair is, 0-1: the weighted Dice coefficient of their
    terms, or of their immutable 4-grams where that is higher (a spinner swaps content words only,
    so its sentences keep those). Returned twice: by shared terms only, and with a synonym of a
    query term counting part (``_dice``); the same array when no synonym was found."""
    names = frozenset().union(*(s.names for s in query), *(s.names for s in source))
    shared, with_synonyms = _dice([s.terms for s in query], [s.terms for s in source], names, [s.related for s in query])
    shingles = _dice([s.shingles for s in query], [s.shingles for s in source], frozenset())[0]
    by_terms = np.maximum(shared, shingles)
    return by_terms, by_terms if with_synonyms is shared else np.maximum(with_synonyms, shingles)


def gains(similarity: np.ndarray, query: list[Sentence], source: list[Sentence]) -> np.ndarray:
    """What each pair adds to a block: its similarity beyond chance; nothing for a quotation on
    either side (reports of one event quote the same statements and posts, quoted or set apart)."""
    quoted = np.array([s.quoted for s in query])[:, None] | np.array([s.quoted for s in source])[None, :]
    return np.where(quoted, np.minimum(0.0, similarity - CHANCE), similarity - CHANCE)


def _table(gain: np.ndarray) -> np.ndarray:
    """Smith-Waterman table: ``table[i, j]`` is the best block ending at pair (i - 1, j - 1). A row
    is computed at once: a run of skipped source sentences is a running maximum with a linear decay."""
    rows, columns = gain.shape
    table = np.zeros((rows + 1, columns + 1))
    decay = GAP * np.arange(columns + 1)
    for i in range(1, rows + 1):
        above = table[i - 1]
        ending = np.maximum(0.0, np.maximum(above[:-1] + gain[i - 1], above[1:] - GAP))
        table[i] = np.maximum.accumulate(np.concatenate(([0.0], ending)) + decay) - decay
    return table


def _trace(table: np.ndarray, gain: np.ndarray, similarity: np.ndarray, i: int, j: int) -> list[Pair]:
    """The pairs of the block ending at ``table[i, j]``, followed back through the table."""
    scores, gains_, values = table.tolist(), gain.tolist(), similarity.tolist()
    pairs = []
    while i > 0 and j > 0 and scores[i][j] > 0:
        if abs(scores[i][j] - scores[i - 1][j - 1] - gains_[i - 1][j - 1]) < 1e-9:
            value = values[i - 1][j - 1]
            pairs.append(Pair(i - 1, j - 1, value, gains_[i - 1][j - 1] > 0 and value >= MIN_SIMILARITY))
            i, j = i - 1, j - 1
        elif abs(scores[i][j] - scores[i - 1][j] + GAP) < 1e-9:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _best_block(similarity: np.ndarray, gain: np.ndarray) -> Block | None:
    if not similarity.size:
        return None
    table = _table(gain)
    i, j = np.unravel_index(int(table.argmax()), table.shape)
    pairs = _trace(table, gain, similarity, int(i), int(j))
    evidence = [k for k, pair in enumerate(pairs) if pair.evidence]
    return Block(pairs[evidence[0]:evidence[-1] + 1], float(table[i, j])) if evidence else None


def blocks(similarity: np.ndarray, gain: np.ndarray) -> list[Block]:
    """Blocks in order, each scoring at least ``MIN_BLOCK_SCORE``: the best one, then the best ones
    before it and after it in both texts (a partial copy may take passages apart)."""
    found = _best_block(similarity, gain)
    if found is None or found.score < MIN_BLOCK_SCORE:
        return []
    first, last = found.pairs[0], found.pairs[-1]
    before = blocks(similarity[:first.query, :first.source], gain[:first.query, :first.source])
    after = blocks(similarity[last.query + 1:, last.source + 1:], gain[last.query + 1:, last.source + 1:])
    shift = [Block([Pair(p.query + last.query + 1, p.source + last.source + 1, p.similarity, p.evidence)
                    for p in block.pairs], block.score) for block in after]
    return before + [found] + shift
