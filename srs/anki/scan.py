"""Linear-time scanners over untrusted field and template text.

Each function here does what one regular expression used to do, with the same result, but
in time linear in the text: the old patterns had adjacent or nested unbounded quantifiers
(`<[^>]*>`, `(.*?)(?:::(.*?))?`, `([^ >]+?)\\[(.+?)\\]`, …) that a hostile field drove into
quadratic or cubic backtracking. The pattern each replaces is named in its docstring; the
tests compare the two on random text."""

from __future__ import annotations

import re
from collections.abc import Iterator

#: a note with a longer field is skipped at import (the fields of real decks are a few KB;
#: every parser here is linear, and a field this long reads in seconds at most)
MAX_FIELD_CHARS = 2**20
#: Anki reads a cloze number as a 16-bit number; a larger one is not a cloze (rslib cloze.rs)
MAX_CLOZE = 65535


class _Next:
    """Where ``needle`` next occurs at or after a position (the text's length if nowhere).
    Asked for growing positions, each search starts past the last answer, so all searches
    together read the text once."""

    def __init__(self, text: str, needle: str) -> None:
        self.text, self.needle, self.asked, self.at = text, needle, 0, -1

    def __call__(self, pos: int) -> int:
        if self.at < pos or pos < self.asked:  # (a position that went back: search afresh)
            found = self.text.find(self.needle, pos)
            self.at = found if found >= 0 else len(self.text)
        self.asked = pos
        return self.at


def strip_tags(text: str, replacement: str = "") -> str:
    """``re.sub(r"<[^>]*>", replacement, text)``."""
    out: list[str] = []
    pos = 0
    while True:
        lt = text.find("<", pos)
        gt = text.find(">", lt + 1) if lt >= 0 else -1
        if gt < 0:  # no tag from here on: `[^>]*>` needs a `>` after the `<`
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:lt])
        out.append(replacement)
        pos = gt + 1


def pairs(text: str, open_: str, close: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each ``open_ … close`` (the shortest), left to right, not overlapping:
    ``re.finditer(re.escape(open_) + "(.*?)" + re.escape(close), text, re.S)``."""
    pos = 0
    while (start := text.find(open_, pos)) >= 0:
        end = text.find(close, start + len(open_))
        if end < 0:  # no close after this open: none after a later one either
            return
        yield start, end + len(close)
        pos = end + len(close)


def bracketed(text: str, openers: tuple[str, ...], stops: str = "", empty: bool = False
              ) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, opener, content) of each ``opener content ]`` whose content holds no `]`
    and none of ``stops`` (and is not empty unless ``empty``); each opener starts with `[`. The pattern
    ``\\[(?:image|sound): ([^\\]\\n]+)\\]`` is ``bracketed(t, ("[image: ", "[sound: "), "\\n")``."""
    ends = [_Next(text, c) for c in "]" + stops]
    pos = 0
    while (start := text.find("[", pos)) >= 0:
        opener = next((o for o in openers if text.startswith(o, start)), None)
        if opener is None:
            pos = start + 1
            continue
        content = start + len(opener)
        stop = min(e(content) for e in ends)
        if stop < len(text) and text[stop] == "]" and (empty or stop > content):
            yield start, stop + 1, opener, text[content:stop]
            pos = stop + 1
        else:
            pos = start + 1


def trailing_block(text: str, open_: str, close: str) -> tuple[int, int] | None:
    """(start of ``open_``, start of its content, start of ``close``) of a block that ends the
    text (only white space after ``close``), or None:
    ``re.search(re.escape(open_) + "(.*?)" + re.escape(close) + r"\\s*$", text, re.S)``.
    Returns (start, close_at)."""
    close_at = text.rfind(close)
    if close_at < 0:
        return None
    rest = text[close_at + len(close):]
    if rest and not rest.isspace():  # `\s` is str.isspace
        return None
    start = text.find(open_, 0, close_at)
    return (start, close_at) if start >= 0 else None


def cloze_number(digits: str) -> int | None:
    """A cloze's number, or None when it is beyond what Anki reads (rslib parses it as u16)."""
    significant = digits.lstrip("0")
    if len(significant) > len(str(MAX_CLOZE)):  # (never int() of thousands of digits)
        return None
    number = int(significant or "0")
    return number if number <= MAX_CLOZE else None


def clozes(text: str) -> Iterator[tuple[int, int, int, str, str | None]]:
    """(start, end, number, text, hint or None) of each cloze deletion, left to right:
    ``\\{\\{c(\\d+)::(.*?)(?:::(.*?))?\\}\\}`` (dot matching newlines), except that a number
    above MAX_CLOZE makes no cloze, as in Anki."""
    closes, seps = _Next(text, "}}"), _Next(text, "::")
    pos = 0
    while (start := text.find("{{c", pos)) >= 0:
        digits_end = start + 3
        while digits_end < len(text) and text[digits_end].isdecimal():  # `\d`
            digits_end += 1
        if digits_end == start + 3 or not text.startswith("::", digits_end):
            pos = start + 1
            continue
        content = digits_end + 2
        close = closes(content)
        if close >= len(text):  # no `}}` after: no cloze from here on
            return
        number = cloze_number(text[start + 3:digits_end])
        if number is None:
            pos = digits_end
            continue
        sep = seps(content)
        if sep < close:
            yield start, close + 2, number, text[content:sep], text[sep + 2:close]
        else:
            yield start, close + 2, number, text[content:close], None
        pos = close + 2


def ruby(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, base, reading) of each furigana ``base[reading]``, left to right:
    `` ?([^ >]+?)\\[(.+?)\\]`` (the space before a base belongs to the match)."""
    n = len(text)
    spaces, angles, newlines, closes = _Next(text, " "), _Next(text, ">"), _Next(text, "\n"), _Next(text, "]")
    pos = 0
    while pos < n:
        start = pos
        base = pos + 1 if text[pos] == " " else pos
        if base >= n or text[base] in " >":
            pos += 1
            continue
        limit = min(spaces(base), angles(base))  # the base holds no space and no `>`
        bracket = text.find("[", base + 1, limit)
        while bracket >= 0:
            close = closes(bracket + 2)  # the reading: one character or more, up to `]`, one line
            if close < n and close < newlines(bracket + 1):
                break
            bracket = text.find("[", bracket + 1, limit)
        if bracket < 0:  # no reading for any base starting in this run
            pos = limit
            continue
        yield start, close + 1, text[base:bracket], text[bracket + 1:close]
        pos = close + 1


_HR = re.compile(r"<hr", re.I)
_ANSWER_ID = re.compile(r"\bid\s*=\s*[\"']?answer", re.I)


def answer_rule_end(html: str) -> int | None:
    """Where the first `<hr id=answer>` ends, or None:
    ``<hr[^>]*\\bid\\s*=\\s*["']?answer["']?[^>]*>`` (ignoring case)."""
    pos = 0
    while m := _HR.search(html, pos):
        gt = html.find(">", m.end())
        if gt < 0:  # the rule must end with `>`: none from here on
            return None
        if _ANSWER_ID.search(html, m.end(), gt):
            return gt + 1
        pos = gt + 1  # a later `<hr` before this `>` sees a part of the same attributes
    return None


__all__ = ["MAX_CLOZE", "MAX_FIELD_CHARS", "answer_rule_end", "bracketed", "cloze_number", "clozes", "pairs", "ruby", "strip_tags",
           "trailing_block"]
