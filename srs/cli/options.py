"""Options several commands share, declared once (as sqlite-utils shares its output
options): a command names only what its help says differently."""

from __future__ import annotations

from typing import Any

import typer

from srs.cli.app import complete_deck


def deck_option(help: str = "Only this deck.") -> Any:
    """``--deck DECK``, completed from the decks in the database."""
    return typer.Option(None, "--deck", metavar="DECK", autocompletion=complete_deck, help=help)


def json_option(help: str = "Print JSON.") -> Any:
    """``--json``: print only JSON (the shapes in docs/json.md)."""
    return typer.Option(False, "--json", help=help)


__all__ = ["deck_option", "json_option"]
