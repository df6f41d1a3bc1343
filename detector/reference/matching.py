"""Whether a candidate source is an original of the query, and the match that says how.

A source matches when the sentence alignment finds it rewritten as a whole (aligned sentences
cover ``REWRITE_COVERAGE`` of both texts) or copied in part (``COPY_RUN`` consecutive sentences,
or ``PARTIAL_COVERAGE`` of either text, copied closely); a spun copy that the fingerprints found
also matches on its word alignment, as before. Copied and spun passages are then aligned word by
word, which lists the swaps and tells the two apart from a paraphrase."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detector.reference.align import Alignment, align, align_passages
from detector.reference.sentence_align import MIN_SIMILARITY, Block, Pair, blocks, gains, similarities
from detector.reference.sentences import Sentence, sentences
from detector.result import Match, MatchKind, Passage
from detector.text import Token, tokenize

REWRITE_COVERAGE = 0.4  # of both texts' words, in aligned sentences: a whole text reworded
COPY_RUN = 3  # consecutive aligned sentences, as close as COPY_SIMILARITY: a passage copied or spun
PARTIAL_COVERAGE = 0.25  # of either text's words, in sentences aligned as close as COPY_SIMILARITY
COPY_SIMILARITY = 0.7
WORD_SIMILARITY = 0.5  # aligned sentences this alike on average are aligned word by word too
SPUN_DENSITY = 0.8  # share of the aligned passages' words the word alignment pairs one for one
COPIED_RATE = 0.02  # substitution rate under which a passage is copied rather than spun
MIN_TOKEN_COVERAGE = 0.3  # of the query, for a spun copy that the fingerprints found
MIN_WORDS = 15  # in the query's aligned sentences: a shared line or two is no copy


@dataclass(frozen=True)
class Prepared:
    """A text split for comparison: its tokens and sentences."""

    text: str
    tokens: list[Token]
    sentences: list[Sentence]

    @property
    def words(self) -> int:
        return sum(sentence.words for sentence in self.sentences)


def prepare(text: str, tokens: list[Token] | None = None) -> Prepared:
    tokens = tokenize(text) if tokens is None else tokens
    return Prepared(text, tokens, sentences(text, tokens))


@dataclass(frozen=True)
class Evidence:
    """What the sentence alignment found: the blocks, and the figures the decision reads."""

    blocks: list[Block]
    query_coverage: float  # words of the query's evidence sentences over all its words
    source_coverage: float
    similarity: float  # mean over the evidence pairs
    run: int  # the longest run of consecutive evidence pairs
    run_similarity: float

    words: int  # in the query's evidence sentences

    @property
    def rewritten(self) -> bool:
        return self.words >= MIN_WORDS and min(self.query_coverage, self.source_coverage) >= REWRITE_COVERAGE

    @property
    def copied_passage(self) -> bool:
        return self.words >= MIN_WORDS and (
            (self.run >= COPY_RUN and self.run_similarity >= COPY_SIMILARITY)
            or (max(self.query_coverage, self.source_coverage) >= PARTIAL_COVERAGE and self.similarity >= COPY_SIMILARITY))


def evidence(query: Prepared, source: Prepared) -> Evidence:
    similarity = similarities(query.sentences, source.sentences)
    found = blocks(similarity, gains(similarity, query.sentences, source.sentences))
    pairs = [pair for block in found for pair in block.pairs if pair.evidence]
    run = max(_runs(found), key=lambda r: (len(r), sum(p.similarity for p in r)), default=[])
    words = sum(query.sentences[p.query].words for p in pairs)
    return Evidence(found, words / max(1, query.words),
                    sum(source.sentences[p.source].words for p in pairs) / max(1, source.words),
                    _mean(pairs), len(run), _mean(run), words)


def _mean(pairs: list[Pair]) -> float:
    return float(np.mean([pair.similarity for pair in pairs])) if pairs else 0.0


def _runs(found: list[Block]) -> list[list[Pair]]:
    """Runs of evidence pairs on one diagonal; a similar quotation between two continues a run
    without counting in it."""
    runs: list[list[Pair]] = []
    for block in found:
        previous = None
        for pair in block.pairs:
            adjacent = previous is not None and (pair.query, pair.source) == (previous.query + 1, previous.source + 1)
            if adjacent and pair.similarity >= MIN_SIMILARITY and runs and runs[-1]:
                runs[-1] += [pair] if pair.evidence else []
            else:
                runs.append([pair] if pair.evidence else [])
            previous = pair
    return runs


def compare(query: Prepared, source: Prepared, source_id: str, fingerprinted: bool) -> Match | None:
    """The match of ``source`` for ``query``, or None. ``fingerprinted``: the source passed the
    fingerprint stage, so the query may be a spun copy of it as a whole."""
    found = evidence(query, source)
    alignment = None
    if fingerprinted:
        alignment = align(query.text, source.text, query.tokens, source.tokens)
    elif (found.rewritten or found.copied_passage) and found.similarity >= WORD_SIMILARITY:
        alignment = align_passages(query.text, source.text, _token_passages(query, source, found.blocks),
                                   len(query.tokens), len(source.tokens))
    by_words = alignment is not None and fingerprinted and alignment.coverage >= MIN_TOKEN_COVERAGE
    if not (found.rewritten or found.copied_passage or by_words):
        return None
    return _match(query, source, source_id, found, alignment)


def _token_passages(query: Prepared, source: Prepared, found: list[Block]) -> list[tuple[list[Token], list[Token]]]:
    """The tokens of each block's query and source sentences."""
    return [(_tokens(query, block.pairs[0].query, block.pairs[-1].query),
             _tokens(source, block.pairs[0].source, block.pairs[-1].source)) for block in found]


