"""`srs review`, `srs suspend`, `srs unsuspend`: daily study."""

from __future__ import annotations

from typing import Optional

import typer

from srs.cli.app import (
    app,
    command,
    complete_card,
    context,
    fuzz,
    in_range,
)
from srs.cli.options import deck_option


@app.command()
@command
def review(
    deck: Optional[str] = deck_option(),
    tag: Optional[str] = typer.Option(None, "--tag", metavar="TAG", help="Only cards with this tag."),
    limit: Optional[int] = typer.Option(None, "--limit", metavar="N", help="Stop after N answers."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE",
                                        help="Studying for an exam on DATE: also bring forward cards you "
                                             "would not recall well enough by then [default: the "
                                             "exam_date setting]."),
) -> None:
    """Review what is due today. Keys: letter or any key to answer, 1-4 to rate (Enter = Good),
    u undo, s bury, ! suspend, q quit."""
    from srs.clock import exam_date
    from srs.review import ReviewSession
    from srs.ui.console import stdout
    from srs.ui.keys import KeyReader
    from srs.ui.review_screen import ReviewScreen

    in_range(limit, "--limit")
    c = context()
    c.open()
    c.check_deck(deck)
    c.check_tag(tag, deck)
    settings = c.settings(deck)
    exam_day = exam_date(until, settings.exam_date, settings.day_starts_at, c.writable_now(), "--until")
    session = ReviewSession(c.store, settings, deck, tag, limit, fuzz=fuzz(), until=exam_day)
    screen = ReviewScreen(session, KeyReader(), stdout(screen=True), c.now)
    with c.store.checkpoints_held():  # no answer waits for the log to be copied: the end of the session does
        screen.run()
    if screen.interrupted:
        raise typer.Exit(130)


def _set_suspended(names: list[str], flag: bool) -> None:
    from srs.review import set_suspended
    from srs.ui.shown import shown

    c = context()
    for card in set_suspended(c.open(), names, flag):  # each card as it was before
        if card.memory.suspended == flag:
            print(f"{shown(card.name)} was {'already' if flag else 'not'} suspended")
        else:
            print(f"{'suspended' if flag else 'unsuspended'} {shown(card.name)}")


@app.command()
@command
def suspend(names: list[str] = typer.Argument(..., metavar="CARD...", autocompletion=complete_card, help="Cards as DECK/CARD.")) -> None:
    """Take cards out of reviews until unsuspended."""
    _set_suspended(names, True)


@app.command()
@command
def unsuspend(names: list[str] = typer.Argument(..., metavar="CARD...", autocompletion=complete_card, help="Cards as DECK/CARD.")) -> None:
    """Bring suspended cards (leeches too) back into reviews."""
    _set_suspended(names, False)
