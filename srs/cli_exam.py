"""`srs exam` and `srs results`."""

from __future__ import annotations

import time
from typing import Optional

import typer

from srs.cli import _ctx, _json, app, command
from srs.errors import UserError


@app.command()
@command
def exam(
    deck: Optional[str] = typer.Option(None, "--deck", help="The deck (default: the only one with exam settings)."),
    questions: Optional[int] = typer.Option(None, "--questions", min=1, help="Questions to draw."),
    minutes: Optional[float] = typer.Option(None, "--minutes", help="Time limit in minutes (fractions allowed)."),
    no_timer: bool = typer.Option(False, "--no-timer", help="No time limit."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed for the draw and shuffles (reproducible)."),
    confidence: bool = typer.Option(False, "--confidence", help="Say how sure you are after each answer."),
    no_schedule: bool = typer.Option(False, "--no-schedule", help="Do not feed the answers to the scheduler."),
) -> None:
    """Take a timed mock final: shuffled questions, a countdown, a report at the end."""
    import random

    from srs import exam as core
    from srs.ui.console import stdout
    from srs.ui.exam_report import render_report
    from srs.ui.exam_screen import ExamScreen
    from srs.ui.keys import KeyReader

    if minutes is not None and not 0 < minutes <= 24 * 60:
        raise UserError(f"--minutes {minutes:g}: give a time limit above 0 and at most 1440")
    if minutes is not None and no_timer:
        raise UserError("--minutes and --no-timer contradict each other: give one")
    c = _ctx()
    deck_id = c.exam_deck(deck)
    deck_row = c.store.deck(deck_id)
    assert deck_row is not None
    pool = c.store.mc_cards(deck_id)
    if not pool:
        raise UserError(f"deck {deck_id!r} has no multiple-choice cards to examine")
    count = questions or deck_row.exam_questions or len(pool)
    if count > len(pool):
        raise UserError(f"--questions {count}: deck {deck_id!r} has only {len(pool)} multiple-choice cards")
    limit_minutes = None if no_timer else (minutes if minutes is not None else deck_row.exam_minutes)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    settings = c.settings(deck_id)
    from srs.forecast import assess

    before = assess(c.store, settings, deck_id, c.now(), c.now(), value=False)  # the forecast, stored with it
    forecast = before.pass_probability
    chances = {q.key: q.p for q in before.cards}
    drawn = core.draw(pool, count, seed)
    run = core.ExamRun(drawn, limit_minutes * 60 if limit_minutes is not None else None, time.monotonic)
    started_at = c.now()
    console = stdout()
    console.print(f"{deck_row.name}: {count} questions, "
                  f"{'no time limit' if limit_minutes is None else f'{limit_minutes:g} minutes'}, "
                  f"pass mark {deck_row.exam_pass_mark:.0%}. Seed {seed}.")
    keys = KeyReader()
    try:
        ExamScreen(run, keys, console, deck_row.name, confidence).run()
    except KeyboardInterrupt:
        run.hand_in()
        console.print("Interrupted: the exam was handed in.")
    if keys.is_tty and run.timed_out:
        console.print("[bold red]Time is up: the exam was handed in.[/]")
    cards = [q.card for q in run.questions]
    rep = core.report(deck_id, cards, run.answers, deck_row.exam_pass_mark, run.elapsed, run.timed_out, confidence)
    scheduler = None
    if not no_schedule:
        from srs.cli import _fuzz
        from srs.scheduler import make_scheduler

        scheduler = make_scheduler(settings, _fuzz())
    attempt_id = core.save(c.store, deck_id, run, rep, started_at, seed, limit_minutes, scheduler, forecast,
                           chances)
    render_report(console, rep, deck_row.name, attempt_id)
    console.print(f"Before this attempt srs gave you a {forecast:.0%} chance of passing "
                  f"(expected score {before.expected_score:.0%}); srs readiness shows how its forecasts fare.")


@app.command()
@command
def results(
    attempt: Optional[int] = typer.Argument(None, help="An attempt id: show it in full."),
    deck: Optional[str] = typer.Option(None, "--deck", help="Only this deck."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Past exam attempts and their trend, or one attempt in full."""
    from srs.ui.console import stdout

    c = _ctx()
    c.check_deck(deck)
    if attempt is None:
        rows = c.store.attempts(deck)
        if as_json:
            _json([_attempt_json(a) for a in rows])
            return
        from srs.ui.exam_report import render_results

        render_results(stdout(), rows)
        return
    found = c.store.attempt(attempt)
    if found is None or (deck is not None and found[0].deck_id != deck):
        raise UserError(f"no exam attempt #{attempt}" + (f" in deck {deck!r}" if deck else ""))
    a, answers = found
    if as_json:
        data = _attempt_json(a)
        data["answers"] = [{"card": card.name, "chosen": ans.chosen, "correct": ans.correct,
                            "confidence": ans.confidence, "seconds": ans.seconds,
                            "answer": card.answer, "forecast": ans.forecast} for ans, card in answers]
        _json(data)
        return
    from srs import exam as core
    from srs.ui.exam_report import render_report

    deck_row = c.store.deck(a.deck_id)
    rep = core.report(a.deck_id, [card for _, card in answers],
                      [core.Answer(ans.chosen, ans.confidence, ans.seconds) for ans, _ in answers],
                      a.pass_mark, (a.finished_at - a.started_at).total_seconds(), a.timed_out,
                      with_confidence=any(ans.confidence is not None for ans, _ in answers))
    console = stdout()
    console.print(f"Attempt #{a.id} taken {a.started_at.astimezone(c.now().tzinfo):%Y-%m-%d %H:%M}, seed {a.seed}.")
    render_report(console, rep, deck_row.name if deck_row else a.deck_id, a.id)


def _attempt_json(a) -> dict:
    return {"id": a.id, "deck": a.deck_id, "started_at": a.started_at.isoformat(),
            "finished_at": a.finished_at.isoformat(), "questions": a.questions, "correct": a.correct,
            "score": a.score, "passed": a.passed, "pass_mark": a.pass_mark, "seed": a.seed,
            "timed_out": a.timed_out, "forecast": a.forecast}
