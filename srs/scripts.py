"""Ids a person can trust: a deck or card id must not mix alphabets that look alike.

`dl-fіnal` with a Cyrillic і (U+0456) looks like `dl-final`; an id is refused when its
letters mix scripts as Unicode's "moderately restrictive" profile (UTS #39) forbids: Latin,
Cyrillic and Greek never together, nor two other scripts; Latin with one other script, and
Japanese, Chinese or Korean with Latin, are fine. Digits, `-` and `_` belong to no script,
so single-script ids in any alphabet (`русский-слова`, `ελληνικά`, `日本語-2`) stay allowed.

A letter's script is read from its Unicode name (the standard library's ``unicodedata``:
"LATIN SMALL LETTER A", "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"); a compatibility
letter (fullwidth, mathematical) counts as the letter it stands for.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

#: name prefixes of letters whose script is not the name's first word
_PREFIXES = (("FULLWIDTH LATIN", "Latin"), ("CJK ", "Han"), ("IDEOGRAPHIC", "Han"), ("HALFWIDTH KATAKANA", "Katakana"),
             ("HALFWIDTH HANGUL", "Hangul"), ("KATAKANA", "Katakana"), ("MODIFIER LETTER", ""))
#: the scripts that may go with Latin as one writing system (UTS #39, highly restrictive)
_TOGETHER = (frozenset({"Latin", "Han", "Hiragana", "Katakana"}), frozenset({"Latin", "Han", "Bopomofo"}),
             frozenset({"Latin", "Han", "Hangul"}))
_LOOKALIKE = frozenset({"Latin", "Cyrillic", "Greek"})


def script(char: str) -> str:
    """The script of a letter ("Latin", "Cyrillic", "Han", …); "" for anything else."""
    if not char.isalpha():
        return ""
    folded = unicodedata.normalize("NFKC", char)
    if folded != char and len(folded) == 1 and folded.isalpha():
        char = folded
    name = unicodedata.name(char, "")
    for prefix, found in _PREFIXES:
        if name.startswith(prefix):
            return found
    word = name.split(" ", 1)[0]
    return word.capitalize()


def _allowed(scripts: set[str]) -> bool:
    if len(scripts) <= 1 or any(scripts <= together for together in _TOGETHER):
        return True
    return "Latin" in scripts and len(scripts) == 2 and not scripts & (_LOOKALIKE - {"Latin"})


def mixed_scripts(text: str) -> list[str]:
    """The characters that make ``text`` mix scripts, each as "U+0456 CYRILLIC SMALL LETTER
    BYELORUSSIAN-UKRAINIAN I": the letters outside its main script (the one most of its
    letters are in). Empty when ``text`` is fine."""
    if text.isascii():
        return []
    of = {char: script(char) for char in set(text)}
    counts = Counter(of[char] for char in text if of[char])
    if _allowed(set(counts)):
        return []
    main = max(counts, key=lambda s: (counts[s], s == "Latin"))
    odd = dict.fromkeys(char for char in text if of[char] and of[char] != main)
    return [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in odd]


def mixed_scripts_message(what: str, value: str) -> str | None:
    """A one-line reason to refuse ``value`` as ``what`` (e.g. "deck id"), or None."""
    odd = mixed_scripts(value)
    if not odd:
        return None
    return (f"{what} {value!r} mixes scripts that look alike ({', '.join(odd)}): "
            "write it in one alphabet")


__all__ = ["mixed_scripts", "mixed_scripts_message", "script"]
