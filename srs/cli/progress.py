"""`srs stats`, `srs readiness`, `srs optimize`: where a learner stands (README: "srs stats", "srs readiness")."""

from __future__ import annotations

from typing import Optional

import typer

from srs.cli.app import app, command, context, in_range, print_json
from srs.cli.options import deck_option, json_option
from srs.errors import UserError


@app.command()
@command
def stats(
    deck: Optional[str] = deck_option(),
    days: int = typer.Option(112, "--days", metavar="N", help="Days of history in the heat map."),
    as_json: bool = json_option(),
) -> None:
    """Cards by state, reviews per day, true retention, the due forecast, streak, exam scores."""
    from srs.stats import compute

    in_range(days, "--days", 7, 3660)
    c = context()
    c.open()
    c.check_deck(deck)
    now = c.now()
    result = compute(c.store, c.settings(deck), now, deck, days)
    if as_json:
        print_json(result.to_dict())
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_stats

    render_stats(stdout(), result, now)


@app.command()
@command
def readiness(
    deck: Optional[str] = deck_option("The exam deck (default: the only one)."),
    on: Optional[str] = typer.Option(None, "--on", metavar="DATE",
                                     help="Exam date, YYYY-MM-DD (noon that day) [default: the deck's "
                                          "exam_date setting, else now]."),
    details: bool = typer.Option(False, "--details", help="Also the numbers: calibration table, learner estimates."),
    as_json: bool = json_option(),
) -> None:
    """Your chance of passing the exam on a date, from all your answers, checked against your mocks."""
    from srs.clock import exam_date
    from srs.forecast import assess, outcomes

    c = context()
    c.open()
    deck_id = c.exam_deck(deck)
    now = c.now()
    settings = c.settings(deck_id)
    when = exam_date(on, settings.exam_date, settings.day_starts_at, now, "--on")
    date_note = None
    if when is None:
        date_note = (("Exam now (no date set)",
                      f"No exam date set: srs config exam_date DATE --deck {deck_id}; until then, as if the exam "
                      "were now.") if settings.exam_date is None else
                     (f"Exam now ({settings.exam_date} has passed)",
                      f"The exam date {settings.exam_date} has passed: srs config exam_date DATE --deck {deck_id} "
                      "sets the next; until then, as if the exam were now."))
    try:
        result = assess(c.store, settings, deck_id, when or now, now)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    checked = outcomes(c.store, deck_id)
    if as_json:
        from srs.forecast import Readiness

        print_json(Readiness(result, checked, when, date_note and date_note[1]).to_dict())
        return
    from srs.held import held_cards
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_readiness

    rows = 8
    named = sorted(result.cards, key=lambda q: q.p)[:rows] + result.study_first()
    render_readiness(stdout(), result, checked, date_note, held_cards(c.store, [q.key for q in named], now),
                     details, rows)


@app.command()
@command
def optimize(
    deck: Optional[str] = deck_option("Fit to this deck's reviews and keep them for it."),
    as_json: bool = json_option(),
) -> None:
    """Fit FSRS parameters to your own reviews; keep them only if they predict held-out reviews better."""
    from srs.optimize import optimize as run

    c = context()
    c.open()
    c.check_deck(deck)
    done = run(c.store, c.settings(deck), deck, c.now())
    if as_json:
        print_json(done.to_dict())
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_fit

    render_fit(stdout(), done.fit, f"deck {deck}" if deck else "all your decks")
