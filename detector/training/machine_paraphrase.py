"""Training the machine-paraphrase attribute on machine rewrites and human text of the same
content: WMT21 human and machine translations of the same source documents, and, where the data has
them, ChatGPT polish of abstracts and QuillBot output with human text of their kind
(``detector.training.rewrites``). Native English news are extra negatives.

Sources, pairs and questions are split between training, validation and test so no source is on
both sides, and whole MT systems (``HELD_OUT_SYSTEMS``) are kept out of training and validation so
the test measures systems never seen."""
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
from detector.phrasing import PROFILE, PhrasingLexicon
from detector.style import style_features
from detector.text import token_forms, tokenize
from detector.training.compile import compile_forest, compile_lexical
from detector.training.corpora import Article, split_of
from detector.training.lexical import lexical_model
from detector.training.phrasing import phrasing_weights
from detector.training.rewrites import Rewrite
from detector.training.translations import Translation, read_translations

TRANSLATION_SPLITS = (("train", 70), ("validation", 10), ("test", 20))  # also the rewrites' splits
# MT systems never trained on, at least one in every language pair: the test's unseen systems.
HELD_OUT_SYSTEMS = frozenset({"Online-W", "Facebook-AI", "NiuTrans", "Borderline", "UEdin", "AMU",
                              "Allegro.eu", "CUNI-DocTransformer", "IIE-MT", "AFRL"})
TRANSLATION = "translation"  # the kind of rewriter of the WMT21 examples
MIN_TRAINING_WORDS = 50
NATIVE_WEIGHT = 0.5            # a native article weighs half as much as all translations of one source
MAX_NATIVE_DOCUMENTS = 2000    # per split
MAX_FALSE_POSITIVE_RATE = 0.01  # on native validation news
MAX_HUMAN_FALSE_POSITIVE_RATE = 0.02  # on the human validation texts of each family (other prose)
FOLDS = 5                      # cross-fitting of the lexical score and the phrasing profile
REGULARIZATION_GRID = (0.01, 0.03, 0.1)  # inverse strengths C tried for the lexical regression


@dataclass
class TranslationSplits:
    train: list[Translation] = field(default_factory=list)
    validation: list[Translation] = field(default_factory=list)
    test: list[Translation] = field(default_factory=list)


@dataclass(frozen=True)
class Example:
    """One text the attribute learns from: a machine rewrite (label 1) or human text of its kind."""
    text: str
    label: int
    kind: str   # the kind of rewriter of its family
    group: str  # the source, pair or question it shares with the other texts of its family


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


def examples(translations: list[Translation], rewrites: list[Rewrite]) -> list[Example]:
    """The texts of 50 words or more, translations and rewrites alike."""
    rows = [Example(t.text, t.label, TRANSLATION, t.source) for t in translations]
    rows += [Example(r.text, r.label, r.kind, r.group) for r in rewrites]
    return [row for row in rows if len(row.text.split()) >= MIN_TRAINING_WORDS]


def balanced_weights(rows: list[Example]) -> np.ndarray:
    """The machine and the human texts of each group weigh one each in total, so neither the number
    of systems nor the topic of a source tilts the model; then every kind of rewriter weighs as
    much as the translations (or, without them, as the first kind)."""
    sizes: dict[tuple[str, str, int], int] = {}
    for row in rows:
        sizes[row.kind, row.group, row.label] = sizes.get((row.kind, row.group, row.label), 0) + 1
    weights = np.array([1.0 / sizes[row.kind, row.group, row.label] for row in rows])
    kinds = np.array([row.kind for row in rows])
    reference = weights[kinds == (TRANSLATION if TRANSLATION in kinds else kinds[0])].sum()
    for kind in set(kinds.tolist()):
        weights[kinds == kind] *= reference / weights[kinds == kind].sum()
    return weights


def style_matrix(texts: list[str], stats: NgramStats, desc: str) -> np.ndarray:
    rows = []
    for text in tqdm(texts, desc=desc, unit=" docs", mininterval=5):
        tokens = tokenize(text)
        rows.append(style_features(tokens, token_forms(text, tokens), stats))
    return np.vstack(rows)


def fit_lexical(rows: list[Example], C: float):
    weights = balanced_weights(rows)
    return lexical_model(C).fit([r.text for r in rows], [r.label for r in rows],
                                regression__sample_weight=weights * len(weights) / weights.sum())


def fit_phrasing(rows: list[Example]) -> PhrasingLexicon:
    """A lexicon with one kind per kind of rewriter in ``rows``, each learned from its own family."""
    kinds = list(dict.fromkeys(row.kind for row in rows))
    return PhrasingLexicon.from_weights({kind: phrasing_weights([r.text for r in rows if r.kind == kind],
                                                                [r.label for r in rows if r.kind == kind])
                                         for kind in kinds})


def choose_regularization(training: list[Example], validation: list[Example]) -> tuple[float, dict]:
    """The regression strength whose lexical scores rank the validation texts best."""
    labels = [r.label for r in validation]
    auc = {C: float(roc_auc_score(labels, fit_lexical(training, C).decision_function([r.text for r in validation])))
           for C in tqdm(REGULARIZATION_GRID, desc="lexical regularization")}
    return max(auc, key=auc.get), {str(C): value for C, value in auc.items()}


