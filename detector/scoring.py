"""The public scoring API: load a model once, score documents one by one or in batches, for two
attributes: ``spun_text`` (synonym-spinner output) and ``machine_paraphrase`` (machine-translated
or round-trip-translated text).

Each document either yields a ``Result`` or fails alone with a ``DocumentError`` that names a code.
Nothing here imports training code: the model is read from arrays."""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from detector.artifact import Artifact, read_artifact, require_features
from detector.candidates import CandidateTable
from detector.compiled import CompiledForest, CompiledLinear
from detector.context_model import ContextModel
from detector.evidence import PAIR_FEATURES, SubstitutionRecognizer, TorturedPhraseRecognizer
from detector.features import FEATURE_NAMES, AnalysisEngine
from detector.inputs import DocumentError, check_text
from detector.language import LanguageGuess, detect_language
from detector.lm import NgramStats
from detector.machine_paraphrase import CATEGORY as MACHINE_CATEGORY
from detector.machine_paraphrase import FEATURE_NAMES as MACHINE_FEATURE_NAMES
from detector.machine_paraphrase import KIND_SIGNAL, MachineParaphraseModel
from detector.normalization import HIDDEN_WORDS, ReaderView, load_tables, reader_view
from detector.result import Result, Span, Window
from detector.settings import Settings
from detector.text import Token, sentence_windows, token_forms, tokenize
from detector.thresholds import TOO_SHORT, LengthThresholds, too_short_to_tell

__all__ = ["CATEGORIES", "CATEGORY", "Detector", "DocumentError"]

CATEGORY = "spun_text"
CATEGORIES = (CATEGORY, MACHINE_CATEGORY)
TOKEN_PREFIX, DOCUMENT_PREFIX = "token_", "document_"
TORTURED_PHRASES_FILE = "tortured_phrases"  # the manifest key of the list the model was trained with
# Chance that one match of the configured tortured-phrase list is spinner output, combined with the
# classifier by noisy-OR: one match alone stays below any useful threshold, three make a near-certainty.
TORTURED_PHRASE_EVIDENCE = 0.75
SPAN_SCORE_DECIMALS = 3
# Chance that one word holding hidden characters (zero-width, soft hyphens) or look-alike letters of
# another script comes from a spinner evading detection: a stray one from a copied page stays below
# any threshold, a text hidden word by word reaches certainty.
HIDDEN_CHARACTER_EVIDENCE = 0.1
# A long document is scored in windows of about this many words (cut at sentence ends), so that its
# score does not drift with length: four clean articles end to end were once flagged.
WINDOW_WORDS = 1000


@dataclass
class SpunEvidence:
    """What the spun_text analysis of a text found, windowed or whole."""

    score: float
    spans: list[Span]
    signals: dict
    forms: list[str]  # the statistics form of each token of the whole text
    most_suspicious: Window | None = None  # only for a text scored in windows


