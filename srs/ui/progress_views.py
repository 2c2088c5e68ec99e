"""Rich views for stats, readiness and optimize."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

SHADES = ["grey23", "green4", "green3", "green1", "bright_green"]


def heat_map(per_day: dict[int, int], today: int, days: int) -> Group:
    """Reviews per day like a contribution graph: weeks are columns, Monday at the top."""
    weeks = (days + 6) // 7
    first = today - weeks * 7 + 1
    first -= (first + 3) % 7  # day 0 (1970-01-01) was a Thursday: align columns on Mondays
    peak = max(per_day.values(), default=0)
    rows = []
    for weekday, label in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        line = Text(f"{label:<4}")
        for week in range((today - first) // 7 + 1):
            day = first + week * 7 + weekday
            if day > today:
                line.append("  ")
                continue
            n = per_day.get(day, 0)
            level = 0 if n == 0 else 1 + min(3, int(4 * n / (peak + 1)))
            line.append("■ ", style=SHADES[level])
        rows.append(line)
    legend = Text("    less ")
    for shade in SHADES:
        legend.append("■ ", style=shade)
    legend.append("more")
    return Group(*rows, legend)


def bar_chart(values: list[int], width: int = 40, label=lambda i: str(i)) -> Table:
    table = Table.grid(padding=(0, 1))
    peak = max(values, default=0) or 1
    for i, v in enumerate(values):
        bar = "█" * max(1 if v else 0, round(width * v / peak))
        table.add_row(Text(label(i), style="dim"), Text(bar, style="cyan"), Text(str(v)))
    return table


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
    states = Table(title="Cards", title_justify="left")
    for key in stats.by_state:
        states.add_column(key, justify="right")
    states.add_row(*(str(v) for v in stats.by_state.values()))
    console.print(states)
    console.print(Text(f"Reviews, last {stats.days} days: {stats.reviews}", style="bold"))
    console.print(heat_map(stats.per_day, stats.today, stats.days))
    if stats.retention is None:
        console.print("True retention (last 30 days): no review-state answers yet.")
    else:
        gap = stats.retention - stats.desired_retention
        console.print(Text.assemble(("True retention (last 30 days): ", "bold"), f"{stats.retention:.1%}",
                                    f" of {stats.retention_answers} answers on review cards; desired ",
                                    f"{stats.desired_retention:.0%}",
                                    (f" ({gap:+.1%})", "green" if gap >= -0.02 else "yellow")))
    hours, rest = divmod(int(stats.seconds), 3600)
    console.print(Text.assemble(("Streak: ", "bold"), f"{stats.streak} day(s)   ", ("Time spent: ", "bold"),
                                f"{hours}h {rest // 60:02d}m in {stats.days} days"))
    console.print(Text(f"Due in the next 30 days: {sum(stats.forecast)} card(s)", style="bold"))
    console.print(column_chart(stats.forecast, [(now + timedelta(days=i)).strftime("%a %d %b") for i in range(30)]))
    if stats.exams:
        console.print(Text("Exam scores", style="bold"))
        console.print(bar_chart([round(s * 100) for _, s, _ in stats.exams], width=30,
                                label=lambda i: stats.exams[i][0].astimezone(now.tzinfo).strftime("%Y-%m-%d")))


def render_readiness(console: Console, r, history: list, brier: float | None) -> None:
    verdict = "green" if r.pass_probability >= 0.8 else ("yellow" if r.pass_probability >= 0.5 else "red")
    console.print(Text.assemble(
        ("Exam on ", "bold"), f"{r.on:%a %d %b %Y}: ", (f"{r.pass_probability:.0%}", f"bold {verdict}"),
        " chance of passing", f"   expected score {r.expected_score:.0%}",
        f" (pass mark {r.pass_mark:.0%}, {r.questions} questions)"))
    console.print(Text(f"How: {r.method}; each question p = R + (1 − R)/k (recall on the day, else a guess).",
                       style="dim"))
    table = Table(title="Questions, weakest first", title_justify="left")
    for col in ("card", "recall on the day", "p(right)", "after a review now", "pass prob. gain"):
        table.add_column(col, justify="left" if col == "card" else "right")
    for q in sorted(r.cards, key=lambda q: q.p)[:15]:
        table.add_row(Text(q.card.name), "never studied" if q.recall is None else f"{q.recall:.0%}",
                      f"{q.p:.0%}", f"{q.p_if_reviewed:.0%}", f"{q.gain:+.1%}" if q.gain > 1e-6 else "")
    console.print(table)
    first = r.study_first()
    if first:
        console.print(Text.assemble(("Review these first: ", "bold"), ", ".join(q.card.name for q in first)))
        console.print(Text(f"  (srs review --until {r.on:%Y-%m-%d} brings such cards forward)", style="dim"))
    if history:
        honest = Table(title="Were past forecasts honest?", title_justify="left")
        for col in ("attempt", "forecast", "result"):
            honest.add_column(col)
        for attempt_id, forecast, passed in history:
            honest.add_row(f"#{attempt_id}", f"{forecast:.0%}", "PASS" if passed else "FAIL")
        console.print(honest)
        if brier is not None:
            console.print(f"Brier score {brier:.3f} over {len(history)} attempt(s) (0 is perfect; always saying "
                          "50% scores 0.25).")


def render_fit(console: Console, fit, scope: str) -> None:
    console.print(Text(f"Optimizing FSRS for {scope}: {fit.items} usable reviews "
                       f"({fit.train_items} to fit, {fit.test_items} held out).", style="bold"))
    if fit.after is None:
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
