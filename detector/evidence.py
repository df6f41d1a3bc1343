"""Recognizers: each finds one kind of spinning evidence in a tokenised document and explains it.

``SubstitutionRecognizer`` asks, for every word that some thesaurus headword lists as a synonym,
how much better each candidate original fits the surrounding words than the word that is there:
the neural context model ranks every candidate, and the n-gram statistics compare the best few.
``TorturedPhraseRecognizer`` matches a list of known spinner phrases. The engine in
``detector.features`` runs both and turns their output into document features."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.candidates import FUNCTION_WORD_SWAPS, CandidateTable
from detector.context_model import ContextModel
from detector.lm import UNKNOWN, NgramStats, bigram_keys, trigram_keys
from detector.morphology import match_case
from detector.result import Span
from detector.text import STOPWORDS, Token, is_capitalized_name, lm_form, normalize, phrase_forms

QUOTED = re.compile(r'\s*"([^"]+)"')
PARENTHESES = re.compile(r"\s*\(.*?\)")
PSEUDO_COUNT = 1.0
WINDOW_SMOOTHING = 2.0  # weight, in counts, of the shorter context in the smoothed window model
MIN_WORD_PROBABILITY = 1e-9  # for unknown words and document edges
SHORTLIST = 8  # candidates per word, best in context first, that the n-gram statistics compare
# (with 4, a quarter of swapped words had their true original outside the shortlist; with 8, an eighth:
# benchmarks/swap_coverage.py)
# A word goes on to the n-gram comparison only when the context model finds some candidate at least
# e**-2 times as likely as the word itself; the others are no plausible swaps (this drops 15% of clean
# content words and half of the function words, but under 1% of swapped words on spinner output).
MIN_CONTEXT_GAIN = -2.0
TORTURED_PHRASE_SCORE = 1.0  # a listed spinner phrase is certain evidence


PAIR_FEATURES = (
    "gain", "observed_fit", "candidate_fit",
    "observed_left", "observed_right", "observed_middle", "observed_left3", "observed_right3",
    "candidate_left", "candidate_right", "candidate_middle", "candidate_left3", "candidate_right3",
    "log_candidates", "log_support", "numeral", "function_word",
    "window_gain", "spinner_gain", "token_spinner_odds", "token_best_window_gain",
    "context_gain", "context_spinner_gain", "token_context_odds", "token_best_context_gain",
    "candidate_in_document", "word_repeated",
)


@dataclass
class SubstitutionEvidence:
    """Per scored token: position, word (statistics id), best candidate original, and the
    probability of a swap."""

    positions: np.ndarray
    words: np.ndarray
    best: np.ndarray
    logit: np.ndarray
    kinds: np.ndarray

    @property
    def probability(self) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit))


@dataclass
class CandidatePairs:
    """Every (token, candidate original) pair of a document with the features that compare them."""

    positions: np.ndarray
    words: np.ndarray  # statistics id of the word at each position
    rows: np.ndarray
    candidates: np.ndarray
    kinds: np.ndarray
    features: np.ndarray


@dataclass
class RankedCandidates:
    """The plausible swaps of a document, each with its best candidates in context (``rows`` index
    ``positions``), their context gains, and per position the odds and best gain over all candidates."""

    positions: np.ndarray
    rows: np.ndarray
    candidates: np.ndarray
    log_choice: np.ndarray
    gains: np.ndarray
    odds: np.ndarray
    best: np.ndarray


def surprise(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Log ratio of an observed to an expected count, shrunk towards zero when both are small:
    an unseen pair that was not expected either is no evidence at all."""
    return np.log((observed + PSEUDO_COUNT) / (expected + PSEUDO_COUNT))


