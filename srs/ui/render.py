"""Rich views of what the core returns: tables, summaries, times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text


def format_interval(delta: timedelta, round_up: bool = False) -> str:
    """'45s', '10m', '3h', '4d', '2.5mo', '1y'; ``round_up``: below an hour, whole minutes
    rounded up (a step of one minute is "1m", never "59s")."""
    seconds = max(0, delta.total_seconds())
    if round_up and 0 < seconds < 3600:
        return f"{max(1, -(-int(seconds) // 60))}m"
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


def day_text(when: datetime, now: datetime) -> str:
    """'tomorrow (04:00)', 'Wed 02 Dec (04:00)': a day boundary such as a bury's end."""
    local = when.astimezone(now.tzinfo)
    days = (local.date() - now.astimezone(now.tzinfo).date()).days
    day = "today" if days == 0 else ("tomorrow" if days == 1 else f"{local:%a %d %b}")
    return f"{day} ({local:%H:%M})"


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


NARROW = 80  # columns below which tables take a narrower layout


def deck_table(rows: Sequence, exams: dict | None = None, width: int = 100) -> Table:
    """Decks with their counts; ``exams``: deck id -> its ``forecast.Outlook``. Ids never
    wrap; names wrap at word boundaries, and below ``NARROW`` columns they are left out."""
    exams = exams or {}
    with_names = width >= NARROW
    table = Table(title="Decks", title_justify="left", box=box.SIMPLE_HEAD,
                  **({} if with_names else {"pad_edge": False, "padding": (0, 1, 0, 0)}))
    table.add_column("deck", no_wrap=True, overflow="ellipsis", max_width=None if with_names else max(8, width - 48))
    if with_names:
        table.add_column("name", min_width=12, ratio=1, overflow="fold")
    for col in ("cards", "new", "learn", "review", "due", "susp.", "exam"):
        table.add_column(col, justify="right" if col != "exam" else "left", no_wrap=True, min_width=len(col))
    for r in rows:
        cells = [Text(r.id, style="bold")] + ([Text(r.name)] if with_names else [])
        table.add_row(*cells, str(r.cards), str(r.new), str(r.learning), str(r.review),
                      Text(str(r.due), style="bold green" if r.due else ""), str(r.suspended),
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
    if chance is not None and days >= 0 and getattr(outlook, "no_mock", False):
        text.append(" ? (no mock yet)", style="yellow")  # a prior is not a forecast
    elif chance is not None and days >= 0:
        text.append(f" {chance:.0%}", style="bold green" if chance >= 0.8 else ("yellow" if chance >= 0.5 else "red"))
    return text


def card_table(rows: Sequence, now: datetime | None = None, width: int = 100) -> Table:
    """``stats.CardView`` rows. A card's id never wraps: when every card is of one deck the
    deck goes in the title, and below ``NARROW`` columns stability and reps are left out."""
    decks = {r.card.deck_id for r in rows}
    one_deck = len(decks) == 1
    wide = width >= NARROW
    title = f"{len(rows)} card{'s' if len(rows) != 1 else ''}" + (f" of deck {next(iter(decks))}" if one_deck else "")
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD,
                  **({} if wide else {"pad_edge": False, "padding": (0, 1, 0, 0)}))
    # narrow: the fixed columns take 10 + 8 + 6 + 6 characters and their gaps; the card id the rest
    table.add_column("card", no_wrap=True, overflow="ellipsis", max_width=None if wide else max(12, width - 40))
    table.add_column("state", no_wrap=True, min_width=10)
    table.add_column("due", no_wrap=True, min_width=11 if wide else 8)
    for name in ("stability", "recall", "reps", "lapses") if wide else ("recall", "lapses"):
        table.add_column(name, justify="right", no_wrap=True, min_width=len(name))
    for r in rows:
        if r.due is None:
            due = ""
        elif wide or now is None:
            due = f"{r.due.astimezone(now.tzinfo if now else None):%m-%d %H:%M}"
        else:  # narrow: how soon
            due = "now" if r.due <= now else "in " + format_interval(r.due - now)
        state = Text(r.state)
        if r.leech:
            state.append(" leech", style="bold yellow")
        if r.suspended:
            state.append(" susp.", style="yellow")
        recall = f"{r.retrievability:.0%}" if r.retrievability is not None else ""
        numbers = ([f"{r.stability:.1f}d" if r.stability is not None else "", recall, str(r.reps), str(r.lapses)]
                   if wide else [recall, str(r.lapses)])
        table.add_row(Text(r.card.card_id if one_deck else r.name), state, due, *numbers)
    return table


SKIPPED_SHOWN = 5  # names per reason; srs import --json lists them all


def import_summary(console: Console, results: Sequence) -> None:
    """A line per deck; then every note that was not imported, and why (never a silent loss)."""
    for r in results:
        parts = [f"{r.added} added", f"{r.updated} updated", f"{r.unchanged} unchanged", f"{r.retired} retired"]
        optional = [(r.restored, "restored", "restored"), (r.left_retired, "retired here, left retired", None),
                    (r.suspended, "suspended", None), (r.reviews_added, "review from Anki", "reviews from Anki"),
                    (r.media, "media file", "media files"), (len(r.skipped), "skipped", None)]
        parts += [f"{n} {one if n == 1 or many is None else many}" for n, one, many in optional if n]
        verb = "new deck" if r.created else ("deck settings updated" if r.deck_changed else "")
        console.print(Text.assemble((r.deck, "bold"), ": ", ", ".join(parts), (f"  ({verb})" if verb else "", "dim")))
        by_reason: dict[str, list[str]] = {}
        for item in r.skipped:
            by_reason.setdefault(item["reason"], []).append(item["note"])
        for reason, notes in by_reason.items():
            named = "; ".join(notes[:SKIPPED_SHOWN]) + (f"; and {len(notes) - SKIPPED_SHOWN} more"
                                                        if len(notes) > SKIPPED_SHOWN else "")
            console.print(Text.assemble(f"  skipped {len(notes)}, {reason}: ", (named, "italic")))


def config_table(values: dict, sources: dict[str, str], deck: str | None) -> Table:
    table = Table(title=f"Settings{' for deck ' + deck if deck else ''}", title_justify="left")
    table.add_column("key")
    table.add_column("value")
    table.add_column("from", style="dim")
    for key, value in values.items():
        table.add_row(key, Text(str(value)), sources.get(key, "default"))
    return table


__all__ = ["card_table", "config_table", "day_text", "deck_table", "format_interval", "import_summary", "when_text"]
