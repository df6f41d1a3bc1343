import json
import shutil

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from detector.artifact import MANIFEST, ArtifactError, read_artifact, sha256
from detector.compiled import CompiledForest, CompiledLinear
from detector.lexical import CompiledLexical
from detector.scoring import Detector
from detector.training.compile import compile_forest, compile_lexical, compile_linear
from detector.training.lexical import lexical_model
from tests.fixture_corpus import fixture_translations

NAMES = tuple(f"f{k}" for k in range(6))


def random_problem(rows=400, seed=0):
    rng = np.random.RandomState(seed)
    features = rng.rand(rows, len(NAMES)) * 3
    return features, (features[:, 0] + features[:, 1] * features[:, 2] + rng.rand(rows) > 3).astype(int)


def round_trip(model, cls, prefix="m_"):
    return cls.from_arrays(model.to_arrays(prefix), prefix)


def test_compiled_forest_predicts_what_scikit_learn_predicts():
    features, labels = random_problem()
    classifier = HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=15, random_state=0).fit(features, labels)
    compiled = round_trip(compile_forest(classifier, NAMES), CompiledForest)
    rows = np.random.RandomState(1).rand(200, len(NAMES)) * 4 - 0.5
    assert np.allclose(compiled.predict_proba(rows), classifier.predict_proba(rows), atol=1e-12)
    assert compiled.feature_names == NAMES


def test_compiled_linear_model_gives_the_pipelines_decision_values():
    features, labels = random_problem(seed=2)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(features, labels)
    compiled = round_trip(compile_linear(pipeline, NAMES), CompiledLinear)
    assert np.allclose(compiled.decision_function(features), pipeline.decision_function(features), atol=1e-9)


def test_compiled_lexical_model_gives_the_pipelines_decision_values():
    records = fixture_translations(20, seed=5)
    texts = [" ".join(r["refs"]["A"]) for r in records] + [" ".join(r["hyps"]["SystemOne"]) for r in records]
    pipeline = lexical_model().fit(texts, [0] * len(records) + [1] * len(records))
    compiled = round_trip(compile_lexical(pipeline), CompiledLexical)
    unseen = [" ".join(r["hyps"]["Facebook-AI"]) for r in fixture_translations(5, seed=6)]
    assert np.allclose([compiled.decision(t) for t in unseen], pipeline.decision_function(unseen), atol=1e-9)


def test_the_artifact_holds_no_pickles(tiny_model):
    artifact = read_artifact(tiny_model)  # np.load(..., allow_pickle=False) for every array file
    assert not list(tiny_model.glob("*.joblib")) and not list(tiny_model.glob("*.pkl"))
    assert all(array.dtype != object for array in artifact.arrays.values())


def edited_copy(tiny_model, tmp_path, edit_manifest=None, edit_arrays=None):
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    manifest = json.loads((copy / MANIFEST).read_text())
    if edit_arrays:
        with np.load(copy / "models.npz") as data:
            arrays = {key: data[key] for key in data.files}
        edit_arrays(arrays)
        np.savez_compressed(copy / "models.npz", **arrays)
        manifest["files"]["models.npz"] = sha256(copy / "models.npz")
    if edit_manifest:
        edit_manifest(manifest)
    (copy / MANIFEST).write_text(json.dumps(manifest))
    return copy


def test_an_older_format_is_refused_with_what_to_do(tiny_model, tmp_path):
    copy = edited_copy(tiny_model, tmp_path, edit_manifest=lambda m: m.update(format_version=9, code_version="0.7.1"))
    with pytest.raises(ArtifactError, match=r"format 9, written by spun-detector 0\.7\.1.*retrain the model with "
                                            r"'spun-detector train'"):
        Detector.load(copy)


def test_format_10_reads_as_a_model_with_translation_alone(tiny_model, tmp_path):
    """Format 11 added the machine_paraphrase attribute's other kinds of rewriter; a format-10 model
    has none and scores translation as before."""
    def as_format_10(arrays):
        for key in [k for k in arrays if k.startswith("machine_rewriter")]:
            del arrays[key]

    copy = edited_copy(tiny_model, tmp_path, edit_manifest=lambda m: m.update(format_version=10), edit_arrays=as_format_10)
    old, new = Detector.load(copy), Detector.load(tiny_model)
    assert old.machine.rewriters is None and new.machine.rewriters is not None
    text = " ".join(fixture_translations(1, seed=9)[0]["hyps"]["SystemOne"])
    result = old.score(text)
    assert not [name for name in result.signals if name.startswith("machine_paraphrase_")]
    assert result.category_scores["machine_paraphrase"] == new.score(text).signals["machine_paraphrase_translation"]


def test_a_newer_format_asks_for_an_upgrade(tiny_model, tmp_path):
    copy = edited_copy(tiny_model, tmp_path, edit_manifest=lambda m: m.update(format_version=99))
    with pytest.raises(ArtifactError, match="upgrade spun-detector"):
        Detector.load(copy)


def test_a_model_trained_on_other_features_is_refused(tiny_model, tmp_path):
    def rename_a_feature(arrays):
        names = arrays["document_feature_names"].tolist()
        arrays["document_feature_names"] = np.array(names[:-1] + ["a_feature_this_code_lacks"])

    copy = edited_copy(tiny_model, tmp_path, edit_arrays=rename_a_feature)
    with pytest.raises(ArtifactError, match="trained on other features.*a_feature_this_code_lacks"):
        Detector.load(copy)


def test_a_corrupt_manifest_is_refused_in_one_line(tiny_model, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(tiny_model, copy)
    (copy / MANIFEST).write_text("{not json")
    with pytest.raises(ArtifactError, match="not valid JSON"):
        Detector.load(copy)
