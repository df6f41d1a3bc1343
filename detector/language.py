"""A small language check: scores are only meaningful for English text."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# The most frequent function words of a few languages; English prose has 30-50% of its words here.
FUNCTION_WORDS = {
    "en": "the of and to a in is that for it was on with as he be by at have are this from not but or",
    "fr": "le la les de des et est un une du que qui dans pour pas sur au ce il elle par avec sont",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für dem im auch es wird",
    "es": "el la los las de que y en un una es por con para del se no al lo como su más pero",
    "it": "il la di che e è un una per non sono del della le gli con si da al nel anche",
    "pt": "o a os as de que e do da em um uma para com não se no na por mais ao dos",
    "nl": "de het een en van is dat op te in niet zijn voor met die er aan ook als",
}
FUNCTION_WORDS = {lang: frozenset(words.split()) for lang, words in FUNCTION_WORDS.items()}
MIN_ENGLISH_SHARE = 0.12
MIN_LATIN_SHARE = 0.7
NOT_LATIN = re.compile("[^\x00-\x7f\u00c0-\u024f]")


@dataclass(frozen=True)
class LanguageGuess:
    language: str
    supported: bool
    reason: str | None = None


def detect_language(words: list[str]) -> LanguageGuess:
    """Guess the language of a list of word tokens from script and function-word shares."""
    if not words:
        return LanguageGuess("und", False, "no words to judge the language by")
    letters = "".join(words)
    latin = 1.0 - len(NOT_LATIN.findall(letters)) / max(1, len(letters))
    if latin < MIN_LATIN_SHARE:
        return LanguageGuess("und", False, "text is mostly in a non-Latin script; only English is supported")
    counts = Counter(map(str.lower, words))
    shares = {lang: sum(counts[w] for w in vocab) / len(words) for lang, vocab in FUNCTION_WORDS.items()}
    best = max(shares, key=shares.get)
    if best == "en" and shares["en"] >= MIN_ENGLISH_SHARE:
        return LanguageGuess("en", True)
    if len(words) < 8 and shares["en"] >= shares[best]:
        return LanguageGuess("en", True)
    if best == "en" or shares[best] < MIN_ENGLISH_SHARE:
        return LanguageGuess("und", False, "too few common English words; the text does not look like English prose")
    return LanguageGuess(best, False, f"text looks like '{best}'; only English is supported")
