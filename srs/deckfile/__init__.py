"""Deck files: the TOML deck format and quiz-page text, parsed into plain dataclasses.

Parsing is strict: every rule of docs/deck-format.md is enforced and every error names the file
and the line (``decks/x.toml:14: card "adam": ...``).

``records`` holds the records, ``toml_deck`` the TOML format (parsing and writing),
``quiz`` quiz-page text, ``lines`` the line index for errors; this module reads a file.
"""

from __future__ import annotations

from pathlib import Path

from srs.deckfile.quiz import parse_quiz_text, slug
from srs.deckfile.records import (
    DECK_ID_RE,
    ID_RE,
    MAX_CHOICES,
    MIN_CHOICES,
    CardSpec,
    DeckSpec,
    ExamSettings,
    _card_spec,
)
from srs.deckfile.toml_deck import dump_toml, load_toml, parse_toml
from srs.errors import DeckFileError, reading

def read_deck(path: Path) -> DeckSpec:
    """A deck file by its extension: ``.toml`` or quiz-page ``.txt``."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeckFileError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    with reading(path):  # the reader's boundary: whatever the file's content causes is one line
        return _read_deck(path, raw)


def _read_deck(path: Path, raw: bytes) -> DeckSpec:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DeckFileError(str(path), line, "not UTF-8 text") from None
    if "\x00" in text:
        raise DeckFileError(str(path), text[: text.index("\x00")].count("\n") + 1, "contains a NUL character")
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return parse_toml(text, str(path))
    if suffix == ".txt":
        return parse_quiz_text(text, str(path))
    raise DeckFileError(str(path), None, f"unknown deck format {suffix or '(no extension)'!r}")


__all__ = ["DECK_ID_RE", "ID_RE", "MAX_CHOICES", "MIN_CHOICES", "CardSpec", "DeckSpec", "ExamSettings", "_card_spec",
           "dump_toml", "load_toml", "parse_quiz_text", "parse_toml", "read_deck", "slug"]
