"""Recognizers: each finds one kind of spinning evidence in a tokenised document and explains it.

``SubstitutionRecognizer`` asks, for every word that some thesaurus headword lists as a synonym,
how much better each candidate original fits the surrounding words than the word that is there.
``TorturedPhraseRecognizer`` matches a list of known spinner phrases. The engine in
``detector.features`` runs both and turns their output into document features."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detector.lm import NgramStats, bigram_keys, trigram_keys
from detector.morphology import match_case
from detector.text import Token, lm_forms, sentence_starts
from detector.thesaurus import FUNCTION_WORD_SWAPS, CandidateTable

QUOTED = re.compile(r'\s*"([^"]+)"')
PARENTHESES = re.compile(r"\s*\(.*?\)")
PSEUDO_COUNT = 1.0
TORTURED_PHRASE_SCORE = 1.0  # a listed spinner phrase is certain evidence


@dataclass(frozen=True)
class Span:
    begin: int
    end: int
    text: str
    likely_original: str
    score: float
    kind: str

    def to_dict(self) -> dict:
        return {"begin": self.begin, "end": self.end, "text": self.text,
                "likely_original": self.likely_original, "score": round(self.score, 3), "kind": self.kind}


PAIR_FEATURES = (
    "gain", "observed_fit", "candidate_fit",
    "observed_left", "observed_right", "observed_middle", "observed_left3", "observed_right3",
    "candidate_left", "candidate_right", "candidate_middle", "candidate_left3", "candidate_right3",
    "log_candidates", "log_support", "numeral", "function_word",
)


@dataclass
class SubstitutionEvidence:
    """Per scored token: position, best candidate original, and the probability of a swap."""

    positions: np.ndarray
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
    rows: np.ndarray
    candidates: np.ndarray
    kinds: np.ndarray
    features: np.ndarray


def surprise(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Log ratio of an observed to an expected count, shrunk towards zero when both are small:
    an unseen pair that was not expected either is no evidence at all."""
    return np.log((observed + PSEUDO_COUNT) / (expected + PSEUDO_COUNT))


