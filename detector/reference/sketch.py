"""A document's sentences as stored: offsets, word counts, quotation flags, and the 16-bit numbers
of their terms, names and shingles. Verifying a candidate then reads some hundred bytes a sentence
instead of tokenising its text again, which was most of a query's time; the text is read only for
the sources that match, to align them word by word.

Layout (little-endian): the sentence count ``n``; then ``begin`` and ``end`` (uint32), ``words``
(uint16), ``quoted`` (uint8), and the counts of names, other terms and shingles (uint16), each an
array of ``n``; then all members (``sentences.member``, uint16), sentence by sentence: names,
other terms, shingles."""
from __future__ import annotations

import numpy as np

from detector.reference.sentences import Sentence

COLUMNS = (("begin", "<u4"), ("end", "<u4"), ("words", "<u2"), ("quoted", "<u1"), ("names", "<u2"),
           ("others", "<u2"), ("shingles", "<u2"))
MEMBER = np.dtype("<u2")
COUNT = np.dtype("<u4")


def pack(sentences: list[Sentence]) -> bytes:
    names = [sorted(s.names) for s in sentences]
    others = [sorted(s.terms - s.names) for s in sentences]
    shingles = [sorted(s.shingles) for s in sentences]
    values = {"begin": [s.begin for s in sentences], "end": [s.end for s in sentences],
              "words": [min(s.words, 65535) for s in sentences], "quoted": [s.quoted for s in sentences],
              "names": [len(m) for m in names], "others": [len(m) for m in others], "shingles": [len(m) for m in shingles]}
    members = [m for k in range(len(sentences)) for m in (*names[k], *others[k], *shingles[k])]
    parts = [np.array([len(sentences)], dtype=COUNT).tobytes()]
    parts += [np.array(values[name], dtype=dtype).tobytes() for name, dtype in COLUMNS]
    return b"".join(parts) + np.array(members, dtype=MEMBER).tobytes()


def unpack(data: bytes) -> list[Sentence]:
    count = int(np.frombuffer(data, dtype=COUNT, count=1)[0])
    offset, columns = COUNT.itemsize, {}
    for name, dtype in COLUMNS:
        columns[name] = np.frombuffer(data, dtype=dtype, count=count, offset=offset).tolist()
        offset += count * np.dtype(dtype).itemsize
    members = np.frombuffer(data, dtype=MEMBER, offset=offset).tolist()
    sentences, at = [], 0
    for k in range(count):
        names, others, shingles = columns["names"][k], columns["others"][k], columns["shingles"][k]
        name_set = frozenset(members[at:at + names])
        terms = frozenset(members[at:at + names + others])
        at += names + others
        sentences.append(Sentence(columns["begin"][k], columns["end"][k], columns["words"][k], terms, name_set,
                                  bool(columns["quoted"][k]), frozenset(members[at:at + shingles])))
        at += shingles
    return sentences
