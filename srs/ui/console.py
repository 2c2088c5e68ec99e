"""The console srs prints results on (errors are one plain line on stderr, from the CLI)."""

from __future__ import annotations

import os

from rich.console import Console


def _width() -> int | None:
    value = os.environ.get("SRS_WIDTH")
    return int(value) if value and value.isdigit() else None


def stdout() -> Console:
    return Console(highlight=False, width=_width(), soft_wrap=False)


__all__ = ["stdout"]
