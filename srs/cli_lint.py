"""`srs lint`: cues in a deck that let a test-wise student score without knowing."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from srs.cli import _ctx, _json, app, command
from srs.errors import UserError


@app.command()
@command
def lint(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH", help="Deck files (.toml; quiz-page .txt)."),
    deck: Optional[str] = typer.Option(None, "--deck", help="Check a deck already imported, by its id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check multiple-choice cards for cues (longest choice, position, echoed words, absolute
    words, "all of the above", duplicates) that would let a student pass without knowing.
    Exit 1 when a strategy reaches the pass mark."""
    from srs.deckfile import read_deck
    from srs.lint import from_deck_spec, from_study_cards

    if not paths and deck is None:
        raise typer.BadParameter("give deck files or --deck ID", param_hint="PATH")
    reports = []
    for path in paths or []:
        if not path.exists():
            raise UserError(f"{path}: no such file")
        if path.suffix.lower() not in (".toml", ".txt"):
            raise UserError(f"{path}: cannot lint {path.suffix or 'a file without extension'} (known: .toml, .txt)")
        reports.append(from_deck_spec(read_deck(path)))
    if deck is not None:
        c = _ctx()
        c.check_deck(deck)
        row = c.store.deck(deck)
        mark = row.exam_pass_mark if row is not None and row.exam_enabled else None
        reports.append(from_study_cards(deck, c.store.mc_cards(deck), mark))
    if as_json:
        data = [r.to_dict() for r in reports]
        _json(data[0] if len(data) == 1 else data)
    else:
        from srs.ui.console import stdout
        from srs.ui.lint_view import render_lint

        console = stdout()
        for i, report in enumerate(reports):
            if i:
                console.print()
            render_lint(console, report)
    if any(r.fails for r in reports):
        raise typer.Exit(1)
