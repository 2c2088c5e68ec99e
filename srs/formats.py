"""The file formats srs imports and exports, in one table: `srs import` and `srs export`
(and their error messages) read it."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import NamedTuple

from srs.errors import UserError


class Reads(Enum):
    """How `srs import` takes a file."""

    DECK = "a whole deck: it syncs, retiring the cards the file no longer holds"
    TEXT = "by content: a quiz page is a whole deck; Anki's text format and srs's CSV merge"
    PACKAGE = "an Anki package, read in batches as it merges"


class Format(NamedTuple):
    suffix: str
    what: str
    reads: Reads
    exports: bool


FORMATS = (
    Format(".toml", "an srs deck file", Reads.DECK, True),
    Format(".txt", "a quiz page, or Anki's text format", Reads.TEXT, True),
    Format(".csv", "srs's CSV (or a plain one)", Reads.TEXT, True),
    Format(".apkg", "an Anki deck package", Reads.PACKAGE, True),
    Format(".colpkg", "a whole Anki collection", Reads.PACKAGE, False),
)


def format_of(path: Path, exporting: bool = False) -> Format:
    """The format of ``path`` by its suffix; UserError naming the known ones otherwise."""
    suffix = path.suffix.lower()
    for f in FORMATS:
        if f.suffix == suffix and (f.exports or not exporting):
            return f
    known = ", ".join(f.suffix for f in FORMATS if f.exports or not exporting)
    verb = "export to" if exporting else "import"
    raise UserError(f"{path}: cannot {verb} {suffix or 'a file without extension'} (known: {known})")


__all__ = ["FORMATS", "Format", "Reads", "format_of"]