class Detector:
    """Spun-text and machine-paraphrase detector built from a model artifact."""

    def __init__(self, engine: AnalysisEngine, classifier: CompiledForest, spun_thresholds: LengthThresholds,
                 machine: MachineParaphraseModel | None, manifest: dict, settings: Settings, index=None):
        self.engine = engine
        self.classifier = classifier
        self.spun_thresholds = spun_thresholds  # of spun_text, by document length
        self.machine = machine  # None when the machine_paraphrase attribute is switched off
        self.manifest = manifest
        self.settings = settings
        self.index = index  # optional ReferenceIndex: results then carry "matches"

    @property
    def version(self) -> str:
        return self.manifest["version"]

    @property
    def categories(self) -> tuple[str, ...]:
        """The attributes this detector scores."""
        return CATEGORIES if self.machine is not None else (CATEGORY,)

    def thresholds_for(self, num_words: int) -> dict[str, float]:
        """The model's threshold of each attribute for a document of ``num_words`` words."""
        thresholds = {CATEGORY: self.spun_thresholds(num_words)}
        if self.machine is not None:
            thresholds[MACHINE_CATEGORY] = self.machine.threshold
        return thresholds

    def threshold_table(self) -> dict:
        """Every threshold of the model: spun_text by length band, machine_paraphrase one value."""
        table = {CATEGORY: self.spun_thresholds.to_list()}
        if self.machine is not None:
            table[MACHINE_CATEGORY] = self.machine.threshold
        return table

    @classmethod
    def load(cls, path: str | Path | None = None, settings: Settings | None = None,
             create_index: bool = False) -> "Detector":
        """The model in ``path`` (default: the settings' model path), verified and checked against
        the features this code computes; with the settings' reference index, created only when
        ``create_index`` (a service that adds references)."""
        settings = settings or Settings.from_env()
        artifact = read_artifact(path or settings.model_path)
        load_tables()
        manifest, arrays = artifact.manifest, artifact.arrays
        token_model = CompiledLinear.from_arrays(arrays, TOKEN_PREFIX)
        classifier = CompiledForest.from_arrays(arrays, DOCUMENT_PREFIX)
        require_features("token", token_model.feature_names, PAIR_FEATURES, artifact.folder)
        require_features(CATEGORY, classifier.feature_names, FEATURE_NAMES, artifact.folder)
        engine = build_engine(arrays, token_model, tortured_phrases(artifact, settings), settings.span_min_score)
        machine = None
        if settings.machine_paraphrase:
            record = manifest[MACHINE_CATEGORY]
            machine = MachineParaphraseModel.from_arrays(arrays, float(record["threshold"]), engine.substitutions.stats,
                                                         record.get("rewriters", {}).get("thresholds"))
            require_features(MACHINE_CATEGORY, machine.forest.feature_names, MACHINE_FEATURE_NAMES, artifact.folder)
            for kind, forest in (machine.rewriters.forests.items() if machine.rewriters else ()):
                require_features(f"{MACHINE_CATEGORY} {kind}", forest.feature_names, machine.rewriters.feature_names,
                                 artifact.folder)
        index = None
        if settings.index:
            from detector.reference import open_index

            index = open_index(settings.index, create=create_index)
        return cls(engine, classifier, LengthThresholds.from_list(manifest["thresholds_by_length"]), machine,
                   manifest, settings, index)

    def score(self, text, document_id: str | None = None, thresholds: dict[str, float] | None = None,
              return_spans: bool = True) -> Result:
        """Scores of both attributes; ``thresholds`` overrides the model's for some categories.
        The text is read as a reader sees it (``reader_view``); offsets point into ``text`` as sent."""
        text = check_text(text, self.settings.max_document_chars)
        view = reader_view(text)
        tokens = tokenize(view.text)
        num_words = sum(1 for t in tokens if t.text[0].isalnum())
        defaults = self.thresholds_for(num_words)
        thresholds = {**defaults, **{name: value for name, value in (thresholds or {}).items() if name in defaults}}
        language = language_of(tokens)
        result = Result(id=document_id, flagged=False, categories=dict.fromkeys(thresholds, False),
                        category_scores=dict.fromkeys(thresholds), thresholds=thresholds, spans=[],
                        signals=dict(view.counts), num_words=num_words, language=language.language,
                        supported=language.supported, model_version=self.version,
                        matches=self.index.query(text) if self.index is not None else None)
        if not language.supported:
            return replace(result, reason=language.reason)
        spun = self._spun_evidence(view.text, tokens, num_words)
        scores = {CATEGORY: with_hidden_characters(spun.score, len(view.obfuscated))}
        signals = {**spun.signals, **view.counts, HIDDEN_WORDS: len(view.obfuscated)}
        kinds = {}
        if self.machine is not None:
            kinds = self.machine.kind_scores(view.text, self.machine.features(view.text, tokens, spun.forms))
            scores[MACHINE_CATEGORY] = self.machine.score(kinds)
            if len(kinds) > 1:
                signals.update({f"{KIND_SIGNAL}{kind}": round(score, 6) for kind, score in kinds.items()})
        categories = {name: score >= thresholds[name] for name, score in scores.items()}
        if categories[CATEGORY] and too_short_to_tell(num_words, signals):
            categories[CATEGORY] = False
            signals[TOO_SHORT] = 1
        spans = []
        if return_spans:
            spans = spun.spans
            if categories.get(MACHINE_CATEGORY):
                spans = sorted(spans + self.machine.evidence(view.text, kinds), key=lambda s: -s.score)
            spans = [in_text_as_sent(s, text, view) for s in spans + hidden_character_spans(view)]
        window = spun.most_suspicious
        return replace(result, flagged=any(categories.values()), categories=categories,
                       category_scores={name: round(score, 6) for name, score in scores.items()},
                       spans=spans[: self.settings.max_spans], signals=signals,
                       most_suspicious=Window(*view.original(window.begin, window.end), window.score) if window else None)

    def _spun_evidence(self, text: str, tokens: list[Token], num_words: int) -> SpunEvidence:
        """The spun_text evidence of a text; over ``2 * WINDOW_WORDS`` words, of its windows, so that
        its score does not drift with length: the most suspicious window's score is the text's."""
        if num_words <= 2 * WINDOW_WORDS:
            analysis = self.engine.analyze(text, tokens)
            return SpunEvidence(float(self._combine(analysis.features[None, :])[0]), analysis.spans, analysis.signals,
                                analysis.forms)
        offsets = [(tokens[first].begin, tokens[end - 1].end) for first, end in sentence_windows(tokens, WINDOW_WORDS)]
        analyses = [self.engine.analyze(text[begin:end]) for begin, end in offsets]
        scores = self._combine(np.vstack([a.features for a in analyses]))
        best = int(np.argmax(scores))
        spans = sorted((replace(s, begin=s.begin + begin, end=s.end + begin)
                        for (begin, _), analysis in zip(offsets, analyses) for s in analysis.spans), key=lambda s: -s.score)
        signals = {name: round(sum(a.signals[name] for a in analyses), 2) for name in analyses[0].signals}
        return SpunEvidence(float(scores[best]), spans, signals, token_forms(text, tokens),
                            Window(*offsets[best], round(float(scores[best]), 6)))

    def language(self, text: str) -> LanguageGuess:
        """The language check of ``score``: only English prose gets scores."""
        return language_of(tokenize(text))

    def spun_scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Spun-text scores of many English texts at once, with each text's threshold (evaluation)."""
        analyses = [self.engine.analyze(text) for text in texts]
        scores = self._combine(np.vstack([a.features for a in analyses])) if texts else np.zeros(0)
        return scores, np.array([self.spun_thresholds(a.num_words) for a in analyses])

    def _combine(self, features: np.ndarray) -> np.ndarray:
        return document_probability(self.classifier, features)


