"""Readers for the clean and paraphrased corpora used in training, and the split by source article."""
from __future__ import annotations

import csv
import hashlib
import json
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NEWS_SPLITS = (("stats", 40), ("train", 30), ("validation", 15), ("test", 15))
# Modern news mostly feeds the statistics; a small share shows the classifier 2010s text it never counted.
CORPUS_SPLITS = (("stats", 94), ("train", 2), ("validation", 2), ("test", 2))


@dataclass(frozen=True)
class Article:
    id: str
    text: str


def split_of(article_id: str, splits: tuple = NEWS_SPLITS) -> str:
    """Deterministic split of a source article: statistics, classifier training, validation or test.

    The statistics split is disjoint from the classifier's documents, so the classifier sees text
    the statistics have never counted, as it will in production."""
    bucket = int(hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    for name, share in splits:
        if bucket < share:
            return name
        bucket -= share
    raise AssertionError("split shares must add up to 100")


PLAIN_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def typed_plainly(text: str) -> str:
    """Straight quotes and one space for any run of whitespace: how a data set was typed must not
    tell its texts apart (``paraphrase_llm/`` comes normalised this way)."""
    return re.sub(r"\s+", " ", text.translate(PLAIN_QUOTES)).strip()


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Records of a JSON-lines file, plain or xz-compressed."""
    path = Path(path)
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_articles(path: str | Path) -> Iterator[Article]:
    """Articles of a ``{id, text}`` JSONL corpus; ids are prefixed with the file name."""
    prefix = Path(path).name.split(".")[0]
    for record in read_jsonl(path):
        yield Article(f"{prefix}:{record['id']}", record["text"])


def read_paraphrase_paragraphs(path: str | Path, sentences_per_paragraph: int = 12) -> Iterator[Article]:
    """Human paraphrases (MRPC second sentences) joined into paragraphs: hard negatives."""
    with open(path, encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if len(row) == 5]
    sentences = [row[4] for row in rows[1:] if row[0] == "1"]
    for start in range(0, len(sentences) - sentences_per_paragraph + 1, sentences_per_paragraph):
        yield Article(f"mrpc:{start}", " ".join(sentences[start:start + sentences_per_paragraph]))
