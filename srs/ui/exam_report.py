"""The exam report and the results list, drawn with Rich."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich import box
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from srs.exam import CONFIDENCE_LEVELS, Report
from srs.model import letter_index
from srs.ui.render import plural
from srs.ui.text import Text

SPARK = "▁▂▃▄▅▆▇█"
_VERDICT_STYLE = {"about right": "green", "too few to judge": "dim"}  # the others: yellow


def _choice(card, letter: str | None) -> str:
    if letter is None:
        return "(no answer)"
    return card.choices[letter_index(letter)]


def duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m {secs:02d}s"


def render_report(console: Console, rep: Report, deck_name: str, number: int | None = None,
                  held: dict[str, str] | None = None) -> None:
    """The misses first (answered wrong: one box each, confidently wrong first; unanswered:
    one compact table), then the calibration and the tags, and the summary last, so that
    the score and what to study next are what stays on screen. ``held``: tag -> its cards
    out of reviews (suspended, buried), said wherever the tag is advised."""
    held = held or {}
    wrong = [m for m in rep.misses if m.chosen is not None]
    unanswered = [m for m in rep.misses if m.chosen is None]
    if wrong:
        console.print(Text(f"Missed ({len(wrong)}):", style="bold"))
        for miss in wrong:
            card = miss.card
            sure = f"  [you were {CONFIDENCE_LEVELS[miss.confidence]}]" if miss.confidence in (3, 4) else ""
            body = Text.assemble(
                (card.question, "bold"), "\n",
                ("Your answer:  ", "red"), _choice(card, miss.chosen), "\n",
                ("Right answer: ", "green"), _choice(card, card.answer),
            )
            feedback = card.wrong_feedback or card.explanation
            if feedback:
                body.append("\n")
                body.append(feedback, style="dim")
            console.print(Panel(body, title=Text(card.name + sure), title_align="left",
                                border_style="red" if sure else "yellow"))
    if unanswered:
        table = Table(title=f"Not answered ({len(unanswered)}, counted as wrong)", title_justify="left",
                      show_lines=False)
        table.add_column("card", no_wrap=True, overflow="ellipsis", max_width=32)
        table.add_column("right answer", ratio=1)
        for miss in unanswered:
            table.add_row(Text(miss.card.name), Text(_choice(miss.card, miss.card.answer)))
        console.print(table)

    if rep.calibration and any(r.answered for r in rep.calibration):
        cal = Table(title="Your calibration (stated confidence against accuracy)", title_justify="left")
        for col in ("confidence", "stated", "answered", "right", "accuracy", "verdict"):
            cal.add_column(col, justify="left" if col in ("confidence", "verdict") else "right")
        for r in rep.calibration:
            if r.accuracy is None:
                cal.add_row(f"{r.level} {r.label}", f"{r.stated:.0%}", "0", "", "", "")
                continue
            judged = r.verdict or ""
            cal.add_row(f"{r.level} {r.label}", f"{r.stated:.0%}", str(r.answered), str(r.right),
                        f"{r.accuracy:.0%}", Text(judged, style=_VERDICT_STYLE.get(judged, "yellow")))
        console.print(cal)

    tags = Table(title="By tag", title_justify="left")
    tags.add_column("tag")
    tags.add_column("right", justify="right")
    tags.add_column("share", justify="right")
    for row in rep.tags:
        style = "green" if row.right == row.total else ("red" if row.share < rep.pass_mark else "yellow")
        tags.add_row(Text(row.tag), f"{row.right}/{row.total}", Text(f"{row.share:.0%}", style=style))
    console.print(tags)

    verdict = Text(" PASS ", style="bold white on green") if rep.passed else Text(" FAIL ", style="bold white on red")
    head = Text.assemble(verdict, "  ", (f"{rep.correct}/{rep.questions}", "bold"), f"  ({rep.score:.0%})")
    lines = [head, Text(f"pass mark {rep.pass_mark:.0%} = {rep.needed} of {rep.questions} · "
                        f"time used {duration(rep.seconds)}")]
    if rep.timed_out:
        lines.append(Text("Time ran out: the exam was handed in.", style="red"))
    if rep.unanswered:
        lines.append(Text(f"{rep.unanswered} question(s) unanswered (counted as wrong).", style="yellow"))
    weak = rep.study_next()
    if weak:
        lines.append(Text.assemble(("Study next: ", "bold"), ", ".join(weak), f"  (srs review --tag {weak[0]})"))
        for tag in weak:
            if tag in held:
                lines.append(Text(f"  {tag}: {held[tag]}", style="yellow"))
    elif rep.questions:
        lines.append(Text("No misses: keep reviewing to hold on to it.", style="green"))
    title = Text((f"attempt #{number} — " if number is not None else "") + deck_name)  # cut from the end when narrow
    console.print(Panel(Text("\n").join(lines), title=title, title_align="left"))


def sparkline(scores: Sequence[float]) -> str:
    return "".join(SPARK[min(len(SPARK) - 1, int(s * (len(SPARK) - 1) + 0.5))] for s in scores)


def render_results(console: Console, attempts: Sequence, zone: tzinfo | None = None) -> None:
    """The attempts, their times in ``zone`` (the learner's: that of the command's ``now``)."""
    if not attempts:
        console.print("No exam attempts yet: take one with `srs exam`.")
        return
    decks = {a.deck_id for a in attempts}
    one_deck = len(decks) == 1
    table = Table(title="Exam attempts" + (f" on {next(iter(decks))}" if one_deck else ""), title_justify="left",
                  box=box.SIMPLE_HEAD)
    for col in ("#",) + (() if one_deck else ("deck",)) + ("started", "score", "%", "result", "time"):
        table.add_column(col, justify="right" if col in ("#", "score", "%", "time") else "left", no_wrap=True)
    for a in attempts:
        took = (a.finished_at - a.started_at).total_seconds()
        table.add_row(str(a.number), *(() if one_deck else (Text(a.deck_id),)),
                      a.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), f"{a.correct}/{a.questions}",
                      f"{a.score:.0%}", Text("PASS", style="green") if a.passed else Text("FAIL", style="red"),
                      duration(took))
    console.print(table)
    last = attempts[-1]
    alike = [a for a in attempts if a.deck_id == last.deck_id and a.questions == last.questions]
    scores = [a.score for a in alike]
    trend = Text.assemble(("Trend: ", "bold"), sparkline(scores), f"  last {scores[-1]:.0%}")
    if len(scores) > 1:
        delta = scores[-1] - scores[-2]
        trend.append(f" ({delta * 100:+.0f} pp on the one before)", style="green" if delta >= 0 else "red")
        recent = scores[-3:]
        trend.append(f", mean of the last {len(recent)}: {sum(recent) / len(recent):.0%}")
    if len(alike) < len(attempts):
        trend.append(f"  (attempts of {plural(last.questions, 'question')} on {last.deck_id} only; "
                     f"{len(attempts) - len(alike)} of other sizes or decks left out)", style="dim")
    console.print(trend)


__all__ = ["render_report", "render_results", "sparkline"]
