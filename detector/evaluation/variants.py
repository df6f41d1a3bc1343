"""Token-evidence variants (the experiments of ``benchmarks/evidence_variants.py``): extensions that
add pair features to the token model (topic similarity, context probability, function-word
weights) or drop some, and the refit-and-evaluate loop that compares them at the document level.
The benchmark script's docstring says what each variant asks."""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import scipy.sparse
from scipy.stats import binomtest
from sklearn.decomposition import TruncatedSVD

from detector.context_model import ContextModel
from detector.evaluation.metrics import spin_metrics
from detector.evaluation.spin import BENCHMARK_POLICIES
from detector.evidence import MIN_WORD_PROBABILITY, PAIR_FEATURES, CandidatePairs, SubstitutionRecognizer
from detector.features import WordCounts, document_features, swap_signals
from detector.lm import NgramStats
from detector.scoring import document_probability
from detector.text import STOPWORDS, token_forms, tokenize
from detector.thresholds import LengthThresholds
from detector.training.context_model import BOUNDARY
from detector.training.recipe import MAX_FALSE_POSITIVE_RATE, NEWS, document_classifier, out_of_fold_scores
from detector.training.spinner import Spinner
from detector.training.thesaurus import Thesaurus
from detector.training.token_model import fit_token_model

TOPIC_FEATURES = ("topic_word", "topic_candidate", "topic_gain")
CONTEXT_PROBABILITY_FEATURES = ("context_log_probability", "context_pmi", "context_top_log_probability")
SPINNER_PRIOR_FEATURES = ("spinner_gain", "token_spinner_odds", "context_spinner_gain", "token_context_odds")
INTERACTING_FEATURES = ("gain", "observed_fit", "window_gain", "context_gain", "token_best_context_gain")
FUNCTION_WORD_FEATURES = tuple(f"function_word_{name}" for name in INTERACTING_FEATURES)
VARIANTS = {
    "base": PAIR_FEATURES,
    "topic": PAIR_FEATURES + TOPIC_FEATURES,
    "topic_gain": PAIR_FEATURES + ("topic_gain",),
    "context_probability": PAIR_FEATURES + CONTEXT_PROBABILITY_FEATURES,
    "context_pmi": PAIR_FEATURES + ("context_pmi",),
    "no_spinner_prior": tuple(name for name in PAIR_FEATURES if name not in SPINNER_PRIOR_FEATURES),
    "function_word_weights": PAIR_FEATURES + FUNCTION_WORD_FEATURES,
}
POLICIES = BENCHMARK_POLICIES + ("first",)
RATES = (0.05, 0.1)


