"""The consoles srs prints on: stdout for results, stderr for errors."""

from __future__ import annotations

import os
import sys

from rich.console import Console


def _width() -> int | None:
    value = os.environ.get("SRS_WIDTH")
    return int(value) if value and value.isdigit() else None


def stdout() -> Console:
    return Console(highlight=False, width=_width(), soft_wrap=False)


def stderr() -> Console:
    return Console(file=sys.stderr, highlight=False, width=_width())


__all__ = ["stdout", "stderr"]
