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
                                     help="Exam date, YYYY-MM-DD (noon that day) [default: the deck's "
                                          "exam_date setting, else now]."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Your chance of passing the exam on a date, from all your answers, checked against your mocks."""
    from srs.clock import day_start, on_date
    from srs.forecast import assess, outcomes

    c = _ctx()
    deck_id = c.exam_deck(deck)
    now = c.now()
    settings = c.settings(deck_id)
    when = now
    date_text = on if on is not None else settings.exam_date
    if date_text is not None:
        when = on_date(date_text, settings.day_starts_at, now)
        if on is not None and day_start(when, settings.day_starts_at) < day_start(now, settings.day_starts_at):
            raise UserError(f"--on {on}: the date is in the past")
        when = max(when, now)  # today, or an exam date already past: from now on
    try:
        result = assess(c.store, settings, deck_id, when, now)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    checked = outcomes(c.store, deck_id)
    if as_json:
        _json({"deck": deck_id, "on": when.isoformat(), "questions": result.questions,
               "pass_mark": result.pass_mark, "needed": result.needed, "expected_score": result.expected_score,
               "score_interval": list(result.score_interval), "interval_mass": 0.8,
               "pass_probability": result.pass_probability, "method": result.method,
               "evidence": {"answers": result.answers, "little": result.little_evidence},
               "learner": {"prior_knowledge": result.learner.prior, "learning": result.learner.learn,
                           "memory": result.learner.memory, "slip": result.learner.slip,
                           "elimination": result.learner.elimination},
               "distribution": result.distribution,
               "cards": [{"card": q.name, "p_correct": q.p, "p_now": q.p_now, "answers": q.answers,
                          "right": q.right, "p_if_reviewed": q.p_if_reviewed, "gain": q.gain}
                         for q in result.cards],
               "study_first": [{"card": q.name, "gain": q.gain} for q in result.study_first(10)],
               "calibration": checked.to_json()})
        return
    from srs.ui.console import stdout
    from srs.ui.progress_views import render_readiness

    render_readiness(stdout(), result, checked)


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
