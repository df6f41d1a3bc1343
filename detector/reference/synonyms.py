"""Synonyms for the sentence alignment: a paraphraser puts "assumed he would do poorly on the exam"
where its source said "believed he would fail the test", and shared stems alone miss that.

The table maps a content stem (``terms.stem``) to the stems a rewriter commonly puts in its place.
It ships with the package (``synonyms.tsv.gz``, built by ``detector.training.synonym_table`` from
the Moby thesaurus and the bundled context model) and is read with its checksum checked, so the
index needs neither the model nor the thesaurus at run time."""
from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from detector.reference.sentences import member

TABLE_PATH = Path(__file__).with_name("synonyms.tsv.gz")
TABLE_SHA256 = "f3b6fabe212d0bd7c5f855027d97e4eeec409c40d58ae456bca93529267becb1"


class SynonymTable:
    """Related stems of each stem; ``related_members`` gives them as the sketches' term numbers."""

    def __init__(self, related: dict[str, tuple[str, ...]]):
        self.related = related

    @classmethod
    def read(cls, path: str | Path = TABLE_PATH, sha256: str | None = TABLE_SHA256) -> "SynonymTable":
        """The table in ``path`` (gzip, a line per stem: the stem, then its related stems, separated by
        tabs), refused unless its SHA-256 is ``sha256`` (None: not checked, for tables made by hand)."""
        data = Path(path).read_bytes()
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError(f"synonym table {path} does not match its checksum: reinstall the package, or "
                             "rebuild it with 'python -m detector.training.synonym_table' and update TABLE_SHA256")
        lines = gzip.decompress(data).decode("utf-8").splitlines()
        return cls({stem: tuple(rest) for stem, *rest in (line.split("\t") for line in lines) if rest})

    def related_members(self, terms: Iterable[str]) -> frozenset[int]:
        """Term numbers (``sentences.member``) of the stems related to any of ``terms``."""
        return frozenset(member(other) for term in terms for other in self.related.get(term, ()))


@lru_cache(maxsize=1)
def bundled() -> SynonymTable:
    """The table shipped with the package, read once."""
    return SynonymTable.read()
