"""The console srs prints results on (errors are one plain line on stderr, from the CLI)."""

from __future__ import annotations

import os
import sys

from rich.console import Console

#: the width of output that goes to a file or a pipe: as wide as a row needs, never folded or
#: cut (tables and text are as wide as their content; nothing is padded to this width)
PIPED = 100_000


def _width() -> int | None:
    value = os.environ.get("SRS_WIDTH")
    return int(value) if value and value.isdigit() else None


def stdout(screen: bool = False) -> Console:
    """The console for a command's output. Lists and reports sent to a file or a pipe get
    whole rows (``PIPED``); a ``screen`` (review, exam: panels and rules) keeps the width of
    a terminal, 80 columns when piped."""
    width = _width()
    if width is None and not screen and not _is_terminal():
        width = PIPED
    return Console(highlight=False, width=width, soft_wrap=False)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["stdout"]
