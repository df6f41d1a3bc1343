"""The machine-paraphrase benchmark: held-out WMT21 translations (systems seen and never seen in
training) against their human references, held-out LLM and QuillBot rewrites against human text of
their kind, and native news."""
from __future__ import annotations

import numpy as np
from tqdm import tqdm

from detector.evaluation.metrics import binary_metrics
from detector.training.corpora import Article
from detector.training.machine_paraphrase import HELD_OUT_SYSTEMS
from detector.training.rewrites import Rewrite

MIN_TRANSLATION_WORDS = 150
MIN_REWRITE_WORDS = 50


def machine_paraphrase_benchmark(detector, translations: list, native: list[Article], rewrites: list[Rewrite] = ()) -> dict:
    """Machine-paraphrase metrics on test translations of 150+ words (all systems, systems seen
    and never seen in training, per language pair and per system), on test rewrites of 50+ words
    by kind of rewriter (each against the human texts of its family) and on native news."""
    translations = [t for t in translations if len(t.text.split()) >= MIN_TRANSLATION_WORDS]
    scored = [(t, _machine_score(detector, t.text)) for t in tqdm(translations, desc="translations", mininterval=5)]
    translations = [t for t, score in scored if score is not None]  # not English: not scored
    scores = np.array([score for _, score in scored if score is not None])
    labels = np.array([t.label for t in translations])
    systems = np.array([t.system for t in translations])
    pairs = np.array([t.pair for t in translations])
    sources = np.array([t.source for t in translations])
    human = labels == 0
    threshold = detector.machine.threshold
    held_out = np.isin(systems, sorted(HELD_OUT_SYSTEMS))
    table = {"all systems": binary_metrics(scores, labels, threshold),
             "systems seen in training": binary_metrics(scores[~held_out], labels[~held_out], threshold),
             "held-out systems": binary_metrics(scores[human | held_out], labels[human | held_out], threshold)}
    table["by language pair"] = {p: binary_metrics(scores[pairs == p], labels[pairs == p], threshold)
                                 for p in sorted(set(pairs.tolist()))}
    table["by system"] = {}
    for system in sorted(set(systems[~human].tolist())):
        rows = (systems == system) | (human & np.isin(sources, sources[systems == system]))
        name = f"{system} (held out)" if system in HELD_OUT_SYSTEMS else system
        table["by system"][name] = binary_metrics(scores[rows], labels[rows], threshold)
    table["by kind of rewriter"] = {kind: _rewrites_metrics(detector, [r for r in rewrites if r.kind == kind], threshold)
                                    for kind in sorted({r.kind for r in rewrites})}
    native_texts = [a.text for a in native if len(a.text.split()) >= MIN_TRANSLATION_WORDS]
    native_scores = np.array([score for text in tqdm(native_texts, desc="native news", mininterval=5)
                              if (score := _machine_score(detector, text)) is not None])
    table["native news"] = binary_metrics(native_scores, np.zeros(len(native_scores)), threshold)
    return table


def _rewrites_metrics(detector, rewrites: list[Rewrite], threshold: float) -> dict:
    scored = [(r.label, _machine_score(detector, r.text)) for r in rewrites if len(r.text.split()) >= MIN_REWRITE_WORDS]
    scored = [(label, score) for label, score in scored if score is not None]
    return binary_metrics(np.array([score for _, score in scored]), np.array([label for label, _ in scored]), threshold)


def _machine_score(detector, text: str) -> float | None:
    return detector.score(text, return_spans=False).category_scores["machine_paraphrase"]
