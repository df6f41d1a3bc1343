"""Builds the reference index's synonym table (``detector.reference.synonyms``).

Moby lists hundreds of synonyms for a common word, most of them senses a rewriter would not use
there ("car" -> "local", "diner"). The table keeps, for each common word, the few mutual Moby synonyms
that the context model's input embeddings put nearest (words used in the same contexts), and folds
them to stems, as the alignment compares stems. Built by hand, like the bundled model:

    python -m detector.training.synonym_table   # then set synonyms.TABLE_SHA256 to the printed checksum
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
from collections import defaultdict
from pathlib import Path

import numpy as np
from wordfreq import top_n_list

from detector.context_model import ContextModel
from detector.reference.synonyms import TABLE_PATH
from detector.reference.terms import stem
from detector.text import STOPWORDS
from detector.training.thesaurus import Thesaurus

COMMON_WORDS = 40_000  # wordfreq's most frequent English words: the table's headwords and synonyms
NEIGHBOURS = 5  # synonyms kept per word, nearest first
MIN_COSINE = 0.35  # of the two words' input embeddings


def related_words(thesaurus: Thesaurus, model: ContextModel, vocabulary: list[str], common: set[str],
                  neighbours: int = NEIGHBOURS, min_cosine: float = MIN_COSINE) -> dict[str, list[str]]:
    """Each word's mutual synonyms (each lists the other) in ``common`` and the model's vocabulary,
    nearest by embedding cosine first, at most ``neighbours`` of them and at least ``min_cosine``."""
    ids = {word: k for k, word in enumerate(vocabulary[:model.padding]) if k}
    vectors = model.embeddings / np.maximum(np.linalg.norm(model.embeddings, axis=1, keepdims=True), 1e-9)

    def usable(word: str) -> bool:
        return word in common and word in ids and word not in STOPWORDS

    related = {}
    for word, synonyms in thesaurus.synonyms.items():
        mutual = [s for s in synonyms if usable(s) and word in thesaurus.synonyms.get(s, ())]
        if not usable(word) or not mutual:
            continue
        cosines = vectors[[ids[s] for s in mutual]] @ vectors[ids[word]]
        nearest = [(c, s) for c, s in sorted(zip(cosines.tolist(), mutual), reverse=True) if c >= min_cosine]
        if nearest:
            related[word] = [s for _, s in nearest[:neighbours]]
    return related


def stem_table(related: dict[str, list[str]]) -> dict[str, list[str]]:
    """``related`` folded to stems, both ways (a rewriter may go either way), sorted."""
    table = defaultdict(set)
    for word, others in related.items():
        for other in others:
            a, b = stem(word), stem(other)
            if a != b:
                table[a].add(b)
                table[b].add(a)
    return {key: sorted(values) for key, values in sorted(table.items())}


def write_table(table: dict[str, list[str]], path: str | Path) -> str:
    """Write ``table`` as ``SynonymTable.read`` reads it (byte for byte the same for the same table);
    returns its SHA-256."""
    text = "".join("\t".join([key, *values]) + "\n" for key, values in table.items())
    data = gzip.compress(text.encode("utf-8"), mtime=0)
    Path(path).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def main() -> None:
    from detector.scoring import Detector

    parser = argparse.ArgumentParser(description="Build the reference index's synonym table.")
    parser.add_argument("--output", default=str(TABLE_PATH))
    args = parser.parse_args()
    substitutions = Detector.load().engine.substitutions
    related = related_words(Thesaurus.load(), substitutions.context_model, substitutions.stats.vocabulary,
                            set(top_n_list("en", COMMON_WORDS)))
    table = stem_table(related)
    checksum = write_table(table, args.output)
    print(f"{len(table)} stems, {sum(map(len, table.values()))} related stems -> {args.output}\nsha256 {checksum}")


if __name__ == "__main__":
    main()
