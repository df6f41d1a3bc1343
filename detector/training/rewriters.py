"""Training the kinds of rewriter beyond translation (``detector.rewriters``) on real rewrites
with human text of the same content (``detector.training.rewrites``).

The phrasing lexicon learns one kind per family; each kind's classifier learns from its family's
training texts (their phrasing profiles cross-fitted by pair or question, so no profile comes from
a lexicon that saw its text) and from native news, the other family's human texts and the human
translations as negatives. Its threshold is the lowest that flags at most 1% of native validation
news and at most 2% of every set of human validation texts (abstracts, course answers, human
translations)."""
from __future__ import annotations

import numpy as np
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from detector.evaluation.metrics import binary_metrics
from detector.lm import NgramStats
from detector.phrasing import PROFILE, PhrasingLexicon
from detector.rewriters import RewriterKinds, rewriter_feature_names
from detector.thresholds import lowest_threshold
from detector.training.compile import compile_forest
from detector.training.machine_paraphrase import (
    MAX_FALSE_POSITIVE_RATE,
    MAX_NATIVE_DOCUMENTS,
    MIN_TRAINING_WORDS,
    attribute_classifier,
    style_matrix,
)
from detector.training.phrasing import phrasing_lexicon
from detector.training.rewrites import Rewrite

FOLDS = 5
MAX_HUMAN_FALSE_POSITIVE_RATE = 0.02  # on each set of human validation texts (other prose than news)
HUMAN_TRANSLATIONS = "human translations"


def fit_lexicon(rewrites: list[Rewrite]) -> PhrasingLexicon:
    """One kind per kind of rewriter in ``rewrites``, each learned from its own family."""
    families: dict[str, list[tuple[str, int]]] = {}
    for r in rewrites:
        families.setdefault(r.kind, []).append((r.text, r.label))
    return phrasing_lexicon(families)


def cross_fitted_profiles(rewrites: list[Rewrite], kinds: tuple[str, ...]) -> np.ndarray:
    """Phrasing profiles of ``rewrites`` from lexicons fitted without their pair or question."""
    profiles = np.zeros((len(rewrites), len(kinds) * len(PROFILE)))
    folds = GroupKFold(FOLDS).split(rewrites, groups=[r.group for r in rewrites])
    for fit_rows, score_rows in tqdm(folds, total=FOLDS, desc="phrasing folds"):
        lexicon = fit_lexicon([rewrites[i] for i in fit_rows])
        lexicon = PhrasingLexicon(lexicon.words, _columns(lexicon, kinds), kinds)
        profiles[score_rows] = np.vstack([lexicon.features(rewrites[i].text) for i in score_rows])
    return profiles


def _columns(lexicon: PhrasingLexicon, kinds: tuple[str, ...]) -> np.ndarray:
    """The lexicon's weights with one column per kind of ``kinds`` (0 for a kind it lacks)."""
    return np.column_stack([lexicon.weights[:, lexicon.kinds.index(kind)] if kind in lexicon.kinds
                            else np.zeros(len(lexicon.words)) for kind in kinds])


def train_rewriter_kinds(stats: NgramStats, rewrites: dict[str, list[Rewrite]], human_translations: list[str],
                         native_train: list[str], native_validation: list[str], seed: int,
                         threshold: float) -> tuple[RewriterKinds, dict]:
    """The fitted kinds and what the manifest records about them. ``rewrites`` by split
    (``train``, ``validation``); ``human_translations`` are validation references; ``threshold``
    is the translation model's, onto which each kind's scores are mapped."""
    training, validation = ([r for r in rewrites[split] if len(r.text.split()) >= MIN_TRAINING_WORDS]
                            for split in ("train", "validation"))
    lexicon = fit_lexicon(training)
    names = rewriter_feature_names(lexicon)
    rows = np.column_stack([style_matrix([r.text for r in training], stats, "rewrites style"),
                            cross_fitted_profiles(training, lexicon.kinds)])
    native = native_train[:MAX_NATIVE_DOCUMENTS]
    native_rows = _rows(lexicon, stats, native, "native style")
    kinds = np.array([r.kind for r in training])
    labels = np.array([r.label for r in training])
    forests = {}
    for kind in lexicon.kinds:
        own = kinds == kind
        negatives = ~own & (labels == 0)  # the other families' human texts
        features = np.vstack([rows[own], rows[negatives], native_rows])
        targets = np.r_[labels[own], np.zeros(negatives.sum() + len(native))]
        classifier = attribute_classifier(seed).set_params(monotonic_cst=None)
        classifier.fit(features, targets, sample_weight=_balanced(targets))
        forests[kind] = compile_forest(classifier, names)
    model = RewriterKinds(lexicon, forests, dict.fromkeys(lexicon.kinds, 0.5))

    human = {"native news": native_validation[:MAX_NATIVE_DOCUMENTS], HUMAN_TRANSLATIONS: human_translations,
             **{kind: [r.text for r in validation if r.kind == kind and r.label == 0] for kind in lexicon.kinds}}
    probabilities = {name: _probabilities(model, stats, texts, name) for name, texts in human.items() if texts}
    machine = {kind: _probabilities(model, stats, [r.text for r in validation if r.kind == kind and r.label == 1], kind)[kind]
               for kind in lexicon.kinds}
    for kind in lexicon.kinds:
        model.thresholds[kind] = max(lowest_threshold(values[kind], MAX_FALSE_POSITIVE_RATE if name == "native news"
                                                      else MAX_HUMAN_FALSE_POSITIVE_RATE)
                                     for name, values in probabilities.items())
    record = {
        "kinds": list(lexicon.kinds), "thresholds": model.thresholds, "on_the_scale_of": threshold,
        "documents": {**{kind: int((kinds == kind).sum()) for kind in lexicon.kinds}, "native_negatives": len(native)},
        "validation": {kind: binary_metrics(np.r_[machine[kind], probabilities[kind][kind]],
                                            np.r_[np.ones(len(machine[kind])), np.zeros(len(probabilities[kind][kind]))],
                                            model.thresholds[kind]) for kind in lexicon.kinds if kind in probabilities},
        "validation_human_flagged": {name: {kind: float(np.mean(values[kind] >= model.thresholds[kind]))
                                            for kind in lexicon.kinds} for name, values in probabilities.items()},
    }
    return model, record


def _rows(lexicon: PhrasingLexicon, stats: NgramStats, texts: list[str], desc: str) -> np.ndarray:
    return np.column_stack([style_matrix(texts, stats, desc), np.vstack([lexicon.features(t) for t in texts])])


def _probabilities(model: RewriterKinds, stats: NgramStats, texts: list[str], desc: str) -> dict[str, np.ndarray]:
    """Each kind's own probability (not mapped) for ``texts``."""
    rows = _rows(model.lexicon, stats, texts, f"validation {desc}")
    return {kind: model.forests[kind].predict_proba(rows)[:, 1] for kind in model.kinds}


def _balanced(targets: np.ndarray) -> np.ndarray:
    """The family's rewrites weigh as much as all the negatives together."""
    positives = targets == 1
    weights = np.ones(len(targets))
    weights[positives] = (~positives).sum() / max(positives.sum(), 1)
    return weights