class TopicVectors:
    """Unit LSA vectors of content words (zero rows for the others), and the direction of the
    corpus as a whole: a word's topic fit is its similarity to the document's other content words
    minus its similarity to text in general, so that general words fit no topic in particular."""

    def __init__(self, vectors: np.ndarray, general: np.ndarray):
        self.vectors = vectors
        self.general = general

    @classmethod
    def build(cls, ids: np.ndarray, stats: NgramStats, dimensions: int = 64, segment: int = 200,
              min_count: int = 20, vocabulary_size: int = 100_000, seed: int = 13) -> "TopicVectors":
        """From the statistics id stream (documents opened by ``BOUNDARY``): log term frequency
        times inverse document frequency over segments, reduced by a truncated SVD."""
        size = min(vocabulary_size, len(stats.vocabulary))
        content = np.array([w.isalpha() and w not in STOPWORDS for w in stats.vocabulary[:size]])
        content &= stats.unigram[:size] >= min_count
        boundary = ids == BOUNDARY
        document = np.cumsum(boundary)
        offset = np.arange(len(ids)) - np.flatnonzero(boundary)[np.maximum(document - 1, 0)]
        keep = ~boundary & (ids >= 0) & (ids < size)
        keep[keep] &= content[ids[keep]]
        _, segments = np.unique(document[keep].astype(np.int64) * (1 << 32) + offset[keep] // segment,
                                return_inverse=True)
        cells, counts = np.unique(segments.astype(np.int64) * size + ids[keep], return_counts=True)
        rows, columns = cells // size, cells % size
        idf = np.log((rows.max() + 1) / np.maximum(np.bincount(columns, minlength=size), 1))
        matrix = scipy.sparse.csr_matrix((np.log1p(counts) * idf[columns], (rows, columns)),
                                         shape=(rows.max() + 1, size))
        svd = TruncatedSVD(min(dimensions, size - 1, rows.max()), random_state=seed).fit(matrix)
        vectors = (svd.components_.T * svd.singular_values_).astype(np.float32) * content[:, None]
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        general = np.bincount(ids[keep], minlength=size) @ vectors
        return cls(vectors, (general / max(np.linalg.norm(general), 1e-9)).astype(np.float32))

    def of(self, words: np.ndarray) -> np.ndarray:
        return np.where((words < len(self.vectors))[:, None], self.vectors[np.minimum(words, len(self.vectors) - 1)], 0)

    def contexts(self, ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """For each of ``positions`` of the document ``ids``: the unit sum of the other words' vectors."""
        centroid = self.of(ids).sum(0)[None, :] - self.of(ids[positions])
        return centroid / np.maximum(np.linalg.norm(centroid, axis=1, keepdims=True), 1e-9)

    def fit(self, contexts: np.ndarray, words: np.ndarray) -> np.ndarray:
        """Topic fit of each of ``words`` in its row of ``contexts``."""
        vectors = self.of(words)
        return np.einsum("ij,ij->i", vectors, contexts) - vectors @ self.general


class TopicFeatures:
    """``TOPIC_FEATURES`` of every pair: the topic fit of the word and of the candidate, and the gain."""

    names = TOPIC_FEATURES

    def __init__(self, topic: TopicVectors):
        self.topic = topic

    def columns(self, recognizer: SubstitutionRecognizer, ids: np.ndarray, pairs: CandidatePairs) -> np.ndarray:
        contexts = self.topic.contexts(ids, pairs.positions)[pairs.rows]
        word = self.topic.fit(contexts, pairs.words[pairs.rows])
        candidate = self.topic.fit(contexts, pairs.candidates)
        return np.column_stack([word, candidate, candidate - word])


class ContextProbabilityFeatures:
    """``CONTEXT_PROBABILITY_FEATURES`` of every pair's word: its log-probability in context, the
    same less its log-frequency (pointwise mutual information with the context), and the
    log-probability of the likeliest word there (how constrained the slot is). The context model's
    scores are log-probabilities up to a constant per context; the constant comes from all its
    outputs, the shared rare-word output included, which is slow but exact."""

    names = CONTEXT_PROBABILITY_FEATURES

    def columns(self, recognizer: SubstitutionRecognizer, ids: np.ndarray, pairs: CandidatePairs) -> np.ndarray:
        model = recognizer.context_model
        vectors = model.context_vectors(ids, pairs.positions)
        top, normaliser = np.vstack([self._top_and_normaliser(model, chunk)
                                     for chunk in np.array_split(vectors, -(-len(vectors) // 256))]).T
        log_probability = model.scores(vectors, pairs.words) - normaliser
        frequency = np.maximum(recognizer.stats.probability(pairs.words), MIN_WORD_PROBABILITY)
        return np.column_stack([log_probability, log_probability - np.log(frequency), top - normaliser])[pairs.rows]

    @staticmethod
    def _top_and_normaliser(model: ContextModel, vectors: np.ndarray) -> np.ndarray:
        """Per context vector: the largest score over the vocabulary and the log of the summed exponentials."""
        every_word = vectors @ model.output_embeddings.T + model.output_bias
        top = every_word.max(axis=1)
        return np.column_stack([top, top + np.log(np.exp(every_word - top[:, None]).sum(axis=1))])


class FunctionWordFeatures:
    """``FUNCTION_WORD_FEATURES``: the ``INTERACTING_FEATURES`` of pairs whose word is a function word, zero elsewhere."""

    names = FUNCTION_WORD_FEATURES

    def columns(self, recognizer: SubstitutionRecognizer, ids: np.ndarray, pairs: CandidatePairs) -> np.ndarray:
        function_word = pairs.features[:, PAIR_FEATURES.index("function_word")]
        return pairs.features[:, [PAIR_FEATURES.index(name) for name in INTERACTING_FEATURES]] * function_word[:, None]


class ExtendedRecognizer(SubstitutionRecognizer):
    """The model's recognizer, with each extension's features appended to every pair."""

    def __init__(self, base: SubstitutionRecognizer, extensions: list):
        self.__dict__.update(base.__dict__)
        self.extensions = extensions

    @property
    def feature_names(self) -> tuple[str, ...]:
        return PAIR_FEATURES + tuple(name for extension in self.extensions for name in extension.names)

    def pairs(self, tokens, forms) -> CandidatePairs:
        pairs = super().pairs(tokens, forms)
        ids = self.stats.ids(forms)
        pairs.features = np.column_stack([pairs.features] + [
            extension.columns(self, ids, pairs) if len(pairs.rows) else np.zeros((0, len(extension.names)))
            for extension in self.extensions])
        return pairs


class OnColumns:
    """A fitted token model that reads only the ``columns`` of the pair features it was fitted on."""

    def __init__(self, model, columns: list[int]):
        self.model = model
        self.columns = columns

    def decision_function(self, features: np.ndarray) -> np.ndarray:
        return self.model.decision_function(features[:, self.columns])


@dataclass
class Prepared:
    """What a variant needs of one document: its candidate pairs with every feature, and counts."""

    pairs: CandidatePairs
    counts: WordCounts
    tortured_phrases: int


@dataclass
class DocumentSet:
    prepared: list[Prepared]
    labels: np.ndarray
    subsets: np.ndarray
    groups: np.ndarray | None = None

    @property
    def words(self) -> np.ndarray:
        return np.array([p.counts.words for p in self.prepared])


def prepare(recognizer: SubstitutionRecognizer, tortured, text: str) -> Prepared:
    tokens = tokenize(text)
    forms = token_forms(text, tokens)
    pairs = recognizer.pairs(tokens, forms)
    pairs.features = pairs.features.astype(np.float32)
    return Prepared(pairs, WordCounts.of(tokens, forms, recognizer.stats.index),
                    len(tortured.spans(text, tokens, forms)) if tortured else 0)


def spun_benchmark_texts(articles, thesaurus: Thesaurus, seed: int) -> tuple[list[str], list[int], list[str]]:
    """Clean articles and their spins at every policy and rate."""
    rng = random.Random(seed)
    texts, labels, subsets = [a.text for a in articles], [0] * len(articles), ["clean"] * len(articles)
    for policy in POLICIES:
        for rate in RATES:
            for article in articles:
                spinner = Spinner(thesaurus, rate=rate, policy=policy, seed=rng.randrange(1 << 30))
                texts.append(spinner.spin(article.text).text)
                labels.append(1)
                subsets.append(f"{policy} {rate:.0%}")
    return texts, labels, subsets


def document_matrix(recognizer: SubstitutionRecognizer, documents: DocumentSet) -> np.ndarray:
    """The classifier's features of every document, from the recognizer's current token model."""
    rows = []
    for p in documents.prepared:
        evidence = recognizer.evidence(p.pairs)
        signals = {**swap_signals(evidence), "tortured_phrases": p.tortured_phrases}
        rows.append(document_features(evidence, signals, p.counts))
    return np.vstack(rows)


def length_thresholds(classifier, training: DocumentSet, train_features: np.ndarray, validation: DocumentSet,
                      validation_scores: np.ndarray) -> LengthThresholds:
    """As training chooses them: on clean validation documents and clean training news scored out of fold."""
    out_of_fold = out_of_fold_scores(classifier, train_features, training.labels, training.groups)
    clean_news = (training.labels == 0) & (training.subsets == NEWS)
    clean = validation.labels == 0
    return LengthThresholds.choose(np.r_[validation_scores[clean], out_of_fold[clean_news]],
                                   np.r_[validation.words[clean], training.words[clean_news]],
                                   MAX_FALSE_POSITIVE_RATE)


def evaluate(recognizer: ExtendedRecognizer, token_data, sets: dict[str, DocumentSet], features: tuple[str, ...],
             seed: int) -> tuple[dict, np.ndarray]:
    """Refit the token model on ``features``, then the classifier and thresholds; metrics by subset,
    and which benchmark documents are flagged."""
    columns = [recognizer.feature_names.index(name) for name in features]
    pair_features, pair_labels, pair_weights = token_data
    recognizer.token_model = OnColumns(fit_token_model(pair_features[:, columns], pair_labels, pair_weights, seed),
                                       columns)
    training, validation, benchmark = sets["training"], sets["validation"], sets["benchmark"]
    train_features = document_matrix(recognizer, training)
    classifier = document_classifier(seed).fit(train_features, training.labels)
    validation_scores = document_probability(classifier, document_matrix(recognizer, validation))
    thresholds = length_thresholds(classifier, training, train_features, validation, validation_scores)
    clean = validation.labels == 0
    flagged = validation_scores[clean] >= np.array([thresholds(n) for n in validation.words[clean]])
    report = {"validation_false_positive_rate": float(np.mean(flagged))}

    scores = document_probability(classifier, document_matrix(recognizer, benchmark))
    limits = np.array([thresholds(n) for n in benchmark.words])
    report.update(spin_metrics(scores, benchmark.labels, benchmark.subsets, limits))
    return report, scores >= limits


def paired_comparison(flagged: np.ndarray, reference: np.ndarray, subsets: np.ndarray) -> dict:
    """Per subset, the documents flagged here and not by the reference (``gained``) and the reverse
    (``lost``), with the two-sided sign-test p-value of the difference. Both variants score the same
    documents, so this is much less noisy than comparing their recalls."""
    table = {}
    for subset in dict.fromkeys(subsets.tolist()):
        rows = subsets == subset
        gained, lost = int(np.sum(flagged[rows] & ~reference[rows])), int(np.sum(reference[rows] & ~flagged[rows]))
        table[subset] = {"gained": gained, "lost": lost,
                         "p_value": float(binomtest(gained, gained + lost).pvalue) if gained + lost else 1.0}
    return table
