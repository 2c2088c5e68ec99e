"""Rich views for stats, readiness and optimize."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from rich import box
from rich.console import Console, Group
from rich.table import Table

from srs.ui.text import Text

#: (glyph, colour) per level: no reviews, then quarters of the busiest day; the glyphs
#: shade by count even without colour (NO_COLOR, piped output)
LEVELS = [("·", "grey42"), ("░", "green4"), ("▒", "green3"), ("▓", "green1"), ("█", "bright_green")]
EPOCH = date(1970, 1, 1)  # day number 0, a Thursday

FEW_ANSWERS = 20  # answers below which a retention is not compared with the target


def _points(change: float) -> str:
    """A change of a chance, in percentage points: "+1.4 pp" (not "+1.4%": a rise from 60% to
    61.4% is 1.4 points, and 2.3% of 60%)."""
    return f"{change * 100:+.1f} pp"


def heat_map(per_day: dict[int, int], today: int, days: int) -> Group:
    """Reviews per day like a contribution graph: a column per week (Monday at the top),
    month names above, shaded by the day's count relative to the busiest day."""
    first_day = today - days + 1
    first = first_day - (first_day + 3) % 7  # back to a Monday (day 0 was a Thursday)
    weeks = (today - first) // 7 + 1
    peak = max(per_day.values(), default=0)
    header = [" "] * (2 * weeks + 2)
    last_month, free_from = None, 0
    for week in range(weeks):
        monday = EPOCH + timedelta(days=first + week * 7)
        if monday.month != last_month and 2 * week >= free_from:
            header[2 * week:2 * week + 3] = f"{monday:%b}"
            free_from = 2 * week + 4
        last_month = monday.month
    months = Text("    " + "".join(header).rstrip(), style="dim")
    rows = [months]
    for weekday, label in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        line = Text(f"{label:<4}", style="dim")
        for week in range(weeks):
            day = first + week * 7 + weekday
            if day > today or day < first_day:
                line.append("  ")
                continue
            n = per_day.get(day, 0)
            glyph, colour = LEVELS[0 if n == 0 else 1 + min(3, int(4 * (n - 1) / peak))]
            line.append(glyph + " ", style=colour)
        rows.append(line)
    legend = Text("    less ", style="dim")
    for glyph, colour in LEVELS:
        legend.append(glyph + " ", style=colour)
    legend.append(f"more (busiest day: {peak})" if peak else "more", style="dim")
    rows.append(legend)
    return Group(*rows)


