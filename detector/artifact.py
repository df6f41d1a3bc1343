"""Model artifact on disk: a folder with a manifest (version, checksums, library versions, training
metadata and metrics), the arrays (one ``.npz`` per group, no pickles: every fitted model is stored
as arrays with the names of its features) and the files the model was trained with, such as the
tortured-phrase list.

Files are verified against the manifest's SHA-256 checksums before anything is loaded, and an
artifact written for another format version is refused with a message that says what to do."""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import numpy as np

from detector import __version__

FORMAT_VERSION = 11  # history: CHANGELOG.md, "Artifact formats"
# Formats this code reads: 10 is 11 without the machine_paraphrase attribute's other kinds of rewriter.
READABLE_FORMATS = frozenset({10, FORMAT_VERSION})
MANIFEST = "manifest.json"
ARRAYS_SUFFIX = ".npz"
MODELS_GROUP = "models"  # the arrays group of the fitted models (token, document, machine_paraphrase)
RUNTIME_LIBRARIES = ("numpy", "scikit-learn")


class ArtifactError(RuntimeError):
    """The model artifact is missing, damaged or built for another version of the code."""


@dataclass(frozen=True)
class Artifact:
    """A verified artifact: its manifest, all arrays in one mapping, and its folder."""

    folder: Path
    manifest: dict
    arrays: dict[str, np.ndarray]

    def file(self, key: str) -> Path | None:
        """The path of a stored file the manifest names under ``key`` (None when there is none)."""
        name = self.manifest.get(key)
        return self.folder / name if name else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions(names: Sequence[str] = RUNTIME_LIBRARIES) -> dict[str, str]:
    """Installed versions of ``names`` ("not installed" for the missing ones)."""
    versions = {}
    for name in names:
        try:
            versions[name] = package_version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def write_artifact(folder: str | Path, arrays: dict[str, dict[str, np.ndarray]], manifest: dict,
                   files: dict[str, Path] | None = None, kept: tuple[Path, ...] = ()) -> dict:
    """Write the artifact and return the manifest as written. Each group of ``arrays`` goes to its
    own file, which keeps every file well under the 50 MB at which Git hosts start to complain;
    ``files`` ({manifest key: path}) are copied in and named in the manifest under their key;
    ``kept`` are array files of another artifact copied as they are (a refit keeps its base's
    statistics and context model byte for byte)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = [group + ARRAYS_SUFFIX for group in arrays]
    for name, group in zip(names, arrays.values()):
        np.savez_compressed(folder / name, **group)
    for source in kept:
        shutil.copyfile(source, folder / source.name)
    names += [source.name for source in kept]
    copied = {}
    for key, source in (files or {}).items():
        if Path(source).resolve() != (folder / Path(source).name).resolve():
            shutil.copyfile(source, folder / Path(source).name)
        copied[key] = Path(source).name
    manifest = {**manifest, **copied, "format_version": FORMAT_VERSION, "code_version": __version__,
                "libraries": library_versions(),
                "files": {name: sha256(folder / name) for name in (*names, *copied.values())}}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def write_on_base(folder: str | Path, base: Artifact, groups: dict[str, dict[str, np.ndarray]], manifest: dict,
                  file_keys: Sequence[str]) -> dict:
    """Write an artifact with the array ``groups`` given (``{MODELS_GROUP: ...}`` for a refit, or
    kinds of rewriter added to a model) and ``base``'s other array files, and the files ``base``'s
    manifest names under ``file_keys``, copied byte for byte; returns the manifest as written."""
    written = {group + ARRAYS_SUFFIX for group in groups}
    kept = tuple(base.folder / name for name in base.manifest["files"]
                 if name.endswith(ARRAYS_SUFFIX) and name not in written)
    files = {key: base.file(key) for key in file_keys if base.file(key)}
    return write_artifact(folder, groups, manifest, files or None, kept)


def read_manifest(folder: str | Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise ArtifactError(f"no model at {folder}: {MANIFEST} is missing")
    try:
        manifest = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"model manifest {path} is not valid JSON ({exc}); restore it or retrain") from None
    if not isinstance(manifest, dict):
        raise ArtifactError(f"model manifest {path} is not a JSON object; restore it or retrain")
    check_format(manifest, folder)
    return manifest


def check_format(manifest: dict, folder: str | Path) -> None:
    """Refuse an artifact of another format, saying what to do about it."""
    found = manifest.get("format_version")
    if found in READABLE_FORMATS:
        return
    written_by = f"spun-detector {manifest.get('code_version', '(unknown version)')}"
    if isinstance(found, int) and found > FORMAT_VERSION:
        raise ArtifactError(f"model at {folder} has artifact format {found}, written by {written_by}; this "
                            f"spun-detector {__version__} reads format {FORMAT_VERSION}: upgrade spun-detector")
    raise ArtifactError(f"model at {folder} has artifact format {found}, written by {written_by}; this "
                        f"spun-detector {__version__} reads formats {_listed(READABLE_FORMATS)} only: retrain the model with "
                        f"'spun-detector train' (docs/training.md) or use {written_by}")


def read_artifact(folder: str | Path) -> Artifact:
    """The verified artifact in ``folder`` (checksums checked before anything is loaded)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    for name, expected in manifest["files"].items():
        if not (folder / name).is_file() or sha256(folder / name) != expected:
            raise ArtifactError(f"model file {folder / name} is missing or does not match its checksum")
    arrays: dict[str, np.ndarray] = {}
    for name in (name for name in manifest["files"] if name.endswith(ARRAYS_SUFFIX)):
        with np.load(folder / name, allow_pickle=False) as data:
            arrays.update((key, data[key]) for key in data.files)
    return Artifact(folder, manifest, arrays)


def require_features(model: str, stored: Sequence[str], computed: Sequence[str], folder: str | Path) -> None:
    """Refuse a model whose features are not, by name and order, the ones this code computes."""
    if tuple(stored) != tuple(computed):
        missing = [name for name in computed if name not in stored]
        unknown = [name for name in stored if name not in computed]
        raise ArtifactError(f"the {model} model at {folder} was trained on other features than this code computes "
                            f"(this code adds {missing or 'none'}, lacks {unknown or 'none'}, or orders them "
                            f"differently): retrain the model or use the spun-detector version that wrote it")


def _listed(formats) -> str:
    return " and ".join(str(number) for number in sorted(formats))