def cross_fitted_features(rows: list[Example], C: float, kinds: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Lexical scores and phrasing profiles of the training texts from models that never saw
    their group. ``kinds`` orders the profile as the final lexicon does."""
    lexical, phrasing = np.zeros(len(rows)), np.zeros((len(rows), len(kinds) * len(PROFILE)))
    folds = GroupKFold(FOLDS).split(rows, groups=[f"{r.kind}:{r.group}" for r in rows])
    for fit_rows, score_rows in tqdm(folds, total=FOLDS, desc="cross-fitted folds"):
        fitting = [rows[i] for i in fit_rows]
        texts = [rows[i].text for i in score_rows]
        lexical[score_rows] = fit_lexical(translations_of(fitting), C).decision_function(texts)
        lexicon = _in_order(fit_phrasing(fitting), kinds)
        phrasing[score_rows] = np.vstack([lexicon.features(text) for text in texts])
    return lexical, phrasing


def _in_order(lexicon: PhrasingLexicon, kinds: tuple[str, ...]) -> PhrasingLexicon:
    """The lexicon with its kinds in ``kinds`` order (a kind it lacks weighs nothing)."""
    columns = {kind: lexicon.weights[:, lexicon.kinds.index(kind)] if kind in lexicon.kinds else np.zeros(len(lexicon.words))
               for kind in kinds}
    return PhrasingLexicon(lexicon.words, np.column_stack([columns[kind] for kind in kinds]), kinds)


def attribute_features(lexical, lexicon: PhrasingLexicon, texts: list[str], stats: NgramStats, desc: str) -> np.ndarray:
    """The classifier's rows for texts the lexical model and the lexicon never trained on, in the
    order of ``MachineParaphraseModel.features``."""
    lexical_scores, style = lexical.decision_function(texts), style_matrix(texts, stats, desc)
    return np.column_stack([lexical_scores, style, np.vstack([lexicon.features(t) for t in texts])])


def attribute_classifier(seed: int, features: int | None = None) -> HistGradientBoostingClassifier:
    """The attribute's classifier; with the number of ``features``, its score can only rise with
    the lexical score (the first feature)."""
    return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, l2_regularization=1.0,
                                          random_state=seed,
                                          monotonic_cst=[1] + [0] * (features - 1) if features else None)


def train_machine_paraphrase(stats: NgramStats, splits: TranslationSplits, rewrites: dict[str, list[Rewrite]],
                             native_train: list[Article], native_validation: list[Article],
                             seed: int) -> tuple[MachineParaphraseModel, dict]:
    """The fitted attribute model and what the manifest records about its training. ``rewrites``
    are split like the translations (``{"train": [...], "validation": [...], ...}``, may be empty).
    Everything is fitted on the training texts; the validation texts choose the lexical model's
    strength and, with native validation news, the threshold."""
    training = examples(splits.train, rewrites.get("train", []))
    validation = examples(splits.validation, rewrites.get("validation", []))
    C, validation_auc = choose_regularization(translations_of(training), translations_of(validation))
    lexical, lexicon = fit_lexical(translations_of(training), C), fit_phrasing(training)
    native = [a.text for a in native_train[:MAX_NATIVE_DOCUMENTS]]
    lexical_scores, phrasing = cross_fitted_features(training, C, lexicon.kinds)
    style = style_matrix([r.text for r in training], stats, "style features")
    features = np.vstack([np.column_stack([lexical_scores, style, phrasing]),
                          attribute_features(lexical, lexicon, native, stats, "native style")])
    labels = np.array([r.label for r in training] + [0] * len(native))
    weights = np.concatenate([balanced_weights(training), np.full(len(native), NATIVE_WEIGHT)])
    classifier = attribute_classifier(seed, features.shape[1]).fit(features, labels, sample_weight=weights)
    model = MachineParaphraseModel(compile_lexical(lexical), compile_forest(classifier, FEATURE_NAMES + lexicon.feature_names),
                                   0.5, stats, lexicon)

    native_texts = [a.text for a in native_validation[:MAX_NATIVE_DOCUMENTS]]
    scores = {"native news": model.probability(attribute_features(lexical, lexicon, native_texts, stats, "validation native"))}
    validation_scores = model.probability(attribute_features(lexical, lexicon, [r.text for r in validation], stats,
                                                             "validation texts"))
    labels = np.array([r.label for r in validation])
    kinds = np.array([r.kind for r in validation])
    model.threshold = choose_threshold(scores["native news"], {kind: validation_scores[(kinds == kind) & (labels == 0)]
                                                              for kind in lexicon.kinds})
    record = {
        "threshold": model.threshold, "held_out_systems": sorted(HELD_OUT_SYSTEMS),
        "splits": [list(s) for s in TRANSLATION_SPLITS], "kinds": list(lexicon.kinds),
        "lexical_regularization": C, "lexical_validation_auc_by_regularization": validation_auc,
        "documents": {**{kind: sum(1 for r in training if r.kind == kind) for kind in lexicon.kinds},
                      "native_negatives": len(native), "validation": len(validation), "validation_native": len(native_texts)},
        "validation": {"native news": binary_metrics(scores["native news"], np.zeros(len(native_texts)), model.threshold),
                       **{kind: binary_metrics(validation_scores[kinds == kind], labels[kinds == kind], model.threshold)
                          for kind in lexicon.kinds}},
    }
    return model, record


def translations_of(rows: list[Example]) -> list[Example]:
    """The translations among ``rows``: what the lexical model learns from (pooled with the LLM and
    tool rewrites, it loses the translations' signal: note 058)."""
    return [row for row in rows if row.kind == TRANSLATION]


def choose_threshold(native: np.ndarray, human_by_kind: dict[str, np.ndarray]) -> float:
    """The lowest threshold (at least 0.5) that flags at most 1% of native news and at most 2% of
    the human texts of each family (abstracts, course answers, human translations)."""
    limits = [np.quantile(native, 1 - MAX_FALSE_POSITIVE_RATE)]
    limits += [np.quantile(scores, 1 - MAX_HUMAN_FALSE_POSITIVE_RATE) for scores in human_by_kind.values() if len(scores)]
    return float(max(0.5, max(limits) + 1e-6))
