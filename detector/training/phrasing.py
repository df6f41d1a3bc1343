"""Learning the word weights of ``detector.phrasing`` from machine-rewritten and human texts of
the same content.

Each word's weight is the z-score of its log-odds ratio between machine and human text with an
informative Dirichlet prior (Monroe, Colaresi and Quinn 2008, "Fightin' words"): the prior, the
word's share of both sides together, shrinks rare words towards 0, so a word seen a handful of
times cannot weigh like "additionally" seen a thousand times."""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np

from detector.lexical import words_with_offsets
from detector.phrasing import PhrasingLexicon

PRIOR_STRENGTH = 1000.0  # pseudo-counts of the prior, spread over the words by their share
MIN_DOCUMENTS = 10       # a word needs this many documents (both sides together) to get a weight
MAX_WEIGHT = 4.0         # weights are clipped, so that no single word decides a document


def phrasing_weights(texts: Sequence[str], labels: Sequence[int]) -> dict[str, float]:
    """``{word: weight}`` for the words of ``texts`` (label 1: machine-rewritten, 0: human):
    positive where machines use the word more than people, negative where people do."""
    counts, documents = (Counter(), Counter()), Counter()
    for text, label in zip(texts, labels):
        words = [word for word, _, _ in words_with_offsets(text)]
        counts[int(label)].update(words)
        documents.update(set(words))
    vocabulary = sorted(word for word, n in documents.items() if n >= MIN_DOCUMENTS)
    if not vocabulary:
        return {}
    human, machine = (np.array([side[word] for word in vocabulary], dtype=np.float64) for side in counts)
    totals = human.sum(), machine.sum()
    prior = PRIOR_STRENGTH * (human / max(totals[0], 1) + machine / max(totals[1], 1)) / 2
    log_odds = [np.log(side + prior) - np.log(total + PRIOR_STRENGTH - side - prior)
                for side, total in ((machine, totals[1]), (human, totals[0]))]
    z = (log_odds[0] - log_odds[1]) / np.sqrt(1 / (machine + prior) + 1 / (human + prior))
    return dict(zip(vocabulary, np.clip(z, -MAX_WEIGHT, MAX_WEIGHT).tolist()))


def phrasing_lexicon(families: Mapping[str, Sequence[tuple[str, int]]]) -> PhrasingLexicon:
    """A lexicon with one kind per family (``{kind: [(text, label), ...]}``), each kind learned
    from its own family's texts only."""
    return PhrasingLexicon.from_weights({kind: phrasing_weights([text for text, _ in rows], [label for _, label in rows])
                                         for kind, rows in families.items()})
