"""Whether a candidate source is an original of the query, and the match that says how.

A source matches when the sentence alignment finds it rewritten as a whole (aligned sentences
cover ``REWRITE_COVERAGE`` of both texts) or copied in part (``COPY_RUN`` consecutive sentences,
or ``PARTIAL_COVERAGE`` of either text, copied closely). When shared terms are not enough, the
query's synonyms count too, and a rewrite must then cover ``SYNONYM_COVERAGE`` of both texts. A
spun copy that the fingerprints found also matches on its word alignment, as before. Copied and
spun passages are then aligned word by word, which lists the swaps and tells the two apart from a
paraphrase."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from detector.reference.align import Alignment, align, align_passages
from detector.reference.fingerprints import immutable_forms
from detector.reference.sentence_align import MIN_SIMILARITY, Block, Pair, blocks, gains, similarities
from detector.reference.sentences import Sentence, sentences
from detector.reference.synonyms import SynonymTable
from detector.reference.terms import token_terms
from detector.result import Match, MatchKind, Passage
from detector.text import Token, tokenize

REWRITE_COVERAGE = 0.35  # of both texts' words, in aligned sentences: a whole text reworded
SYNONYM_COVERAGE = 0.5  # of both texts' words, in sentences aligned only once synonyms count
REWRITE_SPAN = 0.5  # or of both texts' words, in the stretches the blocks span (a weak rewording)
COPY_RUN = 3  # consecutive aligned sentences (one may be a quotation), as close as COPY_SIMILARITY: copied or spun
PARTIAL_COVERAGE = 0.25  # of either text's words, in sentences aligned as close as COPY_SIMILARITY
COPY_SIMILARITY = 0.7
MIN_WORDS = 15  # in the query's aligned sentences: a shared line or two is no copy
WORD_SIMILARITY = 0.5  # aligned sentences this alike on average may be spun or copied: aligned word by word
SPUN_DENSITY = 0.95  # share of the aligned sentences' words, on each side, paired one for one
COPIED_RATE = 0.01  # substitution rate under which a passage is copied rather than spun
MIN_TOKEN_COVERAGE = 0.3  # of the query, for a spun copy that the fingerprints found


@dataclass(frozen=True)
class Prepared:
    """A text split for comparison: its tokens, their immutable forms and terms, and its sentences."""

    text: str
    tokens: list[Token]
    immutable: list[str | None]
    terms: list[tuple[str, ...]]  # each token's (``terms.token_terms``)
    sentences: list[Sentence]


def prepare(text: str, synonyms: SynonymTable | None = None) -> Prepared:
    """``text`` split for comparison; ``synonyms``: a query's, whose sentences carry their terms'
    synonyms (``Sentence.related``)."""
    tokens = tokenize(text)
    immutable, terms = immutable_forms(tokens), token_terms(tokens)
    return Prepared(text, tokens, immutable, terms, sentences(text, tokens, immutable, terms, synonyms))


def _words(found: list[Sentence]) -> int:
    return sum(sentence.words for sentence in found)


@dataclass(frozen=True)
class Evidence:
    """What the sentence alignment found: the blocks, and the figures the decision reads."""

    blocks: list[Block]
    runs: list[list[Pair]]  # consecutive similar pairs holding evidence: their pairs are the passages shown
    query_coverage: float  # words of the query's evidence sentences over all its words
    source_coverage: float
    query_span: float  # words of the query's sentences from each block's first to its last
    source_span: float
    similarity: float  # mean over the evidence pairs
    run: int  # the longest run of consecutive similar pairs
    run_evidence: int  # evidence pairs in it (the others are quotations)
    run_similarity: float  # mean over its evidence pairs: a quotation both texts carry proves nothing
    words: int  # in the query's evidence sentences

    @property
    def rewritten(self) -> bool:
        return self.words >= MIN_WORDS and (min(self.query_coverage, self.source_coverage) >= REWRITE_COVERAGE
                                            or min(self.query_span, self.source_span) >= REWRITE_SPAN)

    @property
    def copied_passage(self) -> bool:
        return self.words >= MIN_WORDS and (
            (self.run >= COPY_RUN and self.run_evidence >= COPY_RUN - 1 and self.run_similarity >= COPY_SIMILARITY)
            or (max(self.query_coverage, self.source_coverage) >= PARTIAL_COVERAGE and self.similarity >= COPY_SIMILARITY))

    @property
    def accepted(self) -> bool:
        return self.rewritten or self.copied_passage

    @property
    def reworded_with_synonyms(self) -> bool:
        """Accepted when synonyms count: a stricter test, as synonyms also make two reports of one
        event, which say the same things in their own words, look alike sentence by sentence."""
        return self.copied_passage or (self.words >= MIN_WORDS
                                       and min(self.query_coverage, self.source_coverage) >= SYNONYM_COVERAGE)


def evidence(query: list[Sentence], source: list[Sentence]) -> Evidence:
    """Align the sentences of a query and a source and sum up what was found: by shared terms, or
    when those are not enough, with the query's synonyms counting too (``Sentence.related``)."""
    by_terms, with_synonyms = similarities(query, source)
    shared = _aligned(query, source, by_terms)
    if shared.accepted or with_synonyms is by_terms:
        return shared
    reworded = _aligned(query, source, with_synonyms)
    return reworded if reworded.reworded_with_synonyms else shared