def with_hidden_characters(probability: float, words: int) -> float:
    """``probability`` raised by noisy-OR for each word that holds hidden characters or look-alike
    letters: a human writer does not type them, a spinner evading detection does."""
    return 1.0 - (1.0 - probability) * (1.0 - HIDDEN_CHARACTER_EVIDENCE) ** words


def hidden_character_spans(view: ReaderView) -> list[Span]:
    """A span for each word (in ``view.text``) that held hidden characters or look-alike letters."""
    return [Span(begin, end, view.text[begin:end], view.text[begin:end], HIDDEN_CHARACTER_EVIDENCE, "hidden_characters")
            for begin, end in view.obfuscated]


def in_text_as_sent(span: Span, text: str, view: ReaderView) -> Span:
    """``span`` of ``view.text`` moved to the text as sent, its score rounded for output."""
    begin, end = view.original(span.begin, span.end)
    return replace(span, begin=begin, end=end, text=text[begin:end], score=round(span.score, SPAN_SCORE_DECIMALS))


def language_of(tokens: list[Token]) -> LanguageGuess:
    """The language of the text's words (the first 2,000 are enough to tell)."""
    return detect_language([t.text for t in tokens if t.text[0].isalpha()][:2000])


def document_probability(classifier, features: np.ndarray) -> np.ndarray:
    """Classifier probability, raised for tortured phrases; training chooses the threshold on
    exactly these scores."""
    return with_tortured_phrases(classifier.predict_proba(features)[:, 1], features)


def with_tortured_phrases(probability: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``probability`` raised by noisy-OR for each listed tortured phrase found."""
    matches = np.expm1(features[:, FEATURE_NAMES.index("tortured_phrases")])
    return 1.0 - (1.0 - probability) * (1.0 - TORTURED_PHRASE_EVIDENCE) ** matches


def tortured_phrases(artifact: Artifact, settings: Settings) -> TorturedPhraseRecognizer | None:
    """The tortured-phrase list the settings name, else the one the model was trained with."""
    path = settings.tortured_phrases or artifact.file(TORTURED_PHRASES_FILE)
    return TorturedPhraseRecognizer.from_csv(path) if path else None


def build_engine(arrays: dict[str, np.ndarray], token_model, tortured: TorturedPhraseRecognizer | None,
                 span_min_score: float) -> AnalysisEngine:
    """The analysis engine of a model's arrays; ``token_model`` is any estimator with
    ``decision_function`` (None before the token model is trained)."""
    substitutions = SubstitutionRecognizer(NgramStats.from_arrays(arrays), CandidateTable.from_arrays(arrays),
                                           ContextModel.from_arrays(arrays), token_model)
    return AnalysisEngine(substitutions, tortured, span_min_score)
