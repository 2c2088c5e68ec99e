"""`srs export`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from srs.cli import _ctx, app, command


@app.command()
@command
def export(
    path: Path = typer.Argument(..., help="The file to write: .apkg, .txt (Anki's text format), .csv or .toml."),
    deck: Optional[str] = typer.Option(None, "--deck", help="Only this deck (a .toml file needs one)."),
    with_history: bool = typer.Option(False, "--with-history",
                                      help="With each card's scheduling and every review (.apkg)."),
) -> None:
    """Export decks for Anki (.apkg, .txt), as CSV, or as a deck file (.toml)."""
    from srs.export import export as run

    c = _ctx()
    c.check_deck(deck)
    n = run(c.store, path, deck, c.now(), with_history)
    print(f"exported {n} card(s) to {path}" + (" with their scheduling and review history" if with_history else ""))
