"""Errors a user can cause and act on. The CLI prints them as one line and exits 1."""

from __future__ import annotations


class UserError(Exception):
    """An error the user can act on: bad input, unknown deck or card, unusable database."""


class DeckFileError(UserError):
    """A deck file that cannot be parsed; the message names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.detail = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


__all__ = ["UserError", "DeckFileError"]
