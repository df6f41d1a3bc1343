"""Regular English inflection: from an inflected word to its base forms and back.

Spinners look up the base form and re-inflect the synonym ("officials" -> "official" ->
"officer" -> "officers"); the detector walks the same path backwards."""
from __future__ import annotations

VOWELS = frozenset("aeiou")
TAGS = ("", "s", "ed", "ing")

IRREGULAR = {
    "men": ("man", "s"), "women": ("woman", "s"), "children": ("child", "s"), "people": ("person", "s"),
    "feet": ("foot", "s"), "teeth": ("tooth", "s"), "mice": ("mouse", "s"), "lives": ("life", "s"),
    "wives": ("wife", "s"), "knives": ("knife", "s"), "leaves": ("leaf", "s"), "halves": ("half", "s"),
    "went": ("go", "ed"), "gone": ("go", "ed"), "took": ("take", "ed"), "taken": ("take", "ed"),
    "made": ("make", "ed"), "said": ("say", "ed"), "came": ("come", "ed"), "saw": ("see", "ed"),
    "seen": ("see", "ed"), "gave": ("give", "ed"), "given": ("give", "ed"), "found": ("find", "ed"),
    "told": ("tell", "ed"), "thought": ("think", "ed"), "brought": ("bring", "ed"), "bought": ("buy", "ed"),
    "held": ("hold", "ed"), "kept": ("keep", "ed"), "left": ("leave", "ed"), "felt": ("feel", "ed"),
    "began": ("begin", "ed"), "begun": ("begin", "ed"), "ran": ("run", "ed"), "won": ("win", "ed"),
    "lost": ("lose", "ed"), "paid": ("pay", "ed"), "sold": ("sell", "ed"), "sent": ("send", "ed"),
    "built": ("build", "ed"), "spent": ("spend", "ed"), "met": ("meet", "ed"), "led": ("lead", "ed"),
    "rose": ("rise", "ed"), "risen": ("rise", "ed"), "fell": ("fall", "ed"), "fallen": ("fall", "ed"),
    "grew": ("grow", "ed"), "grown": ("grow", "ed"), "knew": ("know", "ed"), "known": ("know", "ed"),
    "wrote": ("write", "ed"), "written": ("write", "ed"), "spoke": ("speak", "ed"), "spoken": ("speak", "ed"),
    "chose": ("choose", "ed"), "chosen": ("choose", "ed"), "drove": ("drive", "ed"), "driven": ("drive", "ed"),
    "broke": ("break", "ed"), "broken": ("break", "ed"), "stood": ("stand", "ed"), "understood": ("understand", "ed"),
    "fought": ("fight", "ed"), "caught": ("catch", "ed"), "taught": ("teach", "ed"), "sought": ("seek", "ed"),
    "struck": ("strike", "ed"), "hit": ("hit", "ed"), "cut": ("cut", "ed"), "set": ("set", "ed"), "put": ("put", "ed"),
    "showed": ("show", "ed"), "shown": ("show", "ed"), "heard": ("hear", "ed"), "meant": ("mean", "ed"),
    "got": ("get", "ed"), "gotten": ("get", "ed"), "became": ("become", "ed"), "forgot": ("forget", "ed"),
}
IRREGULAR_FORMS: dict[tuple[str, str], str] = {}
for _form, _key in IRREGULAR.items():
    IRREGULAR_FORMS.setdefault(_key, _form)


def _ends_consonant_vowel_consonant(word: str) -> bool:
    return (len(word) >= 3 and word[-1] not in VOWELS and word[-1] not in "wxy"
            and word[-2] in VOWELS and word[-3] not in VOWELS)


def base_forms(word: str) -> list[tuple[str, str]]:
    """Possible (base form, tag) readings of a lower-case word, the word itself first."""
    readings = [(word, "")]
    if word in IRREGULAR:
        readings.append(IRREGULAR[word])
    if len(word) < 4:
        return readings
    if word.endswith("ies"):
        readings.append((word[:-3] + "y", "s"))
    elif word.endswith("es"):
        readings += [(word[:-2], "s"), (word[:-1], "s")]
    elif word.endswith("s") and not word.endswith("ss"):
        readings.append((word[:-1], "s"))
    for suffix, tag in (("ed", "ed"), ("ing", "ing")):
        if not word.endswith(suffix) or len(word) < len(suffix) + 3:
            continue
        stem = word[: -len(suffix)]
        readings += [(stem, tag), (stem + "e", tag)]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            readings.append((stem[:-1], tag))
        if tag == "ed" and stem.endswith("i"):
            readings.append((stem[:-1] + "y", tag))
    return readings


def inflect(base: str, tag: str) -> str:
    """The regular (or listed irregular) form of ``base`` with ``tag``."""
    if not tag:
        return base
    if (base, tag) in IRREGULAR_FORMS:
        return IRREGULAR_FORMS[(base, tag)]
    if tag == "s":
        if base.endswith("y") and len(base) > 1 and base[-2] not in VOWELS:
            return base[:-1] + "ies"
        if base.endswith(("s", "x", "z", "ch", "sh")):
            return base + "es"
        return base + "s"
    stem = base
    if base.endswith("e") and not base.endswith("ee"):
        stem = base[:-1]
    elif tag == "ed" and base.endswith("y") and len(base) > 1 and base[-2] not in VOWELS:
        stem = base[:-1] + "i"
    elif _ends_consonant_vowel_consonant(base) and len(base) <= 4:
        stem = base + base[-1]
    return stem + tag


def match_case(word: str, model: str) -> str:
    """Give ``word`` the capitalisation pattern of ``model``."""
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
