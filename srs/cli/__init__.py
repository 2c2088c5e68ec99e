"""The command line: ``app`` (srs/cli/app.py) and one module per command group, each
parsing options, calling one core function and handing the result to ``srs.ui``."""

from __future__ import annotations

from srs.cli import config, decks, exam, progress, serve, study, users  # noqa: F401  (register their commands)
from srs.cli.app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
