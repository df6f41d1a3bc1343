"""Which labelled sources of a paraphrase set are doubtful.

The QuillBot set (``paraphrase_llm/quillbot_chatgpt_answers.jsonl``) pairs each rewrite with the
ChatGPT answer it was made from, but a question has up to three answers, and some rewrites are filed
under a sibling answer: a rewrite labelled as made from answer 2 carries answer 3's sentences. A
retrieval benchmark that counts those as misses measures the labels, not the index. A label is
doubtful when two judges independent of the index agree that another answer to the same question
is closer to the rewrite: TF-IDF cosine ranks that answer first, and its word-sequence similarity
(``difflib``) is higher than the labelled answer's."""
from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable

from sklearn.feature_extraction.text import TfidfVectorizer

WORD = re.compile(r"\w+")


def doubtful_labels(rewrites: list[tuple[str, str]], sources: dict[str, str],
                    group: Callable[[str], str]) -> set[str]:
    """Texts of the (text, source id) ``rewrites`` whose labelled source is doubtful: another
    source of the same ``group`` (of source ids) is closer by both judges."""
    members = defaultdict(list)
    for source_id in sources:
        members[group(source_id)].append(source_id)
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit(list(sources.values()))
    doubtful = set()
    for text, labelled in rewrites:
        siblings = members[group(labelled)]
        if len(siblings) < 2:
            continue
        cosines = (vectorizer.transform([sources[s] for s in siblings]) @ vectorizer.transform([text]).T).toarray()
        closest = siblings[int(cosines.argmax())]
        if closest != labelled and _sequence_similarity(text, sources[closest]) > _sequence_similarity(text, sources[labelled]):
            doubtful.add(text)
    return doubtful


def _sequence_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, WORD.findall(a.lower()), WORD.findall(b.lower()), autojunk=False).ratio()
