"""The reference index: add originals, and for a query find the sources it was rewritten from.

Two candidate stages feed one verification. The fingerprints (MinHash LSH over immutable 5-grams,
verified by containment) find spun copies, whose content words were swapped; the lexical stage
(BM25 over the query's rarest content terms) finds rewordings and partial copies, which keep the
content words but not the immutable 5-grams. Every candidate is then aligned sentence by sentence
(``matching``), and only sources with aligned passages are returned."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from itertools import chain

from detector.inputs import DocumentError, check_id, check_text
from detector.normalization import ReaderView, reader_view
from detector.reference.fingerprints import containment, fingerprint_keys, pack, shingle_hashes, unpack
from detector.reference.matching import Prepared, describe, evidence, prepare
from detector.reference.sketch import pack as pack_sketch
from detector.reference.sketch import unpack as unpack_sketch
from detector.reference.storage import Entry, ReferenceStorage, open_storage
from detector.reference.synonyms import SynonymTable, bundled
from detector.reference.terms import distinct_terms, document_terms, shingle_terms, word_terms
from detector.result import Match
from detector.text import Token, is_capitalized_name

MIN_CONTAINMENT = 0.5
MAX_REFERENCE_CHARS = 2_000_000
LEXICAL_CANDIDATES = 12
LEXICAL_RATIO = 0.25  # of the best BM25 score: a rewrite's source scores far above its topic's other articles
MIN_QUERY_TERMS, TERMS_PER_REGION, MAX_QUERY_TERMS = 24, 6, 80
NAME_PRIORITY = 16
POSTING_BUDGET = 1000  # postings a lexical search may read beyond its rarest term: bounds its time
REGION_TOKENS = 200
ENTRY_CHUNK = 16  # documents a pool process takes at a time: some milliseconds of work each


def entry(document_id: str, text: str) -> Entry:
    """What the storage keeps of a document: its text, band keys, fingerprint, content terms and
    sentence sketch."""
    prepared = prepare(text)
    hashes = shingle_hashes(prepared.immutable)
    return Entry(document_id, text, fingerprint_keys(hashes), pack(hashes),
                 distinct_terms(prepared.terms) + shingle_terms(hashes), pack_sketch(prepared.sentences))


def entry_pool(processes: int) -> ProcessPoolExecutor:
    """Processes that compute entries (``ReferenceIndex.add_many``'s ``pool``), started afresh
    (spawn), not forked from a process that may hold threads or connections."""
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))


def entries(documents: list[tuple[str, str]], pool: Executor | None = None) -> list[Entry]:
    """The entries of (id, text) pairs, in order; computed by ``pool`` when given."""
    if pool is None:
        return [entry(document_id, text) for document_id, text in documents]
    return list(pool.map(entry, *zip(*documents), chunksize=ENTRY_CHUNK))


def rare_terms(regions: list[list[str]], frequencies: dict[str, int], names: set[str]) -> list[str]:
    """The terms to search for: the rarest the index holds, taken from each region of the query in
    turn (so that a passage copied into a longer text brings its own), ``TERMS_PER_REGION`` a region
    (at least ``MIN_QUERY_TERMS``, at most ``MAX_QUERY_TERMS``) and, after the first,
    ``POSTING_BUDGET`` postings in all. Rare terms pick out the source; common ones would cost time
    and rank nothing. Names and numbers count as ``NAME_PRIORITY`` times rarer: spinners and
    paraphrasers leave them as they are, where they swap the other words."""
    def rarity(term: str) -> tuple[float, str]:
        return frequencies[term] / (NAME_PRIORITY if term in names else 1), term

    ranked = [sorted((t for t in region if t in frequencies), key=rarity) for region in regions]
    wanted = min(MAX_QUERY_TERMS, max(MIN_QUERY_TERMS, TERMS_PER_REGION * len(regions)))
    chosen: dict[str, None] = {}
    budget = POSTING_BUDGET
    for term in (terms[rank] for rank in range(max(map(len, ranked), default=0)) for terms in ranked
                 if rank < len(terms)):
        if len(chosen) >= wanted:
            break
        if term not in chosen and (not chosen or frequencies[term] <= budget):
            chosen[term] = None
            budget -= frequencies[term]
    return list(chosen)


class ReferenceIndex:
    def __init__(self, storage: ReferenceStorage, max_chars: int = MAX_REFERENCE_CHARS,
                 synonyms: SynonymTable | None = None):
        """``synonyms``: what the sentence alignment reads as rewordings (by default the table shipped
        with the package, read at the first query)."""
        self.storage = storage
        self.max_chars = max_chars
        self._synonyms = synonyms

    @property
    def synonyms(self) -> SynonymTable:
        if self._synonyms is None:
            self._synonyms = bundled()
        return self._synonyms

    def add_many(self, documents: list[tuple[str, str]], pool: Executor | None = None) -> list[dict]:
        """Index (id, text) pairs in one atomic write; returns one error per rejected document, with
        its position in ``documents`` (``index``). The others are stored. ``pool``: processes
        (``entry_pool``) that compute the entries, a share each; by default this process does."""
        accepted, errors, seen = [], [], set()
        for position, (document_id, text) in enumerate(documents):
            try:
                check_id(document_id)
                if document_id in seen:
                    raise DocumentError("duplicate_id", f"id {document_id!r} appears more than once in this batch")
                check_text(text, self.max_chars)
            except DocumentError as exc:
                errors.append({"index": position, "id": None if exc.code == "invalid_id" else document_id,
                               "code": exc.code, "message": str(exc)})
                continue
            seen.add(document_id)
            accepted.append((document_id, text))
        if accepted:
            self.storage.add_many(entries(accepted, pool))
        return errors

    def remove(self, document_id: str) -> bool:
        return self.storage.remove(document_id)

    def stats(self) -> dict:
        return self.storage.stats()

    def query(self, text: str, limit: int = 3) -> list[Match]:
        """Sources of ``text``, best copy first; empty when nothing matches. A text that cannot be
        read raises ``DocumentError``."""
        view = reader_view(check_text(text, self.max_chars))
        query = prepare(view.text, self.synonyms)
        fingerprinted = set(self._fingerprinted(query.immutable))
        candidates = list(dict.fromkeys([*fingerprinted, *self._lexical(query.tokens, query.immutable)]))
        matches = self._matches(query, self.storage.sketches(candidates), fingerprinted)
        return [in_query_as_sent(m, view) for m in sorted(matches, key=lambda m: -m.copy_score)[:limit]]

    def _fingerprinted(self, immutable: list[str | None]) -> list[str]:
        """Sources whose fingerprint holds most of the query's: candidates for a spun copy."""
        hashes = shingle_hashes(immutable)
        keys = fingerprint_keys(hashes)
        if not keys:
            return []
        shared = self.storage.candidates(keys)
        # A source shares many bands with its spun copy, chance neighbours one or two: only
        # candidates with at least half the best count are worth verifying.
        candidates = [source_id for source_id, count in shared if 2 * count >= shared[0][1]]
        return [source_id for source_id, fingerprint in self.storage.fingerprints(candidates).items()
                if containment(hashes, unpack(fingerprint)) >= MIN_CONTAINMENT]

    def _lexical(self, tokens: list[Token], immutable: list[str | None]) -> list[str]:
        """The sources that rank highest by BM25 over the query's rarest terms, down to
        ``LEXICAL_RATIO`` of the best score."""
        ranked = self.storage.search(self.search_terms(tokens, immutable), LEXICAL_CANDIDATES)
        return [source_id for source_id, score in ranked if score >= LEXICAL_RATIO * ranked[0][1]]

    def search_terms(self, tokens: list[Token], immutable: list[str | None]) -> list[str]:
        """The query's terms that the lexical stage searches for: ``rare_terms`` of its regions, each
        region's content terms and sampled immutable 5-grams."""
        regions = [document_terms(tokens[k:k + REGION_TOKENS])
                   + shingle_terms(shingle_hashes(immutable[k:k + REGION_TOKENS]))
                   for k in range(0, len(tokens), REGION_TOKENS)]
        names = {term for k, token in enumerate(tokens) if token.is_number or is_capitalized_name(tokens, k)
                 for term in word_terms(token.text)}
        return rare_terms(regions, self.storage.frequencies(list(dict.fromkeys(chain(*regions)))), names)

    def _matches(self, query: Prepared, sketches: dict[str, bytes], fingerprinted: set[str]) -> list[Match]:
        """Matches of the candidates the sentence alignment accepts (and of fingerprinted ones, which
        may match on their word alignment). Texts are read for those only; a text stored under
        several ids (the corpora repeat articles) is compared once."""
        unpacked = {sketch: unpack_sketch(sketch) for sketch in set(sketches.values())}
        found = {sketch: evidence(query.sentences, source) for sketch, source in unpacked.items()}
        kept = [i for i, sketch in sketches.items() if found[sketch].accepted or i in fingerprinted]
        described: dict[tuple[bytes, bool], Match | None] = {}
        matches = []
        for source_id, source in self.storage.texts(kept).items():
            key = (sketches[source_id], source_id in fingerprinted)
            if key not in described:
                described[key] = describe(query, source, unpacked[key[0]], source_id, found[key[0]], key[1])
            if described[key] is not None:
                matches.append(replace(described[key], source_id=source_id))
        return matches

    def close(self) -> None:
        self.storage.close()


def open_index(location: str, create: bool = False) -> ReferenceIndex:
    """The index at ``location`` (an SQLite path or a redis:// URL), created only when ``create``."""
    return ReferenceIndex(open_storage(location, create=create))


def in_query_as_sent(match: Match, view: ReaderView) -> Match:
    """``match`` of the query's ``reader_view`` with its query offsets moved to the text as sent."""
    if not view.changed:
        return match

    def moved(part):
        begin, end = view.original(part.begin, part.end)
        return replace(part, begin=begin, end=end)

    return replace(match, substitutions=[moved(s) for s in match.substitutions],
                   insertions=[moved(i) for i in match.insertions], passages=[moved(p) for p in match.passages])
