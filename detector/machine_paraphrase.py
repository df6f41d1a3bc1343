"""The machine-paraphrase attribute: was this English text reworded by a machine? Machine
translation (or translation there and back): a lexical model's score and the document's style
features feed a gradient-boosted classifier, and the word n-grams that pushed the lexical score up
are the local evidence. Models that have them add other kinds of rewriter (``detector.rewriters``:
an LLM polishing text, a paraphrasing tool), whose evidence is the wording that kind favours; the
attribute's score is the translation score unless another kind reaches the threshold (``score``)."""
from __future__ import annotations

import numpy as np

from detector.compiled import CompiledForest
from detector.lexical import CompiledLexical
from detector.lm import NgramStats
from detector.result import Span
from detector.rewriters import RewriterKinds
from detector.style import STYLE_FEATURE_NAMES, style_features
from detector.text import Token

CATEGORY = "machine_paraphrase"
FEATURE_NAMES = ("lexical_score", *STYLE_FEATURE_NAMES)
MAX_SPANS = 10
LEXICAL_PREFIX, FOREST_PREFIX = "machine_lexical_", "machine_forest_"
TRANSLATION = "translation"  # the kind of rewriter the lexical and style model scores
KIND_SIGNAL = "machine_paraphrase_"  # then a kind: that kind's score, in models with other kinds


class MachineParaphraseModel:
    """Scores one document for the machine-paraphrase attribute."""

    def __init__(self, lexical: CompiledLexical, forest: CompiledForest, threshold: float, stats: NgramStats,
                 rewriters: RewriterKinds | None = None):
        self.lexical = lexical
        self.forest = forest
        self.threshold = threshold
        self.stats = stats
        self.rewriters = rewriters

    def features(self, text: str, tokens: list[Token], forms: list[str]) -> np.ndarray:
        lexical_score = self.lexical.decision(text)
        return np.concatenate([[lexical_score], style_features(tokens, forms, self.stats)])

    def probability(self, features: np.ndarray) -> np.ndarray:
        """The machine-translation probability of rows of ``features``."""
        return self.forest.predict_proba(np.atleast_2d(features))[:, 1]

    def kind_scores(self, text: str, features: np.ndarray) -> dict[str, float]:
        """Each kind of rewriter's score for a document (``features`` from ``features``), all on
        the scale of ``threshold`` (``score`` makes the attribute's score of them)."""
        scores = {TRANSLATION: float(self.probability(features)[0])}
        if self.rewriters is not None:
            style = np.asarray(features)[len(FEATURE_NAMES) - len(STYLE_FEATURE_NAMES):]
            scores.update(self.rewriters.scores(self.rewriters.features(text, style), self.threshold))
        return scores

    def to_arrays(self) -> dict[str, np.ndarray]:
        arrays = {**self.lexical.to_arrays(LEXICAL_PREFIX), **self.forest.to_arrays(FOREST_PREFIX)}
        return {**arrays, **self.rewriters.to_arrays()} if self.rewriters is not None else arrays

    @classmethod
    def from_arrays(cls, arrays, threshold: float, stats: NgramStats,
                    rewriter_thresholds: dict[str, float] | None = None) -> "MachineParaphraseModel":
        return cls(CompiledLexical.from_arrays(arrays, LEXICAL_PREFIX), CompiledForest.from_arrays(arrays, FOREST_PREFIX),
                   threshold, stats, RewriterKinds.from_arrays(arrays, rewriter_thresholds or {}))

    def score(self, kind_scores: dict[str, float]) -> float:
        """The attribute's score: the translation score, unless another kind of rewriter reaches the
        threshold; then the largest such kind's. A kind changes no score it does not flag, so a model
        with kinds ranks and flags every text the others leave alone as its translation model does."""
        flagging = [score for kind, score in kind_scores.items() if kind != TRANSLATION and score >= self.threshold]
        return max([kind_scores[TRANSLATION], *flagging])

    def evidence(self, text: str, kind_scores: dict[str, float]) -> list[Span]:
        """The spans of the highest-scoring kind that has evidence in ``text``, among the kinds at
        or over the threshold (a kind's classifier may flag a text on its style alone)."""
        score = self.score(kind_scores)
        for kind in sorted(kind_scores, key=kind_scores.get, reverse=True):
            if kind_scores[kind] < self.threshold:
                break
            if found := self.spans(text, score, kind):
                return found
        return []

    def spans(self, text: str, probability: float, kind: str = TRANSLATION) -> list[Span]:
        """The evidence of ``kind``, scored relative to its strongest piece, times the document
        probability: for translation the word n-grams that weigh most towards it, for another
        kind the words it favours most."""
        if kind == TRANSLATION:
            found, label = self.lexical.telling_ngrams(text, MAX_SPANS), "machine_translation"
        else:
            found, label = self.rewriters.lexicon.telling_words(text, kind, MAX_SPANS), f"{kind}_wording"
        if not found:
            return []
        strongest = found[0][2]
        return [Span(begin, end, text[begin:end], "", float(probability * weight / strongest), label)
                for begin, end, weight in found]
