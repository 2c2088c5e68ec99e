"""Errors a user can cause and act on. The CLI prints them as one line and exits 1."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


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


#: exceptions only code can cause: never a file's fault, so never turned into a user error
BUGS = (AssertionError, NameError, ImportError)


@contextmanager
def reading(path: str | Path, where: Callable[[], str] | None = None) -> Iterator[None]:
    """A reader's boundary: whatever reading ``path`` raises that its content can cause
    (too deep a nesting, a number too long, a corrupt structure, ...) becomes one UserError
    naming the file, and ``where()`` in it (", note …", ":line"). User errors pass as
    they are; exceptions only a bug raises (BUGS) and KeyboardInterrupt too."""
    try:
        yield
    except (UserError, *BUGS):
        raise
    except Exception as exc:  # noqa: BLE001 - the boundary: named, with its kind, never silent
        at = where() if where else ""
        if isinstance(exc, RecursionError):
            raise UserError(f"{path}{at}: cannot be read: nested too deeply") from None
        if isinstance(exc, ValueError) and "integer string conversion" in str(exc):
            raise UserError(f"{path}{at}: cannot be read: a number of more digits than Python converts "
                            f"({sys.get_int_max_str_digits()})") from None
        text = detail(exc)
        raise UserError(f"{path}{at}: cannot be read ({type(exc).__name__}{': ' + text if text else ''})") \
            from exc


def detail(exc: BaseException | str, limit: int = 160) -> str:
    """What an error says, for a user error's one line: its whitespace (newlines too) one
    space, cut at ``limit`` characters. An error a file's content caused may quote that
    content (a driver's "could not decode ... with text '...'")."""
    text = " ".join(str(exc).split())
    return text[:limit] + "…" if len(text) > limit else text


__all__ = ["BUGS", "DeckFileError", "UserError", "detail", "reading"]
