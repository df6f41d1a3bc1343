"""Text as a reader sees it. A hostile client can hide a spun text from analysis with characters a
reader never notices: zero-width spaces and joiners, soft hyphens, letters of another script that
look like Latin ones (Cyrillic "а" for "a") and compatibility forms of letters (fullwidth "ａ"). ``reader_view``
takes them out before analysis, keeps a map back to the text as sent, and counts what it found:
human writers do not type these characters inside words, so they are evidence in themselves.

Unicode's confusable table comes from ``confusable_homoglyphs`` (Unicode's confusables.txt as JSON);
only letters of other scripts that look like one ASCII letter are mapped, and only in text whose
letters are mostly Latin, so Greek or Russian prose stays itself (and is declined as not English)."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

INVISIBLE = "invisible_characters"  # format characters (Unicode category Cf): zero-width, soft hyphen, ...
LOOK_ALIKE = "look_alike_letters"  # letters of another script, or compatibility forms, shown as Latin ones
HIDDEN_WORDS = "hidden_character_words"  # the signal: words that held characters of either kind
LIGATURES = range(0xFB00, 0xFB50)  # "ﬁ" from PDF copies: compatibility forms, but typed by tools, not hidden


@dataclass(frozen=True)
class ReaderView:
    """``text`` with hidden characters removed and look-alikes mapped; ``starts[i]`` / ``ends[i]`` are
    the offsets, in the text as sent, of the characters that became ``text[i]``."""

    text: str
    starts: list[int] | None = None  # None: ``text`` is the text as sent
    ends: list[int] | None = None
    counts: dict[str, int] = field(default_factory=dict)  # characters of each kind
    obfuscated: list[tuple[int, int]] = field(default_factory=list)  # offsets (in ``text``) of words holding them

    @property
    def changed(self) -> bool:
        return self.starts is not None

    def original(self, begin: int, end: int) -> tuple[int, int]:
        """The offsets in the text as sent of ``text[begin:end]``."""
        if self.starts is None:
            return begin, end
        if end <= begin:
            offset = self.starts[begin] if begin < len(self.starts) else self.ends[-1] if self.ends else 0
            return offset, offset
        return self.starts[begin], self.ends[end - 1]


def reader_view(text: str) -> ReaderView:
    """The text a reader sees, mapped back to ``text``; the text itself when nothing is hidden."""
    found = list(_suspects().finditer(text)) if not text.isascii() else []
    if not found:
        return ReaderView(text)
    latin = _mostly_latin(text)
    pieces, starts, ends = [], [], []
    counts = {INVISIBLE: 0, LOOK_ALIKE: 0}
    hidden_at: list[int] = []  # offsets in the new text where something hidden was
    last = 0
    for match in found:
        begin, end = match.span()
        pieces.append(text[last:begin])
        starts += range(last, begin)
        ends += range(last + 1, begin + 1)
        replacement, kind = _read(match.group(), latin)
        if kind:
            counts[kind] += 1
            hidden_at.append(len(starts))
        pieces.append(replacement)
        starts += [begin] * len(replacement)
        ends += [end] * len(replacement)
        last = end
    pieces.append(text[last:])
    starts += range(last, len(text))
    ends += range(last + 1, len(text) + 1)
    new_text = "".join(pieces)
    if new_text == text:
        return ReaderView(text)
    return ReaderView(new_text, starts, ends, {k: v for k, v in counts.items() if v},
                      _words_at(new_text, hidden_at))


def load_tables() -> None:
    """Build the look-alike and suspect-character tables now (a fraction of a second), not on the first text."""
    _suspects()


def _read(cluster: str, latin: bool) -> tuple[str, str | None]:
    """What a reader sees of one character with its combining marks, and the kind of hiding it was.
    Compatibility forms are folded (NFKC) only where they are letters: "ｆ" is an "f", but "²",
    "½" and "…" stay as typed, so that "km²" does not become a numeral."""
    first = cluster[0]
    if unicodedata.category(first) == "Cf":
        return "", INVISIBLE
    if latin and first.isalpha() and (letter := _look_alikes().get(first)):
        return letter + unicodedata.normalize("NFC", cluster[1:]), LOOK_ALIKE
    folded = unicodedata.normalize("NFKC", cluster)
    if first.isalpha() and folded != cluster and folded.isascii() and folded.isalpha():
        return folded, None if ord(first) in LIGATURES else LOOK_ALIKE
    return unicodedata.normalize("NFC", cluster), None


@cache
def _suspects() -> re.Pattern:
    """Characters ``_read`` may change: a character with combining marks, a format character, a
    look-alike letter, anything NFKC changes, and anything outside the Basic Multilingual Plane."""
    marks, single = [], []
    for code in range(0x80, 0x10000):
        character = chr(code)
        if unicodedata.combining(character):
            marks.append(character)
        elif (unicodedata.category(character) == "Cf" or character in _look_alikes()
              or unicodedata.normalize("NFKC", character) != character):
            single.append(character)
    marks_class, single_class = _char_class(marks), _char_class(single) + "\U00010000-\U0010ffff"
    return re.compile(f"(?s:.[{marks_class}]+|[{single_class}])")


def _char_class(characters: list[str]) -> str:
    return "".join(re.escape(ch) for ch in characters)


def _mostly_latin(text: str) -> bool:
    return len(re.findall(r"[A-Za-z]", text)) * 2 > len(re.findall(r"[^\W\d_]", text))


def _words_at(text: str, offsets: list[int]) -> list[tuple[int, int]]:
    """The words (as offsets in ``text``) that touch each hidden character, once each."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    found, w = [], 0
    for offset in offsets:
        while w < len(words) and words[w][1] < offset:
            w += 1
        if w < len(words) and words[w][0] <= offset and (not found or found[-1] != words[w]):
            found.append(words[w])
    return found


@cache
def _look_alikes() -> dict[str, str]:
    """Letters of other scripts that look like exactly one ASCII letter, mapped to it."""
    table = json.loads(resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8"))
    mapping = {}
    for character, homoglyphs in table.items():
        if len(character) != 1 or not character.isalpha() or unicodedata.name(character, "").startswith("LATIN"):
            continue
        ascii_letters = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()]
        if ascii_letters:
            mapping[character] = ascii_letters[0]
    return mapping
