"""A context-free article spinner that makes training and evaluation data with ground truth.

Like commercial spinners it looks words up in a thesaurus without reading the sentence, keeps
inflection and capitalisation, writes small numbers as digits and swaps whole phrases. It uses
only the thesaurus and general word frequencies (``wordfreq``), never the detector's statistics."""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from wordfreq import zipf_frequency

from detector.candidates import NUMERAL_WORDS
from detector.morphology import base_forms, inflect, match_case
from detector.text import STOPWORDS, Token, is_capitalized_name, tokenize
from detector.training.thesaurus import Thesaurus

POLICIES = ("uniform", "frequency", "first")
MIN_ZIPF = 2.5  # a spinner's thesaurus offers words people actually use
MIN_INFLECTED_ZIPF = 2.0  # and inflects them only into forms in use: no "oddses", "springed", "governmentals"


@dataclass(frozen=True)
class Change:
    begin: int
    end: int
    text: str
    original: str
    original_begin: int
    original_end: int
    kind: str


@dataclass
class SpunText:
    text: str
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"text": self.text, "changes": [asdict(c) for c in self.changes]}


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    return zipf_frequency(word, "en")


@lru_cache(maxsize=100_000)
def _usable(options: tuple[str, ...]) -> list[str]:
    return [o for o in options if all(_zipf(w) >= MIN_ZIPF for w in o.split())]


@lru_cache(maxsize=100_000)
def _inflectable(options: tuple[str, ...], tag: str) -> list[str]:
    """The options whose form with ``tag`` is a word in use (the adjective "governmental" has no
    plural, "spring" no past "springed")."""
    if not tag:
        return list(options)
    return [o for o in options if all(_zipf(w) >= MIN_INFLECTED_ZIPF for w in inflect(o, tag).split())]


class Spinner:
    """Replaces a share ``rate`` of content words with thesaurus synonyms chosen by ``policy``:
    ``uniform`` (any listed synonym), ``frequency`` (common synonyms preferred) or ``first``
    (the first usable synonym in list order)."""

    def __init__(self, thesaurus: Thesaurus, rate: float = 0.2, policy: str = "uniform",
                 numeral_rate: float = 0.5, phrase_rate: float = 0.5, seed: int = 0):
        if policy not in POLICIES:
            raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        self.thesaurus = thesaurus
        self.rate = rate
        self.policy = policy
        self.numeral_rate = numeral_rate
        self.phrase_rate = phrase_rate
        self.random = random.Random(seed)

    def spin(self, text: str) -> SpunText:
        tokens = tokenize(text)
        replacements = self._phrase_swaps(tokens)
        taken = {k for start, length, *_ in replacements for k in range(start, start + length)}
        content = [k for k, t in enumerate(tokens) if self._is_content(tokens, k) and k not in taken]
        target = round(self.rate * (len(content) + len(taken))) - len(replacements)
        self.random.shuffle(content)
        for k in content:
            if target <= 0:
                break
            word = self._synonym_for(tokens, k)
            if word:
                replacements.append((k, 1, word, "synonym"))
                target -= 1
        replacements += self._numeral_swaps(tokens, taken | {r[0] for r in replacements})
        return _apply(text, tokens, sorted(replacements))

    def _is_content(self, tokens: list[Token], k: int) -> bool:
        token = tokens[k]
        lower = token.text.lower()
        return (token.is_word and len(lower) > 2 and lower not in STOPWORDS and lower not in NUMERAL_WORDS
                and not is_capitalized_name(tokens, k) and not token.text.isupper())

    def _choose(self, options: list[str]) -> str | None:
        usable = _usable(tuple(options))
        if not usable:
            return None
        if self.policy == "first":
            return usable[0]
        if self.policy == "frequency":
            return self.random.choices(usable, weights=[10 ** _zipf(o.split()[0]) for o in usable])[0]
        return self.random.choice(usable)

    def _synonym_for(self, tokens: list[Token], k: int) -> str | None:
        word = tokens[k].text
        found = self._options_for(word.lower())
        if found is None:
            return None
        options, tag = found
        choice = self._choose_at(options, tag, tokens, k)
        return match_case(inflect(choice, tag), word) if choice else None

    def _options_for(self, lower: str) -> tuple[list[str], str] | None:
        """The synonyms of the first reading of ``lower`` the thesaurus lists, with its inflection tag."""
        for base, tag in base_forms(lower):
            options = self.thesaurus.synonyms.get(base)
            if options and (not tag or inflect(base, tag) == lower):
                return _inflectable(tuple(options), tag), tag
        return None

    def _choose_at(self, options: list[str], tag: str, tokens: list[Token], k: int) -> str | None:
        """The synonym for the word at ``tokens[k]``: context-free, as a spinner picks."""
        return self._choose(options)

    def _phrase_swaps(self, tokens: list[Token]) -> list[tuple]:
        swaps, k = [], 0
        words = [t.text.lower() for t in tokens]
        while k < len(tokens) - 1:
            for length in (3, 2):
                if k + length > len(words):
                    continue
                phrase = " ".join(words[k:k + length])
                options = self.thesaurus.phrases.get(phrase)
                if options and self.random.random() < self.phrase_rate * self.rate * 2:
                    choice = self._choose([o for o in options if o != phrase])
                    if choice:
                        swaps.append((k, length, match_case(choice, tokens[k].text), "phrase"))
                        k += length - 1
                        break
            k += 1
        return swaps

    def _numeral_swaps(self, tokens: list[Token], taken: set[int]) -> list[tuple]:
        swaps = []
        for k, token in enumerate(tokens):
            lower = token.text.lower()
            if k not in taken and lower in NUMERAL_WORDS[2:] and self.random.random() < self.numeral_rate:
                swaps.append((k, 1, str(NUMERAL_WORDS.index(lower)), "numeral"))
        return swaps


def _apply(text: str, tokens: list[Token], replacements: list[tuple]) -> SpunText:
    """Rebuild the text with replacements, keeping everything between tokens as it was."""
    pieces, changes, cursor, shift = [], [], 0, 0
    for start, length, word, kind in replacements:
        begin, end = tokens[start].begin, tokens[start + length - 1].end
        pieces.append(text[cursor:begin])
        new_begin = begin + shift
        pieces.append(word)
        changes.append(Change(new_begin, new_begin + len(word), word, text[begin:end], begin, end, kind))
        shift += len(word) - (end - begin)
        cursor = end
    pieces.append(text[cursor:])
    return SpunText("".join(pieces), changes)