class SubstitutionRecognizer:
    """Scores synonym, numeral and function-word swaps with the n-gram statistics.

    For each word with candidate originals it compares how well the word and each candidate fit
    the words on both sides; a token model (``token_model``, any estimator with
    ``decision_function``), trained on spinner ground truth, turns the comparison into the
    log-odds that the word replaced that candidate."""

    KIND_NAMES = ("synonym", "numeral", "function_word")

    def __init__(self, stats: NgramStats, candidates: CandidateTable, token_model=None):
        self.stats = stats
        self.candidates = candidates
        self.token_model = token_model
        self.kind_of_id = np.zeros(len(stats.vocabulary), dtype=np.int8)
        for word, i in stats.index.items():
            if word.isdigit():
                self.kind_of_id[i] = 1
            elif word in FUNCTION_WORD_SWAPS:
                self.kind_of_id[i] = 2

    def pairs(self, tokens: list[Token], forms: list[str]) -> CandidatePairs:
        ids = self.stats.ids(forms)
        eligible = np.flatnonzero((self.candidates.counts(ids) > 0) & ~self._names(tokens))
        context = self._context(ids, eligible)
        observed = self.fit(ids[eligible], context)
        rows, candidate_ids = self.candidates.expand(ids[eligible])
        candidate = self.fit(candidate_ids, context[:, rows])
        kinds = self.kind_of_id[ids[eligible]]
        observed = observed[:, rows]
        features = np.column_stack([
            candidate.sum(0) - observed.sum(0), observed.sum(0), candidate.sum(0), *observed, *candidate,
            np.log(self.candidates.counts(ids[eligible]))[rows],
            np.log1p(context[5] + context[6])[rows], (kinds == 1)[rows], (kinds == 2)[rows],
        ])
        return CandidatePairs(eligible, rows, candidate_ids, kinds, features)

    def analyze(self, tokens: list[Token], forms: list[str]) -> SubstitutionEvidence:
        pairs = self.pairs(tokens, forms)
        logits = self.token_model.decision_function(pairs.features) if len(pairs.rows) else np.zeros(0)
        best_logit, best = _best_per_row(pairs.rows, logits, pairs.candidates, len(pairs.positions))
        return SubstitutionEvidence(pairs.positions, best, best_logit, pairs.kinds)

    def _context(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Per position: the two words on each side and the counts of the context alone."""
        pad = np.concatenate([[0, 0], ids, [0, 0]])
        left2, left, right, right2 = (pad[offset:len(pad) - 4 + offset][positions] for offset in (0, 1, 3, 4))
        count = self.stats.count
        return np.vstack([left2, left, right, right2, count("skip", bigram_keys(left, right)),
                          self.stats.unigram[left], self.stats.unigram[right],
                          count("bigram", bigram_keys(left2, left)), count("bigram", bigram_keys(right, right2))])

    def fit(self, words: np.ndarray, context: np.ndarray) -> np.ndarray:
        """Five measures of how much more often ``words`` occur in this context than chance predicts:
        next to the left word, next to the right word, between them, after the two left words and
        before the two right words."""
        left2, left, right, right2 = (context[k].astype(np.int64) for k in range(4))
        gap, left_total, right_total, left_pair, right_pair = context[4:]
        p = self.stats.probability(words)
        n = len(words)
        bigrams = self.stats.count("bigram", np.concatenate([bigram_keys(left, words), bigram_keys(words, right)]))
        left_seen, right_seen = bigrams[:n] > 0, bigrams[n:] > 0
        return np.vstack([
            surprise(bigrams[:n], left_total * p),
            surprise(bigrams[n:], right_total * p),
            surprise(self._trigrams(left_seen & right_seen, left, words, right), gap * p),
            surprise(self._trigrams(left_seen, left2, left, words), left_pair * p),
            surprise(self._trigrams(right_seen, words, right, right2), right_pair * p),
        ])

    def _trigrams(self, possible: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Trigram counts, looked up only where both inner bigrams were seen: every stored
        trigram's bigrams are stored too, so elsewhere the count is known to be zero."""
        counts = np.zeros(len(a))
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
    def _names(tokens: list[Token]) -> np.ndarray:
        """Capitalised words inside sentences (names) and all-capital words are left alone."""
        starts = sentence_starts(tokens)
        capital = np.fromiter((t.text[0].isupper() for t in tokens), dtype=bool, count=len(tokens))
        shouting = np.fromiter((len(t.text) > 1 and t.text.isupper() for t in tokens), dtype=bool, count=len(tokens))
        after_quote = np.zeros(len(tokens), dtype=bool)
        after_quote[1:] = np.fromiter((t.text in "\"'(“‘" for t in tokens[:-1]), dtype=bool, count=len(tokens) - 1)
        return (capital & ~starts & ~after_quote) | shouting


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


class TorturedPhraseRecognizer:
    """Matches known spinner phrases ("counterfeit consciousness" for "artificial intelligence")."""

    def __init__(self, phrases: dict[tuple[str, ...], str]):
        self.phrases = phrases
        self.by_first_word: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):
            self.by_first_word.setdefault(phrase[0], []).append(phrase)

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
                key = tuple(lm_forms(quoted.group(1)))
                if len(key) >= 2 and expected and key != tuple(lm_forms(expected)):
                    phrases[key] = expected
        return cls(phrases)

    def spans(self, text: str, tokens: list[Token], forms: list[str]) -> list[Span]:
        found = []
        next_free = 0
        for k in [k for k, form in enumerate(forms) if form in self.by_first_word]:
            if k < next_free:
                continue
            match = next((p for p in self.by_first_word[forms[k]] if tuple(forms[k:k + len(p)]) == p), None)
            if match is None:
                continue
            first, last = tokens[k], tokens[k + len(match) - 1]
            found.append(Span(first.begin, last.end, text[first.begin:last.end], self.phrases[match],
                              TORTURED_PHRASE_SCORE, "tortured_phrase"))
            next_free = k + len(match)
        return found


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

