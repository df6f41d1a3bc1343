"""Model artifact on disk: a folder with a manifest (version, checksums, training metadata and
metrics), the arrays (one ``.npz`` per group, no pickles) and the fitted token and document models.

Files are verified against the manifest's SHA-256 checksums before anything is loaded, and an
artifact written for another format version is refused."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import joblib
import numpy as np

FORMAT_VERSION = 9  # 3: adds the machine_paraphrase model; 4: spun_text thresholds by document length;
#                    5: the neural context model, function-word candidates and candidate list sizes;
#                    6: int8 context-model tables and new document features;
#                    7: one arrays file per group (n-gram statistics, candidates, context model);
#                    8: two more token-model features: the document's own use of a word and its candidates;
#                    9: token and document models fitted on 8 shortlisted candidates a word, not 4
MANIFEST = "manifest.json"
ARRAYS_SUFFIX = ".npz"
MODELS = "models.joblib"  # {"token": swap model, "document": classifier, "machine_paraphrase": {lexical, classifier}}


class ArtifactError(RuntimeError):
    """The model artifact is missing, damaged or built for another version of the code."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_artifact(folder: str | Path, arrays: dict[str, dict[str, np.ndarray]], models: dict,
                   manifest: dict) -> dict:
    """Write the artifact and return the manifest as written (with format version and checksums).
    Each group of ``arrays`` goes to its own file, which keeps every file well under the 50 MB
    at which Git hosts start to complain."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [group + ARRAYS_SUFFIX for group in arrays]
    for name, group in zip(names, arrays.values()):
        np.savez_compressed(folder / name, **group)
    joblib.dump(models, folder / MODELS, compress=3)
    manifest = {**manifest, "format_version": FORMAT_VERSION,
                "files": {name: sha256(folder / name) for name in (*names, MODELS)}}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ArtifactError(f"no model at {folder}: {MANIFEST} is missing")
    manifest = json.loads(path.read_text())
    found = manifest.get("format_version")
    if found != FORMAT_VERSION:
        raise ArtifactError(f"model at {folder} has artifact format {found}; this version of spun-detector "
                            f"reads format {FORMAT_VERSION}. Retrain it or install a matching version.")
    return manifest


def read_artifact(folder: str | Path) -> tuple[dict, dict[str, np.ndarray], dict]:
    """Manifest, arrays (all groups in one mapping) and fitted models of a verified artifact
    (checksums checked first)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    for name, expected in manifest["files"].items():
        if not (folder / name).is_file() or sha256(folder / name) != expected:
            raise ArtifactError(f"model file {folder / name} is missing or does not match its checksum")
    arrays: dict[str, np.ndarray] = {}
    for name in (name for name in manifest["files"] if name.endswith(ARRAYS_SUFFIX)):
        with np.load(folder / name, allow_pickle=False) as data:
            arrays.update((key, data[key]) for key in data.files)
    return manifest, arrays, joblib.load(folder / MODELS)
