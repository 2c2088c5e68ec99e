"""`srs exam` and `srs results`: the timed mock final and past attempts."""

from __future__ import annotations

from typing import Optional

import typer

from srs.cli.app import app, command, context, fuzz, print_json
from srs.cli.options import deck_option, json_option


@app.command()
@command
def exam(
    deck: Optional[str] = deck_option("The deck (default: the only one with exam settings)."),
    questions: Optional[int] = typer.Option(None, "--questions", metavar="N", help="Questions to draw."),
    minutes: Optional[float] = typer.Option(None, "--minutes", metavar="M", help="Time limit in minutes (fractions allowed)."),
    no_timer: bool = typer.Option(False, "--no-timer", help="No time limit."),
    seed: Optional[int] = typer.Option(None, "--seed", metavar="N", help="Seed for the draw and shuffles (reproducible)."),
    confidence: bool = typer.Option(False, "--confidence", help="Say how sure you are after each answer."),
    no_schedule: bool = typer.Option(False, "--no-schedule", help="Do not feed the answers to the scheduler."),
) -> None:
    """Take a timed mock final: shuffled questions, a countdown, a report at the end."""
    from srs import attempts
    from srs.ui.console import stdout
    from srs.ui.exam_report import render_report
    from srs.ui.exam_screen import Abandoned, ExamScreen
    from srs.ui.keys import KeyReader
    from srs.ui.render import plural, with_article

    c = context()
    c.open()
    deck_id = c.exam_deck(deck)
    settings = c.settings(deck_id)
    sitting = attempts.take(c.store, settings, deck_id, c.writable_now(), questions=questions, minutes=minutes,
                            no_timer=no_timer, seed=seed, forecast=False)  # worked out at hand-in (NumPy)
    console = stdout(screen=True)
    console.print(f"{sitting.deck.name}: {plural(sitting.questions, 'question')}, "
                  f"{'no time limit' if sitting.minutes is None else plural(sitting.minutes, 'minute')}, "
                  f"pass mark {sitting.deck.exam_pass_mark:.0%}. Seed {sitting.seed}.")
    keys = KeyReader()
    try:
        ExamScreen(sitting.run, keys, console, sitting.deck.name, confidence).run()
    except Abandoned:
        console.print("Left the exam: no attempt was saved.")
        raise typer.Exit(130) from None
    except KeyboardInterrupt:  # outside a prompt (while drawing): hand in what was answered
        console.print("Interrupted: the exam was handed in.")
    if keys.is_tty and sitting.run.timed_out:
        from srs.ui.text import Text

        console.print(Text("Time is up: the exam was handed in.", style="bold red"))
    scheduler = None
    if not no_schedule:
        from srs.scheduler import make_scheduler

        scheduler = make_scheduler(settings, fuzz())
    attempts.forecast_before(c.store, settings, sitting)  # before its answers are saved as reviews
    report, number = attempts.hand_in(c.store, sitting, confidence, scheduler)
    console.print(f"Before this attempt srs gave you {with_article(f'{sitting.forecast:.0%}')} chance of passing "
                  f"(expected score {sitting.expected_score:.0%}); srs readiness shows how its forecasts fare.")
    from srs.held import held_tags

    render_report(console, report, sitting.deck.name, number,  # the summary comes last
                  held_tags(c.store, deck_id, report.study_next(), c.now()))


@app.command()
@command
def results(
    attempt: Optional[int] = typer.Argument(None, metavar="ATTEMPT", help="An attempt number (as srs results lists them): show it in full."),
    deck: Optional[str] = deck_option(),
    as_json: bool = json_option(),
) -> None:
    """Past exam attempts and their trend, or one attempt in full."""
    from srs.ui.console import stdout

    c = context()
    c.open()
    c.check_deck(deck)
    if attempt is None:
        rows = c.store.attempts(deck)
        if as_json:
            print_json([a.to_dict() for a in rows])
            return
        from srs.ui.exam_report import render_results

        render_results(stdout(), rows, c.now().tzinfo)
        return
    from srs.attempts import read

    past = read(c.store, attempt, deck)
    if as_json:
        print_json(past.to_dict())
        return
    from srs.ui.exam_report import render_report

    console = stdout(screen=True)
    a = past.attempt
    console.print(f"Attempt #{a.number} taken {a.started_at.astimezone(c.now().tzinfo):%Y-%m-%d %H:%M}, seed {a.seed}.")
    from srs.held import held_tags

    render_report(console, past.report, past.deck_name, a.number,
                  held_tags(c.store, a.deck_id, past.report.study_next(), c.now()))
