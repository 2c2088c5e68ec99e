"""The command line: ``app`` (srs/cli/app.py) and one module per command group, each
parsing options, calling one core function and handing the result to ``srs.ui``."""

from __future__ import annotations

import os
import sys

from srs.cli import config, decks, exam, progress, serve, study, users  # noqa: F401  (register their commands)
from srs.cli.app import app, command_name


def main() -> None:
    """Run the command line. Typer builds a Click command for every registered command on
    each start (about a millisecond each); when the command line names one, only that one is
    built (its help, options and errors are the same: the group's own help and an unknown
    name still see every command)."""
    name = command_name(sys.argv[1:])
    commands = app.registered_commands
    completing = any(k.endswith("_COMPLETE") for k in os.environ)  # shell completion: every command
    only = [c for c in commands if (c.name or getattr(c.callback, "__name__", "").lower().replace("_", "-")) == name] \
        if name is not None and not completing else []
    groups = app.registered_groups
    if only:
        app.registered_commands, app.registered_groups = only, []
    try:
        app()
    finally:
        app.registered_commands, app.registered_groups = commands, groups


__all__ = ["app", "main"]
