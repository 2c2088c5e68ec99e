"""Where things are in a TOML deck file, for errors that name the line: the line of a
table header or a key, found without a second parser (headers and keys on their own
lines, as deck files are written)."""

from __future__ import annotations

import re

_HEADER_OPEN = re.compile(r"\s*(\[\[?)")
_HEADER_TAIL = re.compile(r"\]?\s*(?:#.*)?$")
_HEADER_NAME = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.\"' -")


def _header(raw: str) -> tuple[str, str] | None:
    r"""(`[` or `[[`, the name) of a table header line, or None. In linear time, what the
    pattern ``^\s*(\[\[?)\s*([A-Za-z0-9_."' -]+?)\s*\]\]?\s*(#.*)?$`` matched (its spaces
    around a lazy name backtracked cubically on a long line)."""
    opened = _HEADER_OPEN.match(raw)
    if opened is None:
        return None
    close = raw.find("]", opened.end())
    if close < 0 or not _HEADER_TAIL.match(raw, close + 1):
        return None
    inside = raw[opened.end():close]
    name = inside.strip()
    if not (all(c in _HEADER_NAME for c in name) if name else " " in inside):
        return None
    return opened.group(1), name or " "
_KEY = re.compile(r"^\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*=")


class _Loc:
    """A place in the file, looked up only when an error needs its line number."""

    __slots__ = ("lines", "kind", "args")

    def __init__(self, lines: "_Lines", kind: str, args: tuple) -> None:
        self.lines, self.kind, self.args = lines, kind, args

    def resolve(self) -> int | None:
        return self.lines.find(self.kind, *self.args)


class _Lines:
    """Where each table and key starts, so semantic errors can name a line. The index is
    built on the first error only: parsing a valid deck never scans the text twice."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.built = False

    def key(self, table: str, name: str, index: int = -1) -> _Loc:
        return _Loc(self, "key", (table, name, index))

    def table(self, table: str, index: int = -1) -> _Loc:
        return _Loc(self, "table", (table, index))

    def find(self, kind: str, *args) -> int | None:
        if not self.built:
            self._build(self.text)
            self.built = True
        return self._key(*args) if kind == "key" else self._table(*args)

    def _build(self, text: str) -> None:
        self.tables: dict[str, int] = {}
        self.cards: list[int] = []
        self.keys: dict[tuple[str, int, str], int] = {}
        table, card_index = "", -1
        in_multiline: str | None = None
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if raw.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _header(raw)
            if header and not _KEY.match(raw):
                name = header[1].replace('"', "").replace("'", "").replace(" ", "")
                table = name
                if header[0] == "[[" and name == "card":
                    self.cards.append(number)
                    card_index = len(self.cards) - 1
                self.tables.setdefault(name, number)
                continue
            key = _KEY.match(raw)
            if key:
                name = key.group(1).strip("\"'")
                index = card_index if table == "card" else -1
                self.keys.setdefault((table, index, name), number)
                rest = raw[key.end():]
                for quote in ('"""', "'''"):
                    if rest.count(quote) % 2 == 1:
                        in_multiline = quote

    def _key(self, table: str, name: str, index: int = -1) -> int | None:
        return self.keys.get((table, index, name)) or self._table(table, index)

    def _table(self, table: str, index: int = -1) -> int | None:
        if table == "card" and 0 <= index < len(self.cards):
            return self.cards[index]
        return self.tables.get(table)


__all__ = ["_Lines", "_Loc", "_header"]