def chance(p: float) -> str:
    """A probability as a percentage that never rounds a doubt away."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 <= p < 1:
        return ">99%"
    return f"{p:.0%}"


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"


def column_chart(values: list[int], labels: list[str], height: int = 6) -> Group:
    """A vertical bar per value (eighth-block resolution), a label under every 7th."""
    blocks = " ▁▂▃▄▅▆▇█"
    peak = max(values, default=0) or 1
    eighths = [round(8 * height * v / peak) if v else 0 for v in values]
    lines = []
    for row in range(height - 1, -1, -1):
        line = Text(f"{peak:>5} " if row == height - 1 else ("    0 " if row == 0 else "      "), style="dim")
        for e in eighths:
            fill = max(0, min(8, e - row * 8))
            line.append(blocks[fill] + " ", style="cyan")
        lines.append(line)
    axis = Text("      ")
    for i, label in enumerate(labels):
        axis.append(f"{label:<14}" if i % 7 == 0 else "", style="dim")
    lines.append(axis)
    return Group(*lines)


def render_stats(console: Console, stats, now: datetime) -> None:
    # the states partition the cards; suspended cards are among them (each counted once)
    by_state = {k: v for k, v in stats.by_state.items() if k != "suspended"}
    states = Table(title="Cards", title_justify="left")
    for key in (*by_state, "total", "of which suspended"):
        states.add_column(key, justify="right")
    states.add_row(*(str(v) for v in by_state.values()), str(sum(by_state.values())),
                   str(stats.by_state.get("suspended", 0)))
    console.print(states)
    console.print(Text(f"Reviews, last {stats.days} days: {stats.reviews}", style="bold"))
    console.print(heat_map(stats.per_day, stats.today, stats.days))
    if stats.retention is None:
        console.print("True retention (last 30 days): no review-state answers yet.")
    elif stats.retention_answers < FEW_ANSWERS:
        console.print(Text.assemble(("True retention (last 30 days): ", "bold"), f"{stats.retention:.0%}",
                                    f" of {stats.retention_answers} answer{'s' if stats.retention_answers != 1 else ''}"
                                    " on review cards — too few to compare with the desired "
                                    f"{stats.desired_retention:.0%} (it takes {FEW_ANSWERS})"))
    else:
        gap = stats.retention - stats.desired_retention
        console.print(Text.assemble(("True retention (last 30 days): ", "bold"), f"{stats.retention:.1%}",
                                    f" of {stats.retention_answers} answers on review cards; desired ",
                                    f"{stats.desired_retention:.0%}",
                                    (f" ({gap * 100:+.1f} pp)", "green" if gap >= -0.02 else "yellow")))
    console.print(Text.assemble(("Streak: ", "bold"), f"{stats.streak} day{'s' if stats.streak != 1 else ''}   ",
                                ("Time spent: ", "bold"), f"{duration(stats.seconds)} in {stats.days} days",
                                f" ({stats.seconds / stats.reviews:.0f} s a review)" if stats.reviews else ""))
    console.print(Text(f"Due in the next 30 days: {sum(stats.forecast)} card(s)", style="bold"))
    console.print(column_chart(stats.forecast, [(now + timedelta(days=i)).strftime("%a %d %b") for i in range(30)]))
    if stats.exams:
        console.print(Text(f"Exam scores ({len(stats.exams)} attempt{'s' if len(stats.exams) != 1 else ''}"
                           f"{', the last 15' if len(stats.exams) > 15 else ''})", style="bold"))
        shown = stats.exams[-15:]
        table = Table.grid(padding=(0, 1))
        for started_at, score, passed in shown:
            table.add_row(Text(started_at.astimezone(now.tzinfo).strftime("%Y-%m-%d %H:%M"), style="dim"),
                          Text.assemble(("█" * round(30 * score), "green" if passed else "red"),
                                        ("░" * (30 - round(30 * score)), "dim")),  # the whole track is 100%
                          Text(f"{score:.0%} {'PASS' if passed else 'FAIL'}"))
        console.print(table)


def headline(r, when: str | None = None) -> Text:
    """One line: the chance (or, with no mock yet, the range and what to do), what it
    assumes, how much evidence. ``when``: instead of the date (none set, passed)."""
    low, high = r.score_interval
    when = when or f"Exam {r.on:%a %d %b}"
    facts = (f" · score {low:.0%}–{high:.0%} · {r.answers} answer"
             f"{'s' if r.answers != 1 else ''}, {r.mocks} mock{'s' if r.mocks != 1 else ''}")
    if r.no_mock:
        return Text.assemble((f"{when}: ", "bold"), ("no mock yet: take `srs exam` for a forecast", "bold yellow"),
                             facts)
    verdict = "green" if r.pass_probability >= 0.8 else ("yellow" if r.pass_probability >= 0.5 else "red")
    return Text.assemble((f"{when}: ", "bold"), (chance(r.pass_probability), f"bold {verdict}"),
                         " to pass ", (r.headline_label, "italic"), facts)


def _held(name: str, held: dict) -> str:
    """A card's name, marked when it is suspended or buried (the line under the table says
    how it comes back)."""
    why = held.get(name)
    return f"{name} ({why.split(':')[0].split(' until')[0]})" if why else name


def calibration_sentence(checked) -> str:
    """How past pass forecasts fared, in words."""
    if not checked.attempts:
        return "No mock has been forecast yet: each srs exam stores srs's forecast, to check it against."
    n, mean, rate = checked.attempts, checked.mean_pass_forecast, checked.pass_rate
    passed = round(rate * n)
    facts = f"{chance(mean)} on average, {passed} of {n} passed"
    noise = (max(mean * (1 - mean), 0.05) / n) ** 0.5
    if n < 3:
        return f"Your past forecasts: {facts} — too few to judge yet."
    if mean - rate > 2 * noise:
        return f"Your past forecasts were too optimistic: {facts}."
    if rate - mean > 2 * noise:
        return f"Your past forecasts were too pessimistic: {facts}."
    return f"Your past forecasts were about right: {facts}."


def render_readiness(console: Console, r, checked, date_note: tuple[str, str] | None = None, held: dict | None = None,
                     details: bool = False, rows: int = 8) -> None:
    """The forecast (``srs.forecast.Forecast``) on one screen: the headline first and last,
    the other assumption, what the mocks say beyond the reviews, the weakest cards, what to
    review, and how past forecasts fared (``Calibration``) in a sentence; ``details`` adds
    the numbers. ``held``: card name -> why it is out of reviews (suspended, buried)."""
    held = held or {}
    top = headline(r, date_note[0] if date_note else None)
    console.print(top)
    if date_note:
        console.print(Text("  " + date_note[1], style="yellow"))
    other = r.other
    passing = f"  Passing takes {r.needed} of {r.questions} right ({r.pass_mark:.0%}). "
    if other is None:
        console.print(Text(passing + "The exam is now: no days left to study or to forget.", style="dim"))
    else:
        label = r.other_label
        console.print(Text(passing + f"{label[0].upper()}{label[1:]}: "
                           + ("" if r.no_mock else f"{chance(other.pass_probability)}, ") + "score "
                           + f"{other.score_interval[0]:.0%}–{other.score_interval[1]:.0%}.", style="dim"))
    console.print(Text("  " + r.beyond_reviews_sentence(), style="dim"))
    if r.little_evidence:
        console.print(Text("  Little evidence yet: what srs assumes of a new learner, not measured of you; "
                           "a mock exam (srs exam) or a few days of reviews will replace it.", style="yellow"))
    shown = sorted(r.cards, key=lambda q: q.p)[:rows]
    wide = console.width >= 80
    title = "Weakest cards" + (f" ({len(shown)} of {len(r.cards)}; --json lists all)" if len(shown) < len(r.cards) else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("card", no_wrap=True, overflow="ellipsis", max_width=40 if wide else max(16, console.width - 34))
    columns = ("right", "now", "exam day", "+review", "gain") if wide else ("right", "exam day", "gain")
    for col in columns:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
    for q in shown:
        cells = {"right": f"{q.right}/{q.answers}" if q.answers else "never", "now": f"{q.p_now:.0%}",
                 "exam day": f"{q.p:.0%}", "+review": "" if q.p_if_reviewed is None else f"{q.p_if_reviewed:.0%}",
                 "gain": _points(q.gain) if q.gain > 5e-4 else ("<0.1 pp" if q.gain > 0 else "")}
        table.add_row(Text(_held(q.name, held)), *(cells[c] for c in columns))
    if details:
        table.caption = ("now / exam day: chance of a right answer; +review: on the exam day after one review "
                         "now; gain: the rise in your pass chance, in percentage points (pp)")
    console.print(table)
    first = [q for q in r.study_first() if q.gain >= 5e-4]
    if first:
        console.print(Text.assemble(("Review these first: ", "bold"),
                                    ", ".join(f"{_held(q.name, held)} {_points(q.gain)}" for q in first)))
    named = [q.name for q in shown + first if q.name in held]
    for name in dict.fromkeys(named):
        console.print(Text(f"  {name} is out of reviews — {held[name]}", style="yellow"))
    console.print(Text(calibration_sentence(checked) + ("" if details else "  (--details: the numbers)"),
                       style="dim"))
    if details:
        learner = r.learner
        console.print(Text(
            f"Estimated from your answers (not measured; with few answers mostly srs's assumptions): known before "
            f"studying {learner.prior:.0%}; a review teaches a missed answer {learner.learn:.0%} of the time; "
            f"memory {learner.memory:.1f}× FSRS's; slips {learner.slip:.0%}; recognition in reviews "
            f"{learner.recognition:.0%}. {r.method[0].upper()}{r.method[1:]}.", style="dim"))
        render_calibration(console, checked)
    console.print(top)


def render_calibration(console: Console, checked) -> None:
    """How the forecasts stored with past attempts fared, in numbers (``--details``)."""
    if not checked.answers and not checked.attempts:
        return
    if checked.bins:
        table = Table(title=f"Were past forecasts honest? {checked.answers} exam answers", title_justify="left")
        for col in ("forecast", "answers", "mean forecast", "answered right"):
            table.add_column(col, justify="right")
        for b in checked.bins:
            table.add_row(f"{b.low:.0%}–{b.high:.0%}", str(b.answers), f"{b.mean_forecast:.0%}", f"{b.right:.0%}")
        console.print(table)
        console.print(f"Per question: log loss {checked.log_loss:.3f}, Brier {checked.brier:.3f} "
                      "(always saying 50%: 0.693 and 0.250).")
    if checked.attempts:
        console.print(f"Pass forecasts: {checked.attempts} attempt(s), on average {chance(checked.mean_pass_forecast)} "
                      f"forecast, {checked.pass_rate:.0%} passed; Brier {checked.pass_brier:.3f} (0 is perfect).")


def render_fit(console: Console, fit, scope: str) -> None:
    console.print(Text(f"Optimizing FSRS for {scope}: {fit.items} usable reviews "
                       f"({fit.train_items} to fit, {fit.test_items} held out).", style="bold"))
    if fit.before is None or fit.after is None:
        console.print(fit.message)
        return
    table = Table()
    table.add_column("held-out reviews")
    table.add_column("log loss", justify="right")
    table.add_column("RMSE (bins)", justify="right")
    table.add_row("current parameters", f"{fit.before[0]:.4f}", f"{fit.before[1]:.4f}")
    table.add_row("fitted parameters", f"{fit.after[0]:.4f}", f"{fit.after[1]:.4f}")
    console.print(table)
    console.print(Text(fit.message, style="green" if fit.kept else "yellow"))
