"""`srs stats`, `srs readiness`, `srs optimize`: where a learner stands (README: "srs stats", "srs readiness")."""

from __future__ import annotations

from typing import Optional

import typer

from srs.cli.app import app, command, complete_deck, context, in_range, print_json
from srs.errors import UserError


@app.command()
@command
def stats(
    deck: Optional[str] = typer.Option(None, "--deck", metavar="DECK", autocompletion=complete_deck, help="Only this deck."),
    days: int = typer.Option(112, "--days", metavar="N", help="Days of history in the heat map."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Cards by state, reviews per day, true retention, the due forecast, streak, exam scores."""
    from srs.stats import compute, to_json

    in_range(days, "--days", 7, 3660)
    c = context()
    c.open()
    c.check_deck(deck)
    now = c.now()
    result = compute(c.store, c.settings(deck), now, deck, days)
    if as_json:
        print_json(to_json(result))
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_stats

    render_stats(stdout(), result, now)


@app.command()
@command
def readiness(
    deck: Optional[str] = typer.Option(None, "--deck", metavar="DECK", autocompletion=complete_deck, help="The exam deck (default: the only one)."),
    on: Optional[str] = typer.Option(None, "--on", metavar="DATE",
                                     help="Exam date, YYYY-MM-DD (noon that day) [default: the deck's "
                                          "exam_date setting, else now]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Your chance of passing the exam on a date, from all your answers, checked against your mocks."""
    from srs.clock import exam_date
    from srs.forecast import assess, outcomes

    c = context()
    c.open()
    deck_id = c.exam_deck(deck)
    now = c.now()
    settings = c.settings(deck_id)
    when = exam_date(on, settings.exam_date, settings.day_starts_at, now, "--on") or now
    try:
        result = assess(c.store, settings, deck_id, when, now)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    checked = outcomes(c.store, deck_id)
    if as_json:
        print_json({**result.to_dict(), "calibration": checked.to_json()})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_readiness

    render_readiness(stdout(), result, checked)


@app.command()
@command
def optimize(
    deck: Optional[str] = typer.Option(None, "--deck", metavar="DECK", autocompletion=complete_deck, help="Fit to this deck's reviews and keep them for it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fit FSRS parameters to your own reviews; keep them only if they predict held-out reviews better."""
    from srs.optimize import optimize as run

    c = context()
    c.open()
    c.check_deck(deck)
    result, in_force = run(c.store, c.settings(deck), deck, c.now())
    if as_json:
        def score(pair):
            return {"log_loss": pair[0], "rmse_bins": pair[1]} if pair else None

        print_json({"items": result.items, "train": result.train_items, "held_out": result.test_items,
                    "before": score(result.before), "after": score(result.after), "kept": result.kept,
                    "fitted": result.parameters, "parameters": in_force,
                    "scope": deck or "all decks", "message": result.message})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_fit

    render_fit(stdout(), result, f"deck {deck}" if deck else "all your decks")