def _tokens(document: Prepared, first: int, last: int) -> list[Token]:
    begin, end = document.sentences[first].begin, document.sentences[last].end
    return [token for token in document.tokens if begin <= token.begin < end]


def _kind(query: Prepared, found: Evidence, alignment: Alignment | None) -> MatchKind:
    if alignment is None:
        return "paraphrased"
    regions = [(query.sentences[b.pairs[0].query].begin, query.sentences[b.pairs[-1].query].end) for b in found.blocks]
    if regions:
        inside = [t.begin for t in query.tokens if any(begin <= t.begin < end for begin, end in regions)]
        density = sum(1 for begin in inside if begin in alignment.aligned_begins) / max(1, len(inside))
    else:
        density = alignment.coverage
    if density < SPUN_DENSITY:
        return "paraphrased"
    return "copied" if alignment.substitution_rate < COPIED_RATE else "spun"


def _match(query: Prepared, source: Prepared, source_id: str, found: Evidence, alignment: Alignment | None) -> Match:
    kind = _kind(query, found, alignment)
    shown = _passages(query, source, found.blocks)
    if kind != "paraphrased":
        return Match(source_id, kind, round(alignment.copy_score, 4), round(alignment.coverage, 4),
                     round(alignment.source_coverage, 4), round(alignment.substitution_rate, 4),
                     alignment.substitutions, alignment.insertions, alignment.deletions, shown)
    pairs = [pair for block in found.blocks for pair in block.pairs if pair.similarity >= MIN_SIMILARITY]
    query_words = sum(query.sentences[p.query].words for p in pairs)
    source_words = sum(source.sentences[p.source].words for p in pairs)
    weighted = sum(p.similarity * (query.sentences[p.query].words + source.sentences[p.source].words) for p in pairs)
    return Match(source_id, kind, round(weighted / max(1, query.words + source.words), 4),
                 round(query_words / max(1, query.words), 4), round(source_words / max(1, source.words), 4), 0.0,
                 passages=shown)


def _passages(query: Prepared, source: Prepared, found: list[Block]) -> list[Passage]:
    """Runs of consecutive aligned sentence pairs (quotations included), as character spans."""
    runs: list[list[Pair]] = []
    for block in found:
        previous = None
        for pair in block.pairs:
            if pair.similarity < MIN_SIMILARITY:
                previous = None
                continue
            if previous is not None and (pair.query, pair.source) == (previous.query + 1, previous.source + 1):
                runs[-1].append(pair)
            else:
                runs.append([pair])
            previous = pair
    return [Passage(query.sentences[run[0].query].begin, query.sentences[run[-1].query].end,
                    source.sentences[run[0].source].begin, source.sentences[run[-1].source].end,
                    round(_mean(run), 4)) for run in runs]
