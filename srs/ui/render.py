"""Rich views of what the core returns: tables, summaries, times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text


def format_interval(delta: timedelta) -> str:
    seconds = max(0, delta.total_seconds())
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


def when_text(when: datetime, now: datetime) -> str:
    """'now', 'in 10m (at 21:40)', 'tomorrow at 04:00', 'on Mon 30 Nov (in 6d)'."""
    local = when.astimezone(now.tzinfo)
    delta = (when - now).total_seconds()
    if delta <= 0:
        return "now"
    if delta < 3600:
        return f"in {max(1, round(delta / 60))}m (at {local:%H:%M})"
    days = (local.date() - now.date()).days
    if days == 0:
        return f"today at {local:%H:%M} (in {round(delta / 3600)}h)"
    if days == 1:
        return f"tomorrow at {local:%H:%M}"
    return f"on {local:%a %d %b %Y} at {local:%H:%M} (in {days}d)"


def deck_table(rows: Sequence, exams: dict | None = None) -> Table:
    """Decks with their counts; ``exams``: deck id -> its ``forecast.Outlook``."""
    exams = exams or {}
    table = Table(title="Decks", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("deck", no_wrap=True)
    table.add_column("name", min_width=12, ratio=1)
    for col in ("cards", "new", "learn", "review", "due", "susp.", "exam"):
        table.add_column(col, justify="right" if col != "exam" else "left", no_wrap=True)
    for r in rows:
        table.add_row(Text(r.id, style="bold"), Text(r.name), str(r.cards), str(r.new), str(r.learning),
                      str(r.review), Text(str(r.due), style="bold green" if r.due else ""), str(r.suspended),
                      _exam_cell(r.exam, exams.get(r.id)))
    return table


def _exam_cell(exam: bool, outlook) -> Text:
    if not exam:
        return Text("")
    if outlook is None or outlook.exam_date is None:
        return Text("yes")
    date, days, chance = outlook.exam_date, outlook.days_left, outlook.pass_probability
    left = "today" if days == 0 else (f"in {days}d" if days > 0 else f"{-days}d ago")
    text = Text(f"{date} {left}")
    if chance is not None and days >= 0:
        text.append(f" {chance:.0%}", style="bold green" if chance >= 0.8 else ("yellow" if chance >= 0.5 else "red"))
    return text


def card_table(rows: Sequence, now: datetime | None = None) -> Table:
    """``stats.CardView`` rows."""
    table = Table(title=f"{len(rows)} card(s)", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("card", overflow="fold")
    table.add_column("state")
    table.add_column("due")
    for name in ("stability", "recall", "reps", "lapses"):
        table.add_column(name, justify="right")
    for r in rows:
        due = f"{r.due.astimezone(now.tzinfo if now else None):%m-%d %H:%M}" if r.due else ""
        state = Text(r.state)
        if r.leech:
            state.append(" leech", style="bold yellow")
        if r.suspended:
            state.append(" susp.", style="yellow")
        table.add_row(
            Text(r.name), state, due,
            f"{r.stability:.1f}d" if r.stability is not None else "",
            f"{r.retrievability:.0%}" if r.retrievability is not None else "",
            str(r.reps), str(r.lapses),
        )
    return table


def import_summary(console: Console, results: Sequence) -> None:
    for r in results:
        parts = [f"{r.added} added", f"{r.updated} updated", f"{r.unchanged} unchanged", f"{r.retired} retired"]
        if r.restored:
            parts.append(f"{r.restored} restored")
        verb = "new deck" if r.created else ("deck settings updated" if r.deck_changed else "")
        console.print(Text.assemble((r.deck, "bold"), ": ", ", ".join(parts), (f"  ({verb})" if verb else "", "dim")))


def config_table(values: dict, sources: dict[str, str], deck: str | None) -> Table:
    table = Table(title=f"Settings{' for deck ' + deck if deck else ''}", title_justify="left")
    table.add_column("key")
    table.add_column("value")
    table.add_column("from", style="dim")
    for key, value in values.items():
        table.add_row(key, Text(str(value)), sources.get(key, "default"))
    return table


__all__ = ["card_table", "config_table", "deck_table", "import_summary", "when_text"]
