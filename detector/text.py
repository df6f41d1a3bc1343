"""Tokens with exact character offsets, sentence ids and the normalised forms the statistics use.

Every span the product reports is built from these offsets, so ``text[token.begin:token.end]``
always equals ``token.text``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN_PATTERN = re.compile(
    r"\d+(?:[.,:]\d+)*(?:[^\W\d_]+)?"          # numbers, 1,000 3.5 10:30 5bn
    r"|[^\W\d_]+(?:[-'’][^\W\d_]+)*"            # words, hyphenated words, contractions
    r"|[^\w\s]"                                  # any other single visible character
)
SENTENCE_END = frozenset(".!?")
QUOTE_MAP = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "−": "-"})
NUMBER_WORD_LIMIT = 20  # numerals up to this value keep their own statistics form

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she should
so some such than that the their theirs them themselves then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves said says also would may might must shall its mr mrs ms
""".split())


@dataclass(slots=True)
class Token:
    text: str
    begin: int
    end: int
    sentence: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalpha()

    @property
    def is_number(self) -> bool:
        return self.text[0].isdigit()


def normalize(text: str) -> str:
    """Map typographic quotes and dashes to ASCII, keeping the length (offsets stay valid)."""
    return text.translate(QUOTE_MAP)


def tokenize(text: str) -> list[Token]:
    """Split text into tokens with offsets into ``text`` and a running sentence index."""
    tokens: list[Token] = []
    sentence = 0
    previous = ""
    for match in TOKEN_PATTERN.finditer(text):
        word = match.group()
        if previous in SENTENCE_END and (word[0].isupper() or word[0].isdigit() or word in "\"'"):
            sentence += 1
        tokens.append(Token(word, match.start(), match.end(), sentence))
        previous = word
    return tokens


def number_form(word: str) -> str:
    """Small whole numbers keep their own form (a spinner writes "2" for "two"); others fold."""
    if word.isascii() and word.isdigit() and int(word) <= NUMBER_WORD_LIMIT:
        return word
    return "<num>"


def lm_form(word: str) -> str:
    """The form the language statistics see: lower case, ASCII quotes, numbers folded."""
    return number_form(word) if word[0].isdigit() else normalize(word).lower()


def token_forms(text: str, tokens: list[Token]) -> list[str]:
    """``lm_form`` of each token of ``text``. The whole text is lower-cased at once unless that could
    differ from lower-casing each token (a letter that lower-cases to two, or a Greek capital sigma,
    whose lower case depends on its neighbours)."""
    lowered = normalize(text).lower()
    if len(lowered) != len(text) or "Σ" in text:
        return [lm_form(t.text) for t in tokens]
    return [number_form(t.text) if t.text[0].isdigit() else lowered[t.begin:t.end] for t in tokens]


def lm_forms(text: str) -> list[str]:
    """Statistics forms of all tokens of a text, the fast path used when building statistics."""
    return [number_form(word) if word[0].isdigit() else word for word in phrase_forms(text)]


def phrase_forms(text: str) -> list[str]:
    """Lower-case tokens of a text with numbers as written: "192 pieces" is a listed spinner
    phrase, "140 pieces" is not."""
    return TOKEN_PATTERN.findall(normalize(text).lower())


def is_capitalized_name(tokens: list[Token], index: int, openers: str = "\"'(:") -> bool:
    """A capitalised word inside a sentence is most likely a name, which spinners leave alone; after
    one of the ``openers`` (a quote, a bracket) it may open a quoted sentence instead."""
    token = tokens[index]
    if not token.text[0].isupper():
        return False
    return index > 0 and tokens[index - 1].sentence == token.sentence and tokens[index - 1].text not in openers


def sentence_windows(tokens: list[Token], words: int) -> list[tuple[int, int]]:
    """(first, end) token indices of consecutive windows of about ``words`` words each, cut where a
    sentence ends; a last window under half that joins the one before it."""
    windows, first, count = [], 0, 0
    for k, token in enumerate(tokens):
        count += token.text[0].isalnum()
        if count >= words and (k + 1 == len(tokens) or tokens[k + 1].sentence != token.sentence):
            windows.append((first, k + 1))
            first, count = k + 1, 0
    if first < len(tokens):
        if windows and count < words // 2:
            windows[-1] = (windows[-1][0], len(tokens))
        else:
            windows.append((first, len(tokens)))
    return windows
