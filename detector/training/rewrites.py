"""Real machine rewrites with human text of the same kind, from ``paraphrase_llm/``: ChatGPT
"polish" of ACL abstracts with the abstracts (HPPT), and QuillBot output with human answers to the
same course questions. ChatGPT's own answers (QuillBot's inputs) are generated, not rewritten,
and are left out.

Every text is typed plainly (straight quotes, one space), and each pair or question is one group:
all its texts go to the same split, so no abstract or question is on both sides."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from detector.training.corpora import read_jsonl, split_of, typed_plainly

POLISH_FILE = "hppt_chatgpt_polish.jsonl"
QUILLBOT_FILE = "quillbot_chatgpt_answers.jsonl"
LLM_POLISH, PARAPHRASER = "llm_polish", "paraphraser"  # the kinds of rewriter, as the phrasing lexicon names them


@dataclass(frozen=True)
class Rewrite:
    kind: str   # the kind of rewriter of this family
    group: str  # the pair or question; the unit of the split
    label: int  # 1 rewritten by a machine, 0 written by a person
    text: str
    generator: str = ""  # as the data names it, e.g. "QuillBot (creative mode, strength 3) ..."


def read_rewrites(folder: str | Path) -> list[Rewrite]:
    """The rewrites and human texts of both files in ``folder`` (a ``paraphrase_llm/`` folder)."""
    folder = Path(folder)
    rows = [Rewrite(LLM_POLISH, f"hppt:{r['pair_id']}", int(r["label"] != "human"), typed_plainly(r["text"]),
                    r.get("generator", "")) for r in read_jsonl(folder / POLISH_FILE)]
    for r in read_jsonl(folder / QUILLBOT_FILE):
        if r["label"] in ("human", "machine_paraphrase"):
            question = (r["pair_id"] or r["id"]).rsplit("-", 1)[0]  # "qb-<course>-<question>-gpt1" or a human answer's id
            rows.append(Rewrite(PARAPHRASER, question, int(r["label"] == "machine_paraphrase"), typed_plainly(r["text"]),
                                r.get("generator", "")))
    return rows


def rewrite_splits(rewrites: list[Rewrite], splits: tuple[tuple[str, int], ...]) -> dict[str, list[Rewrite]]:
    """The rewrites by split of their group, ``splits`` as ``(name, share)`` pairs."""
    parts: dict[str, list[Rewrite]] = {name: [] for name, _ in splits}
    for rewrite in rewrites:
        parts[split_of(rewrite.group, splits)].append(rewrite)
    return parts