def _aligned(query: list[Sentence], source: list[Sentence], similarity: np.ndarray) -> Evidence:
    gain = gains(similarity, query, source)
    found = blocks(similarity, gain)
    pairs = [pair for block in found for pair in block.pairs if pair.evidence]
    runs = [_extended(run, similarity, gain) for run in _runs(found)]
    run = max(runs, key=lambda r: (sum(p.evidence for p in r), len(r), _mean(r)), default=[])
    words = sum(query[p.query].words for p in pairs)
    query_span = sum(_words(query[b.pairs[0].query:b.pairs[-1].query + 1]) for b in found)
    source_span = sum(_words(source[b.pairs[0].source:b.pairs[-1].source + 1]) for b in found)
    return Evidence(found, runs, words / max(1, _words(query)),
                    sum(source[p.source].words for p in pairs) / max(1, _words(source)),
                    query_span / max(1, _words(query)), source_span / max(1, _words(source)), _mean(pairs), len(run),
                    sum(p.evidence for p in run), _mean([p for p in run if p.evidence]), words)


def _mean(pairs: list[Pair]) -> float:
    return float(np.mean([pair.similarity for pair in pairs])) if pairs else 0.0


def _runs(found: list[Block]) -> list[list[Pair]]:
    """Runs of consecutive similar pairs in the blocks (quotations included) that hold evidence."""
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
    return [run for run in runs if any(pair.evidence for pair in run)]


def _extended(run: list[Pair], similarity: np.ndarray, gain: np.ndarray) -> list[Pair]:
    """The run with the pairs on its diagonal before and after it that are as alike as a copy: a
    block ends on evidence, but a copied passage copies its quotations too."""
    def pair(i: int, j: int) -> Pair:
        return Pair(i, j, float(similarity[i, j]), bool(gain[i, j] > 0) and similarity[i, j] >= MIN_SIMILARITY)

    before, after = [], []
    i, j = run[0].query - 1, run[0].source - 1
    while i >= 0 and j >= 0 and similarity[i, j] >= COPY_SIMILARITY:
        before.append(pair(i, j))
        i, j = i - 1, j - 1
    i, j = run[-1].query + 1, run[-1].source + 1
    while i < similarity.shape[0] and j < similarity.shape[1] and similarity[i, j] >= COPY_SIMILARITY:
        after.append(pair(i, j))
        i, j = i + 1, j + 1
    return before[::-1] + run + after


