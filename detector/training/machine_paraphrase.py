"""Training the machine-paraphrase attribute on WMT21 human and machine translations of the same
source documents, with native English news as extra negatives.

Sources are split between training, validation and test so no source document is on both sides,
and whole MT systems (``HELD_OUT_SYSTEMS``) are kept out of training and validation so the test
measures systems never seen."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from tqdm import tqdm

from detector.evaluation.metrics import binary_metrics
from detector.lm import NgramStats
from detector.machine_paraphrase import FEATURE_NAMES, MachineParaphraseModel
from detector.style import style_features
from detector.text import token_forms, tokenize
from detector.thresholds import lowest_threshold
from detector.training.compile import compile_forest, compile_lexical
from detector.training.corpora import Article, split_of
from detector.training.lexical import lexical_model
from detector.training.translations import Translation, read_translations

TRANSLATION_SPLITS = (("train", 70), ("validation", 10), ("test", 20))
# MT systems never trained on, at least one in every language pair: the test's unseen systems.
HELD_OUT_SYSTEMS = frozenset({"Online-W", "Facebook-AI", "NiuTrans", "Borderline", "UEdin", "AMU",
                              "Allegro.eu", "CUNI-DocTransformer", "IIE-MT", "AFRL"})
MIN_TRAINING_WORDS = 50
NATIVE_WEIGHT = 0.5            # a native article weighs half as much as all translations of one source
MAX_NATIVE_DOCUMENTS = 2000    # per split
MAX_FALSE_POSITIVE_RATE = 0.01  # on native validation news; the product promises at most 2%
LEXICAL_FOLDS = 5
REGULARIZATION_GRID = (0.01, 0.03, 0.1)  # inverse strengths C tried for the lexical regression


@dataclass
class TranslationSplits:
    train: list[Translation] = field(default_factory=list)
    validation: list[Translation] = field(default_factory=list)
    test: list[Translation] = field(default_factory=list)


def translation_splits(paths: list[str]) -> TranslationSplits:
    """Translations by split of their source; held-out systems only ever reach the test split."""
    splits = TranslationSplits()
    for path in paths:
        for translation in read_translations(path):
            split = split_of(translation.source, TRANSLATION_SPLITS)
            if split != "test" and translation.system in HELD_OUT_SYSTEMS:
                continue
            getattr(splits, split).append(translation)
    return splits


def source_balanced_weights(translations: list[Translation]) -> np.ndarray:
    """Each source's human and machine translations weigh one each in total, so neither the
    number of systems nor the topic of a source tilts the model."""
    sizes: dict[tuple[str, int], int] = {}
    for t in translations:
        sizes[t.source, t.label] = sizes.get((t.source, t.label), 0) + 1
    return np.array([1.0 / sizes[t.source, t.label] for t in translations])


def style_matrix(texts: list[str], stats: NgramStats, desc: str) -> np.ndarray:
    rows = []
    for text in tqdm(texts, desc=desc, unit=" docs", mininterval=5):
        tokens = tokenize(text)
        rows.append(style_features(tokens, token_forms(text, tokens), stats))
    return np.vstack(rows)


def fit_lexical(translations: list[Translation], C: float):
    weights = source_balanced_weights(translations)
    return lexical_model(C).fit([t.text for t in translations], [t.label for t in translations],
                                regression__sample_weight=weights * len(weights))


def choose_regularization(training: list[Translation], validation: list[Translation]) -> tuple[float, dict]:
    """The regression strength whose lexical scores rank the validation translations best."""
    labels = [t.label for t in validation]
    auc = {C: float(roc_auc_score(labels, fit_lexical(training, C).decision_function([t.text for t in validation])))
           for C in tqdm(REGULARIZATION_GRID, desc="lexical regularization")}
    return max(auc, key=auc.get), {str(C): value for C, value in auc.items()}


def cross_fitted_scores(translations: list[Translation], C: float) -> np.ndarray:
    """Lexical scores of the training translations from models that never saw their source."""
    scores = np.zeros(len(translations))
    folds = GroupKFold(LEXICAL_FOLDS).split(translations, groups=[t.source for t in translations])
    for fit_rows, score_rows in tqdm(folds, total=LEXICAL_FOLDS, desc="lexical folds"):
        model = fit_lexical([translations[i] for i in fit_rows], C)
        scores[score_rows] = model.decision_function([translations[i].text for i in score_rows])
    return scores


def attribute_features(lexical, texts: list[str], stats: NgramStats, desc: str) -> np.ndarray:
    """The classifier's rows for texts the lexical model never trained on."""
    return np.column_stack([lexical.decision_function(texts), style_matrix(texts, stats, desc)])


def attribute_classifier(seed: int) -> HistGradientBoostingClassifier:
    """The attribute's classifier over ``FEATURE_NAMES``: its score can only rise with the lexical
    score (the first feature)."""
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=1.0,
                                          random_state=seed, monotonic_cst=[1] + [0] * (len(FEATURE_NAMES) - 1))


def train_machine_paraphrase(stats: NgramStats, splits: TranslationSplits, native_train: list[Article],
                             native_validation: list[Article], seed: int) -> tuple[MachineParaphraseModel, dict]:
    """The fitted attribute model and what the manifest records about its training. The lexical
    model's strength is chosen on the validation translations, then everything is refitted on
    training and validation translations together; the threshold comes from native validation news."""
    training, validation = ([t for t in translations if len(t.text.split()) >= MIN_TRAINING_WORDS]
                            for translations in (splits.train, splits.validation))
    C, validation_auc = choose_regularization(training, validation)
    translations = training + validation
    native = [a.text for a in native_train[:MAX_NATIVE_DOCUMENTS]]
    lexical = fit_lexical(translations, C)
    translation_rows = np.column_stack([cross_fitted_scores(translations, C),
                                        style_matrix([t.text for t in translations], stats, "style features")])
    features = np.vstack([translation_rows, attribute_features(lexical, native, stats, "native style")])
    labels = np.array([t.label for t in translations] + [0] * len(native))
    weights = np.concatenate([source_balanced_weights(translations), np.full(len(native), NATIVE_WEIGHT)])
    classifier = attribute_classifier(seed).fit(features, labels, sample_weight=weights)
    model = MachineParaphraseModel(compile_lexical(lexical), compile_forest(classifier, FEATURE_NAMES), 0.5, stats)

    native_texts = [a.text for a in native_validation[:MAX_NATIVE_DOCUMENTS]]
    native_scores = model.probability(attribute_features(lexical, native_texts, stats, "validation native"))
    model.threshold = lowest_threshold(native_scores, MAX_FALSE_POSITIVE_RATE)
    record = {
        "threshold": model.threshold, "held_out_systems": sorted(HELD_OUT_SYSTEMS),
        "splits": [list(s) for s in TRANSLATION_SPLITS],
        "lexical_regularization": C, "lexical_validation_auc_by_regularization": validation_auc,
        "documents": {"translations": len(translations), "native_negatives": len(native),
                      "validation_native": len(native_texts)},
        "validation": {"native news": binary_metrics(native_scores, np.zeros(len(native_scores)), model.threshold)},
    }
    return model, record
