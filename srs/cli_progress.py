"""`srs stats`, `srs readiness`, `srs optimize`: where a learner stands (§7, §8)."""

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
    on: Optional[str] = typer.Option(None, "--on", metavar="DATE",
                                     help="Exam date, YYYY-MM-DD (noon that day) [default: now]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Your chance of passing the exam on a date, and what to review to raise it."""
    from srs.clock import day_start, on_date
    from srs.readiness import brier
    from srs.readiness import readiness as assess

    c = _ctx()
    deck_id = c.exam_deck(deck)
    now = c.now()
    settings = c.settings(deck_id)
    when = now
    if on is not None:
        when = on_date(on, settings.day_starts_at, now)
        if day_start(when, settings.day_starts_at) < day_start(now, settings.day_starts_at):
            raise UserError(f"--on {on}: the date is in the past")
        when = max(when, now)  # today: from now on
    row = c.store.deck(deck_id)
    cards = c.store.exam_cards(deck_id)
    if not any(card.choices >= 2 for card in cards):
        raise UserError(f"deck {deck_id!r} has no multiple-choice cards")
    result = assess(cards, settings, row.exam_questions, row.exam_pass_mark, when, now, deck_id)
    history = [(a.id, a.started_at, a.forecast, a.passed) for a in c.store.attempts(deck_id)
               if a.forecast is not None]
    score = brier([(f, p) for _, _, f, p in history])
    if as_json:
        _json({"deck": deck_id, "on": when.isoformat(), "questions": result.questions,
               "pass_mark": result.pass_mark, "needed": result.needed, "expected_score": result.expected_score,
               "pass_probability": result.pass_probability, "method": result.method,
               "cards": [{"card": q.name, "p_correct": q.p, "recall": q.recall,
                          "p_if_reviewed": q.p_if_reviewed, "gain": q.gain} for q in result.cards],
               "study_first": [{"card": q.name, "gain": q.gain} for q in result.study_first(10)],
               "forecasts": [{"attempt": i, "started_at": t.isoformat(), "forecast": f, "passed": p}
                             for i, t, f, p in history],
               "brier": score,
               "mean_forecast": sum(f for _, _, f, _ in history) / len(history) if history else None,
               "pass_rate": sum(p for _, _, _, p in history) / len(history) if history else None})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_readiness

    render_readiness(stdout(), result, history, score, now)


@app.command()
@command
def optimize(
    deck: Optional[str] = typer.Option(None, "--deck", help="Fit to this deck's reviews and keep them for it."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fit FSRS parameters to your own reviews; keep them only if they predict held-out reviews better."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from srs.optimize import fit
    from srs.stats import shift_seconds

    c = _ctx()
    c.check_deck(deck)
    settings = c.settings(deck)
    current = list(settings.parameters or DEFAULT_PARAMETERS)
    result = fit(c.store.review_history(shift_seconds(c.now(), settings.day_starts_at), deck), current)
    if result.kept and result.parameters is not None:
        c.store.set_setting("parameters", json.dumps(result.parameters), deck)
    if as_json:
        def score(pair):
            return {"log_loss": pair[0], "rmse_bins": pair[1]} if pair else None

        _json({"items": result.items, "train": result.train_items, "held_out": result.test_items,
               "before": score(result.before), "after": score(result.after), "kept": result.kept,
               "fitted": result.parameters, "parameters": result.parameters if result.kept else current,
               "scope": deck or "all decks", "message": result.message})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_fit

    render_fit(stdout(), result, f"deck {deck}" if deck else "all your decks")
