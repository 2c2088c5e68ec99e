"""`srs stats`, `srs readiness`, `srs optimize`."""

from __future__ import annotations

import json
from typing import Optional

import typer

from srs.cli import _ctx, _json, app, command
from srs.errors import UserError


@app.command()
@command
def stats(
    deck: Optional[str] = typer.Option(None, "--deck", help="Only this deck."),
    days: int = typer.Option(112, "--days", min=7, max=3660, help="Days of history in the heat map."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Cards by state, reviews per day, true retention, the due forecast, streak, exam scores."""
    from srs.stats import compute, to_json

    c = _ctx()
    c.check_deck(deck)
    now = c.now()
    result = compute(c.store, c.settings(deck), now, deck, days)
    if as_json:
        _json(to_json(result))
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_stats

    render_stats(stdout(), result, now)


@app.command()
@command
def readiness(
    deck: Optional[str] = typer.Option(None, "--deck", help="The exam deck (default: the only one)."),
    on: Optional[str] = typer.Option(None, "--on", help="Exam date, YYYY-MM-DD [default: today]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Your chance of passing the exam on a date, and what to review to raise it."""
    from srs.clock import on_date
    from srs.readiness import brier
    from srs.readiness import readiness as compute

    c = _ctx()
    deck_id = c.exam_deck(deck)
    now = c.now()
    settings = c.settings(deck_id)
    when = on_date(on, settings.day_starts_at, now) if on else now
    if when < now - __import__("datetime").timedelta(days=1):
        raise UserError(f"--on {on}: the date is in the past")
    row = c.store.deck(deck_id)
    cards = c.store.mc_cards(deck_id)
    if not cards:
        raise UserError(f"deck {deck_id!r} has no multiple-choice cards")
    result = compute(cards, settings, row.exam_questions, row.exam_pass_mark, when, now, deck_id)
    history = [(a.id, a.forecast, a.passed) for a in c.store.attempts(deck_id) if a.forecast is not None]
    score = brier([(f, p) for _, f, p in history])
    if as_json:
        _json({"deck": deck_id, "on": when.isoformat(), "questions": result.questions,
               "pass_mark": result.pass_mark, "expected_score": result.expected_score,
               "pass_probability": result.pass_probability, "method": result.method,
               "cards": [{"card": q.card.name, "p_correct": q.p, "recall": q.recall,
                          "p_if_reviewed": q.p_if_reviewed, "gain": q.gain} for q in result.cards],
               "study_first": [q.card.name for q in result.study_first()],
               "forecasts": [{"attempt": i, "forecast": f, "passed": p} for i, f, p in history], "brier": score})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_readiness

    render_readiness(stdout(), result, history, score)


@app.command()
@command
def optimize(
    deck: Optional[str] = typer.Option(None, "--deck", help="Fit to this deck's reviews and keep them for it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fit FSRS parameters to your own reviews; keep them only if they predict better."""
    from fsrs import Scheduler

    from srs.optimize import fit

    c = _ctx()
    c.check_deck(deck)
    settings = c.settings(deck)
    from fsrs.scheduler import DEFAULT_PARAMETERS

    current = list(settings.parameters or DEFAULT_PARAMETERS)
    result = fit(c.store.review_log(deck), current, settings.day_starts_at)
    kept = result.kept
    if kept and result.parameters is not None:
        try:
            Scheduler(parameters=result.parameters)
        except ValueError as exc:  # out of the scheduler's bounds: not usable
            kept = False
            result = type(result)(**{**result.__dict__, "kept": False,
                                     "message": f"the fitted parameters are out of bounds ({exc}); not kept"})
        else:
            c.store.set_setting("parameters", json.dumps(result.parameters), deck)
    if as_json:
        _json({"items": result.items, "train": result.train_items, "held_out": result.test_items,
               "before": {"log_loss": result.before[0], "rmse_bins": result.before[1]} if result.after else None,
               "after": {"log_loss": result.after[0], "rmse_bins": result.after[1]} if result.after else None,
               "kept": kept, "parameters": result.parameters if kept else current, "message": result.message})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_fit

    render_fit(stdout(), result, f"deck {deck}" if deck else "all your decks")