class SubstitutionRecognizer:
    """Scores synonym, numeral and function-word swaps.

    For each word with candidate originals, the context model scores every candidate in this
    context; the ``shortlist`` best are compared with the word by the n-gram statistics (on both
    sides, and in a five-word window). A token model (``token_model``, any estimator with
    ``decision_function``), trained on spinner ground truth, turns the comparison into the
    log-odds that the word replaced that candidate."""

    KIND_NAMES = ("synonym", "numeral", "function_word")

    def __init__(self, stats: NgramStats, candidates: CandidateTable, context_model: ContextModel,
                 token_model=None, shortlist: int = SHORTLIST):
        self.stats = stats
        self.candidates = candidates
        self.context_model = context_model
        self.token_model = token_model
        self.shortlist = shortlist
        self.candidate_outputs = context_model.outputs(candidates.candidates)
        self.kind_of_id = np.zeros(len(stats.vocabulary), dtype=np.int8)
        for word, i in stats.index.items():
            if word.isdigit():
                self.kind_of_id[i] = 1
            elif word in FUNCTION_WORD_SWAPS or word in STOPWORDS:
                self.kind_of_id[i] = 2

    def pairs(self, tokens: list[Token], forms: list[str]) -> CandidatePairs:
        ids = self.stats.ids(forms)
        with_candidates = np.flatnonzero(self.candidates.counts(ids) > 0)
        eligible = with_candidates[~self._names(tokens, with_candidates)]
        ranked = self._rank_in_context(ids, eligible)
        words, rows, log_choice = ids[ranked.positions], ranked.rows, ranked.log_choice
        context = self._context(ids, ranked.positions)
        # The words and their candidates in one batch: each n-gram table is looked up once.
        fits, windows = self.fit(np.r_[words, ranked.candidates], np.hstack([context, context[:, rows]]))
        observed, candidate = fits[:, rows], fits[:, len(words):]
        observed_window, candidate_window = windows[:len(words)], windows[len(words):]
        kinds = self.kind_of_id[words]
        window_gain = candidate_window - observed_window[rows]
        window_odds, window_best = _per_row(rows, window_gain + log_choice, window_gain)
        features = np.column_stack([
            candidate.sum(0) - observed.sum(0), observed.sum(0), candidate.sum(0), *observed, *candidate,
            np.log(self.candidates.counts(words))[rows],
            np.log1p(context[5] + context[6])[rows], (kinds == 1)[rows], (kinds == 2)[rows],
            window_gain, window_gain + log_choice, window_odds[rows], window_best[rows],
            ranked.gains, ranked.gains + log_choice, ranked.odds[rows], ranked.best[rows],
            *self._document_use(ids, words, rows, ranked.candidates),
        ])
        return CandidatePairs(ranked.positions, words, rows, ranked.candidates, kinds, features)

    def _document_use(self, ids: np.ndarray, words: np.ndarray, rows: np.ndarray,
                       candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How often the document itself uses each content-word candidate, and how often it uses the
        word again elsewhere. A context-free spinner swaps some occurrences of a word and leaves the
        others, so the original often stands elsewhere in the same article; a word the author
        repeats is the article's own vocabulary. Neither depends on how the spinner picks synonyms."""
        uses = occurrences(ids, np.r_[candidates, words])
        candidate_uses, word_uses = uses[:len(candidates)], uses[len(candidates):]
        return (np.log1p(candidate_uses * (self.kind_of_id[candidates] == 0)),
                np.log1p(np.maximum(word_uses - 1, 0))[rows])

    def _rank_in_context(self, ids: np.ndarray, positions: np.ndarray) -> "RankedCandidates":
        """Score every candidate of every word with the context model; keep the plausible swaps
        and, for each, its ``shortlist`` best candidates."""
        words = ids[positions]
        rows, entries = self.candidates.expand(words)
        candidate_ids, log_choice = self.candidates.candidates[entries], self.candidates.log_choice[entries]
        vectors = self.context_model.context_vectors(ids, positions)
        output_rows, constants = (part[entries] for part in self.candidate_outputs)
        gains = (self.context_model.output_scores(vectors, rows, output_rows, constants)
                 - self.context_model.scores(vectors, words)[rows])
        # The odds that a context-free spinner put the word here, against the author writing it: summed
        # over every candidate original, each weighed by the chance that a spinner starting from it
        # picked this word from its list.
        odds, best = _per_row(rows, gains + log_choice, gains)
        plausible = best >= MIN_CONTEXT_GAIN
        keep = _top_per_row(rows, gains, self.shortlist)
        keep = keep[plausible[rows[keep]]]
        return RankedCandidates(positions[plausible], (np.cumsum(plausible) - 1)[rows[keep]], candidate_ids[keep],
                                log_choice[keep], gains[keep], odds[plausible], best[plausible])

    def analyze(self, tokens: list[Token], forms: list[str]) -> SubstitutionEvidence:
        return self.evidence(self.pairs(tokens, forms))

    def evidence(self, pairs: CandidatePairs) -> SubstitutionEvidence:
        """The token model's verdict on each scored word: its most likely swap among its pairs."""
        logits = self.token_model.decision_function(pairs.features) if len(pairs.rows) else np.zeros(0)
        best_logit, best = _best_per_row(pairs.rows, logits, pairs.candidates, len(pairs.positions))
        return SubstitutionEvidence(pairs.positions, pairs.words, best, best_logit, pairs.kinds)

    def _context(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Per position: the two words on each side and the counts of the context alone."""
        pad = np.concatenate([[0, 0], ids, [0, 0]])
        left2, left, right, right2 = (pad[offset:len(pad) - 4 + offset][positions] for offset in (0, 1, 3, 4))
        pairs = self.stats.count("bigram", np.concatenate([bigram_keys(left2, left), bigram_keys(right, right2)]))
        return np.vstack([left2, left, right, right2, self.stats.count("skip", bigram_keys(left, right)),
                          self.stats.unigram[left], self.stats.unigram[right], *np.split(pairs, 2)])

    def fit(self, words: np.ndarray, context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """How well ``words`` fit this context. Five measures of how much more often they occur
        here than chance predicts (next to the left word, next to the right word, between them,
        after the two left words, before the two right words), and the log-probability of the
        five-word window with each word in the middle, relative to the word's own frequency."""
        left2, left, right, right2 = (context[k].astype(np.int64) for k in range(4))
        gap, left_total, right_total, left_pair, right_pair = context[4:]
        p = self.stats.probability(words)
        n = len(words)
        bigrams = self.stats.count("bigram", np.concatenate([bigram_keys(left, words), bigram_keys(words, right)]))
        left_bigram, right_bigram = bigrams[:n], bigrams[n:]
        left_seen, right_seen = left_bigram > 0, right_bigram > 0
        middle, left3, right3 = self._trigrams(np.vstack([left_seen & right_seen, left_seen, right_seen]),
                                               np.vstack([left, left2, words]), np.vstack([words, left, right]),
                                               np.vstack([right, words, right2]))
        surprises = np.vstack([
            surprise(left_bigram, left_total * p),
            surprise(right_bigram, right_total * p),
            surprise(middle, gap * p),
            surprise(left3, left_pair * p),
            surprise(right3, right_pair * p),
        ])
        word = np.maximum(p, MIN_WORD_PROBABILITY)
        after_left = _smoothed(left3, left_pair, _smoothed(left_bigram, left_total, word))
        right_word = np.maximum(self.stats.probability(right), MIN_WORD_PROBABILITY)
        right_after = _smoothed(middle, left_bigram, _smoothed(right_bigram, self.stats.unigram[words], right_word))
        right2_word = np.maximum(self.stats.probability(right2), MIN_WORD_PROBABILITY)
        right2_after = _smoothed(right3, right_bigram, _smoothed(right_pair, right_total, right2_word))
        window = np.log(after_left) + np.log(right_after) + np.log(right2_after) - np.log(word)
        return surprises, window

    def _trigrams(self, possible: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Trigram counts (of arrays of any shape, in one lookup), looked up only where both inner
        bigrams were seen: every stored trigram's bigrams are stored too, so elsewhere the count is
        known to be zero."""
        counts = np.zeros(a.shape)
        counts[possible] = self.stats.count("trigram", trigram_keys(a[possible], b[possible], c[possible]))
        return counts

    def spans(self, tokens: list[Token], evidence: SubstitutionEvidence, min_probability: float) -> list[Span]:
        found = []
        probability = evidence.probability
        for k in np.flatnonzero(probability >= min_probability):
            token = tokens[evidence.positions[k]]
            original = match_case(self.stats.vocabulary[evidence.best[k]], token.text)
            found.append(Span(token.begin, token.end, token.text, original, float(probability[k]),
                              self.KIND_NAMES[evidence.kinds[k]]))
        return found

    @staticmethod
    def _names(tokens: list[Token], positions: np.ndarray) -> np.ndarray:
        """Which of the tokens at ``positions`` are left alone: capitalised words inside sentences
        (names), unless they follow a quote or bracket, and all-capital words."""
        return np.fromiter(((len(tokens[k].text) > 1 and tokens[k].text.isupper())
                            or is_capitalized_name(tokens, k, openers="\"'(“‘") for k in positions.tolist()),
                           dtype=bool, count=len(positions))


def occurrences(ids: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """How many times each of ``queries`` occurs in ``ids`` (unknown words are never counted)."""
    unique, counts = np.unique(ids[ids != UNKNOWN], return_counts=True)
    if len(unique) == 0:
        return np.zeros(len(queries), dtype=np.int64)
    at = np.searchsorted(unique, queries).clip(max=len(unique) - 1)
    return np.where(unique[at] == queries, counts[at], 0)


def _best_per_row(rows: np.ndarray, values: np.ndarray, ids: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Maximum of ``values`` within each row group and the id that reaches it."""
    best_value = np.full(n_rows, -np.inf)
    best_id = np.zeros(n_rows, dtype=np.int64)
    if len(rows) == 0:
        return best_value, best_id
    order = np.lexsort((values, rows))
    last = np.flatnonzero(np.r_[rows[order][1:] != rows[order][:-1], True])
    best_value[rows[order][last]] = values[order][last]
    best_id[rows[order][last]] = ids[order][last]
    return best_value, best_id


def _top_per_row(rows: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Indices, in their original order, of the ``k`` largest values of each group of consecutive
    equal ``rows``."""
    if len(rows) == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    if sizes.max() <= k:
        return np.arange(len(rows))
    group = np.repeat(np.arange(len(starts)), sizes)
    offset = np.arange(len(rows)) - np.repeat(starts, sizes)
    table = np.full((len(starts), sizes.max()), -np.inf, dtype=values.dtype)
    table[group, offset] = values
    best = np.argpartition(table, -k, axis=1)[:, -k:]
    chosen = (best < sizes[:, None]) & np.isfinite(np.take_along_axis(table, best, axis=1))
    return np.sort((starts[:, None] + best)[chosen])


def _smoothed(count: np.ndarray, context_count: np.ndarray, shorter: np.ndarray) -> np.ndarray:
    """P(word | context): the count in this context, smoothed towards the shorter context's estimate."""
    return (count + WINDOW_SMOOTHING * shorter) / (context_count + WINDOW_SMOOTHING)


def _per_row(rows: np.ndarray, log_odds: np.ndarray, gains: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of consecutive, non-empty groups: the log of the summed odds and the largest gain."""
    if len(rows) == 0:
        return np.zeros(0), np.zeros(0)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    top = np.maximum.reduceat(log_odds, starts)
    summed = top + np.log(np.add.reduceat(np.exp(log_odds - np.repeat(top, sizes)), starts))
    return summed, np.maximum.reduceat(gains, starts)


class TorturedPhraseRecognizer:
    """Matches known spinner phrases ("counterfeit consciousness" for "artificial intelligence")."""

    def __init__(self, phrases: dict[tuple[str, ...], str]):
        self.phrases = phrases  # keyed by ``phrase_forms``: numbers as written
        # By the statistics forms of the first two words (what the engine has for every token), longest first.
        self.by_opening: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):
            self.by_opening.setdefault((lm_form(phrase[0]), lm_form(phrase[1])), []).append(phrase)

    @classmethod
    def from_csv(cls, path: str | Path) -> "TorturedPhraseRecognizer":
        """Rows ``tortured_phrase, expected_phrase``. Search expressions that are not one phrase
        (``"a" AND "b"``, proximity ``~10``) are skipped; ``NOT`` clauses are dropped."""
        phrases = {}
        with open(path, encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                search = row["tortured_phrase"]
                quoted = QUOTED.match(search)
                if quoted is None or " AND " in search or "~" in search:
                    continue
                expected = PARENTHESES.sub("", row["expected_phrase"]).strip(" ?")
                key = tuple(phrase_forms(quoted.group(1)))
                if len(key) >= 2 and expected and key != tuple(phrase_forms(expected)):
                    phrases[key] = expected
        return cls(phrases)

    def spans(self, text: str, tokens: list[Token], forms: list[str]) -> list[Span]:
        found = []
        next_free = 0
        for k in [k for k, opening in enumerate(zip(forms, forms[1:])) if opening in self.by_opening]:
            if k < next_free:
                continue
            match = next((p for p in self.by_opening[forms[k], forms[k + 1]]
                          if _as_written(tokens, forms, k, len(p)) == p), None)
            if match is None:
                continue
            first, last = tokens[k], tokens[k + len(match) - 1]
            found.append(Span(first.begin, last.end, text[first.begin:last.end], self.phrases[match],
                              TORTURED_PHRASE_SCORE, "tortured_phrase"))
            next_free = k + len(match)
        return found


def _as_written(tokens: list[Token], forms: list[str], start: int, length: int) -> tuple[str, ...]:
    """The ``phrase_forms`` of ``length`` tokens from ``start``: statistics forms, numbers unfolded."""
    return tuple(normalize(tokens[j].text).lower() if tokens[j].text[0].isdigit() else forms[j]
                 for j in range(start, min(start + length, len(forms))))


CONTRACTIONS = {
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "can't": "cannot", "won't": "will not",
    "isn't": "is not", "aren't": "are not", "wasn't": "was not", "weren't": "were not", "hasn't": "has not",
    "haven't": "have not", "hadn't": "had not", "couldn't": "could not", "wouldn't": "would not",
    "shouldn't": "should not", "it's": "it is", "that's": "that is", "we're": "we are", "they're": "they are",
    "you're": "you are", "i'm": "i am", "we've": "we have", "they've": "they have", "i've": "i have",
    "let's": "let us", "there's": "there is",
}
EXPANSIONS = {expanded: short for short, expanded in CONTRACTIONS.items() if " " in expanded}
STYLE_FLIP_SCORE = 0.3  # a hint, not proof: 16% of clean BBC test articles mix the forms (quotes)


class StyleFlipRecognizer:
    """Contraction flips: a document that writes both "do not" and "don't" may have had one form
    rewritten by a spinner; the rarer form is pointed at, with the usual form as its original.
    These spans explain; they do not change the document score."""

    def spans(self, text: str, tokens: list[Token], forms: list[str]) -> list[Span]:
        places: dict[str, dict[str, list[tuple[int, int]]]] = {}
        for k, form in enumerate(forms):
            if form in CONTRACTIONS:
                places.setdefault(form, {"short": [], "long": []})["short"].append((k, k))
            elif k + 1 < len(forms) and (expanded := f"{form} {forms[k + 1]}") in EXPANSIONS:
                places.setdefault(EXPANSIONS[expanded], {"short": [], "long": []})["long"].append((k, k + 1))
        found = []
        for contraction, seen in places.items():
            if not seen["short"] or not seen["long"]:
                continue
            rare, usual = ("short", CONTRACTIONS[contraction]) if len(seen["short"]) < len(seen["long"]) \
                else ("long", contraction)
            for first, last in seen[rare]:
                begin, end = tokens[first].begin, tokens[last].end
                found.append(Span(begin, end, text[begin:end], match_case(usual, tokens[first].text),
                                  STYLE_FLIP_SCORE, "style_flip"))
        return found

