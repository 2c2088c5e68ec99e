"""Quiz-page text: a course page's final exam copied as text (numbered questions, each with
the question and two feedback paragraphs), parsed into a deck."""

from __future__ import annotations

import re

from srs.deckfile.records import CardSpec, DeckSpec, ExamSettings
from srs.errors import DeckFileError
from srs.rules import DEFAULT_EXAM_MINUTES

_COUNTS = re.compile(r"^\s*(\d+)\s+questions?\s*[·•|,\-–—]\s*(\d+(?:\.\d+)?)\s*%\s*to\s+pass\s*$", re.I)
_PROGRESS = re.compile(r"^\s*\d+\s+of\s+\d+\s+answered\s*$", re.I)
_NUMBERED = re.compile(r"^\s*(\d+)[.)]\s+(\S.*)$")


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "deck"


def parse_quiz_text(text: str, path: str = "<quiz>") -> DeckSpec:
    """Quiz-page text (the seed's format) as basic cards and exam settings.

    Header lines (title, subtitle, "N questions · P% to pass", progress), then numbered
    questions, each followed by two paragraphs: the feedback after a right answer (it
    becomes the card's answer) and after a wrong one (its explanation).
    """
    lines = text.splitlines()
    header: list[tuple[int, str]] = []
    counts: tuple[int, float] | None = None
    i = 0
    while i < len(lines) and not _NUMBERED.match(lines[i]):
        line = lines[i].strip()
        m = _COUNTS.match(line)
        if m:
            counts = (int(m.group(1)) if len(m.group(1)) < 10 else 10**9, float(m.group(2)))  # (capped anyway)
        elif line and not _PROGRESS.match(line):
            header.append((i + 1, line))
        i += 1
    if not header:
        raise DeckFileError(path, 1, "quiz text: missing a title line before the questions")
    if i >= len(lines):
        raise DeckFileError(path, len(lines) or 1, "quiz text: no numbered questions found (like '1. What ...')")
    title = " — ".join(h for _, h in header[:2])
    blocks: list[tuple[int, int, list[str]]] = []
    for number, raw in enumerate(lines[i:], start=i + 1):
        m = _NUMBERED.match(raw)
        expected = len(blocks) + 1
        if m and len(m.group(1)) < 10 and int(m.group(1)) == expected:
            blocks.append((number, expected, [m.group(2).strip()]))
        elif raw.strip():
            if not blocks:
                raise DeckFileError(path, number, "quiz text: the questions must be numbered from 1")
            blocks[-1][2].append(raw.strip())
    cards = []
    for at, n, parts in blocks:
        if len(parts) != 3:
            raise DeckFileError(path, at, f"question {n}: expected the question and two feedback paragraphs, "
                                            f"found {len(parts) - 1} paragraph(s)")
        question, right, wrong = parts
        cards.append(CardSpec(f"q{n:02d}", question, right, None, wrong, "", (), at))
    exam = None
    if counts is not None:
        questions, percent = counts
        if not 0 < percent <= 100:
            raise DeckFileError(path, None, f"quiz text: pass mark {percent}% is not in (0, 100]")
        exam = ExamSettings(questions=min(questions, len(cards)) or None, minutes=DEFAULT_EXAM_MINUTES,
                            pass_mark=percent / 100)
    return DeckSpec(slug(title), title, "", exam, tuple(cards), path)


__all__ = ["parse_quiz_text", "slug"]