def describe(query: Prepared, source_text: str, source: list[Sentence], source_id: str, found: Evidence,
             fingerprinted: bool) -> Match | None:
    """The match of the source whose sentences (``source``) gave ``found``, or None.
    ``fingerprinted``: the source passed the fingerprint stage, so the query may be a spun copy of
    it as a whole, aligned word by word throughout; other sources are aligned word by word inside
    their blocks only, and only when their sentences are alike enough to be copied or spun."""
    if not (fingerprinted or found.similarity >= WORD_SIMILARITY):
        return _paraphrased(query.sentences, source_text, source, source_id, found) if found.accepted else None
    prepared = Prepared(source_text, tokenize(source_text), immutable=[], terms=[], sentences=source)
    if fingerprinted:
        alignment = align(query.text, source_text, query.tokens, prepared.tokens)
    else:
        alignment = align_passages(query.text, source_text, _token_passages(query, prepared, found.blocks),
                                   len(query.tokens), len(prepared.tokens))
    if not (found.accepted or (fingerprinted and alignment.coverage >= MIN_TOKEN_COVERAGE)):
        return None
    kind = _kind(query, prepared, found, alignment)
    if kind == "paraphrased":
        return _paraphrased(query.sentences, source_text, source, source_id, found)
    return Match(source_id, kind, round(alignment.copy_score, 4), round(alignment.coverage, 4),
                 round(alignment.source_coverage, 4), round(alignment.substitution_rate, 4),
                 alignment.substitutions, alignment.insertions, alignment.deletions,
                 _passages(query.sentences, source_text, source, found.runs))


def _token_passages(query: Prepared, source: Prepared, found: list[Block]) -> list[tuple[list[Token], list[Token]]]:
    """The tokens of each block's query and source sentences."""
    return [(_tokens(query, block.pairs[0].query, block.pairs[-1].query),
             _tokens(source, block.pairs[0].source, block.pairs[-1].source)) for block in found]


def _tokens(document: Prepared, first: int, last: int) -> list[Token]:
    begin, end = document.sentences[first].begin, document.sentences[last].end
    return document.tokens[_first_token(document, begin):_first_token(document, end)]


def _kind(query: Prepared, source: Prepared, found: Evidence, alignment: Alignment) -> MatchKind:
    """Copied or spun when the word alignment pairs nearly every word of the aligned sentences, on
    both sides, one for one (copied when hardly any was swapped); paraphrased otherwise: a rewriter
    adds and drops words where a spinner swaps them."""
    query_blocks = [(b.pairs[0].query, b.pairs[-1].query) for b in found.blocks]
    source_blocks = [(b.pairs[0].source, b.pairs[-1].source) for b in found.blocks]
    density = min(_density(query, query_blocks, alignment.aligned_begins),
                  _density(source, source_blocks, alignment.aligned_source_begins))
    if density < SPUN_DENSITY:
        return "paraphrased"
    return "copied" if alignment.substitution_rate < COPIED_RATE else "spun"


def _density(document: Prepared, found: list[tuple[int, int]], aligned: set[int]) -> float:
    """Share of the tokens of the blocks' sentences (all tokens when there are no blocks) that the
    word alignment paired."""
    regions = [(document.sentences[first].begin, document.sentences[last].end) for first, last in found]
    inside = [t.begin for t in document.tokens] if not regions else [
        t.begin for begin, end in regions for t in document.tokens[_first_token(document, begin):_first_token(document, end)]]
    return sum(1 for begin in inside if begin in aligned) / max(1, len(inside))


def _first_token(document: Prepared, offset: int) -> int:
    return bisect_left(document.tokens, offset, key=lambda token: token.begin)


def _paraphrased(query: list[Sentence], source_text: str, source: list[Sentence], source_id: str,
                 found: Evidence) -> Match:
    """A reworded match, measured on its aligned sentences: their words, weighted by similarity."""
    pairs = [pair for block in found.blocks for pair in block.pairs if pair.similarity >= MIN_SIMILARITY]
    query_words = sum(query[p.query].words for p in pairs)
    source_words = sum(source[p.source].words for p in pairs)
    weighted = sum(p.similarity * (query[p.query].words + source[p.source].words) for p in pairs)
    total_query, total_source = _words(query), _words(source)
    return Match(source_id, "paraphrased", round(weighted / max(1, total_query + total_source), 4),
                 round(query_words / max(1, total_query), 4), round(source_words / max(1, total_source), 4), 0.0,
                 passages=_passages(query, source_text, source, found.runs))


def _passages(query: list[Sentence], source_text: str, source: list[Sentence], runs: list[list[Pair]]) -> list[Passage]:
    """Each aligned sentence pair of the runs, in order, as character spans."""
    return [Passage(query[p.query].begin, query[p.query].end, source[p.source].begin, source[p.source].end,
                    round(p.similarity, 4), source_text[source[p.source].begin:source[p.source].end])
            for run in runs for p in run]
