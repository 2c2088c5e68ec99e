"""Rich views of what the core returns: tables, summaries, times."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from srs.ui.console import PIPED, SafeConsole
from srs.ui.text import Text

if TYPE_CHECKING:
    from srs.overview import DeckOverview


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


def with_article(number: str) -> str:
    """'a 70%', 'an 87%', 'an 11%', 'an 8-card deck': "an" before a number said with a vowel
    first (eight, eleven, eighteen, eighty…)."""
    digits = number.lstrip("<>~")
    an = digits[:1] == "8" or (digits[:2] in ("11", "18") and not digits[2:3].isdigit())
    return f"{'an' if an else 'a'} {number}"


def plural(n: float, word: str) -> str:
    """'1 minute', '2 minutes', '1.5 minutes'."""
    return f"{n:g} {word}{'' if n == 1 else 's'}"


NARROW = 80  # columns below which tables take a compact layout (no edge padding, relative times)

#: columns left out, in this order, when a table is wider than the terminal
DECK_DROP = ("name", "susp.", "cards", "new", "learn", "review")
CARD_DROP = ("stability", "reps", "memory R", "lapses", "due", "state", "chance now")


def fitted(title: str, columns: Sequence[tuple[str, dict]], rows: Sequence[dict], width: int,
           drop: Sequence[str]) -> Table:
    """A table of ``columns`` ((name, ``add_column`` options)) and ``rows`` (column name ->
    cell), as wide as its content. When even its narrowest layout is wider than ``width`` (a
    narrow terminal), columns are left out in the order ``drop`` until it fits, and the
    caption says so. Output to a file or a pipe is given a width that fits every row."""
    compact = width < NARROW
    # each column's narrowest: its longest cell, or longest word where it may wrap
    narrowest = {}
    for name, options in columns if width < PIPED else ():
        wraps = not options.get("no_wrap")
        cells = (row[name] for row in rows)
        sizes = (max((len(w) for w in str(c).split()), default=0) if wraps else
                 (len(c) if isinstance(c, str) else c.cell_len) for c in cells)
        narrowest[name] = max(len(name), options.get("min_width") or 0, max(sizes, default=0))
    def table_of(shown: Sequence[tuple[str, dict]]) -> Table:
        tight: dict[str, Any] = {"pad_edge": False, "padding": (0, 1, 0, 0)} if compact else {}
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, caption_justify="left", **tight)
        for name, options in shown:
            table.add_column(name, **options)
        return table

    measurer = SafeConsole(width=max(width, 1), file=io.StringIO())
    hidden: list[str] = []
    for name in drop if width < PIPED else ():
        # the narrowest layout: every column at its narrowest, with Rich's own padding and edges
        narrowest_table = table_of([(c, {"width": narrowest[c]}) for c, _ in columns if c not in hidden])
        if Measurement.get(measurer, measurer.options.update(width=10 * width + 1000), narrowest_table).maximum <= width:
            break
        hidden.append(name)
    shown_columns = [(name, options) for name, options in columns if name not in hidden]
    table = table_of(shown_columns)
    for row in rows:
        table.add_row(*(row[name] for name, _ in shown_columns))
    if hidden:
        table.caption = Text(f"{len(hidden)} column{'s' if len(hidden) != 1 else ''} hidden ({', '.join(hidden)}): "
                             "widen the terminal or use --json", style="dim")
    return table


def deck_table(decks: Sequence[DeckOverview], width: int = 100) -> Table:
    """Decks with their counts and outlooks (``srs.overview``). Ids never wrap; names wrap at
    word boundaries; in a narrow terminal columns are left out (``DECK_DROP``)."""
    rows = [d.summary for d in decks]
    exams = {d.summary.id: d.outlook for d in decks if d.outlook is not None}
    number = {"justify": "right", "no_wrap": True}
    columns = [("deck", {"no_wrap": True, "overflow": "ellipsis"}), ("name", {"min_width": 12, "overflow": "fold"})]
    columns += [(col, dict(number, min_width=len(col))) for col in ("cards", "new", "learn", "review", "due", "susp.")]
    columns.append(("exam", {"no_wrap": True}))
    cells = [{"deck": Text(r.id, style="bold"), "name": Text(r.name), "cards": str(r.cards), "new": str(r.new),
              "learn": str(r.learning), "review": str(r.review),
              "due": Text(str(r.due), style="bold green" if r.due else ""), "susp.": str(r.suspended),
              "exam": _exam_cell(r.exam, exams.get(r.id))} for r in rows]
    table = fitted("Decks", columns, cells, width, DECK_DROP)
    if any(o.exam_date is not None for o in exams.values()):
        note = Text("exam: its date, the days left and your chance to pass then")
        table.caption = note if table.caption is None else Text("\n").join([note, table.caption])  # type: ignore[list-item]
    return table


def _exam_cell(exam: bool, outlook) -> Text:
    if not exam:
        return Text("")
    if outlook is None or outlook.exam_date is None:
        return Text("yes")
    date, days, chance = outlook.exam_date, outlook.days_left, outlook.pass_probability
    left = "today" if days == 0 else (f"in {days}d" if days > 0 else f"{-days}d ago")
    text = Text(f"{date} {left}")
    if chance is not None and days >= 0 and outlook.no_mock:
        text.append(" ? (no mock yet)", style="yellow")  # a prior is not a forecast
    elif chance is not None and days >= 0:
        text.append(f" pass {chance:.0%}", style="bold green" if chance >= 0.8 else ("yellow" if chance >= 0.5 else "red"))
    return text


def card_table(rows: Sequence, now: datetime | None = None, width: int = 100, total: int | None = None,
               first: int = 1, chance: bool = True) -> Table:
    """``stats.CardView`` rows. A card's id never wraps: when every card is of one deck the
    deck goes in the title; in a narrow terminal columns are left out (``CARD_DROP``) and
    due times are relative ("in 3d"). Given ``total`` (more cards than ``rows``), the title
    says which of them these are (``first``: the number of the first row). The "chance now"
    column only with ``chance`` (``srs cards --chance``: the forecast was worked out)."""
    decks = {r.card.deck_id for r in rows}
    one_deck = len(decks) == 1
    compact = width < NARROW and now is not None
    count = f"{len(rows)} card{'s' if len(rows) != 1 else ''}" if total is None or total == len(rows) else \
        (f"cards {first}–{first + len(rows) - 1} of {total}" if first > 1 else f"{len(rows)} of {total} cards")
    title = count + (f" of deck {next(iter(decks))}" if one_deck else "")
    number = {"justify": "right", "no_wrap": True}
    columns: list[tuple[str, dict[str, Any]]] = [
        ("card", {"no_wrap": True, "overflow": "ellipsis"}), ("state", {"no_wrap": True}),
               ("due", {"no_wrap": True})]
    columns += [(name, dict(number, min_width=len(name)))
                for name in ("chance now", "memory R", "stability", "reps", "lapses") if chance or name != "chance now"]
    cells = []
    for r in rows:
        back = r.buried_until if r.buried_until and (r.due is None or r.buried_until > r.due) else r.due
        if back is None:
            due = ""
        elif not compact:
            due = f"{back.astimezone(now.tzinfo if now else None):%m-%d %H:%M}"
        else:  # narrow: how soon
            due = "now" if back <= now else "in " + format_interval(back - now)
        state = Text(r.state)
        if r.leech:
            state.append(" leech", style="bold yellow")
        if r.suspended:
            state.append(" susp.", style="yellow")
        elif r.buried:
            state.append(" buried", style="yellow")
        cells.append({"card": Text(r.card.card_id if one_deck else r.name), "state": state, "due": due,
                      "stability": f"{r.stability:.1f}d" if r.stability is not None else "",
                      "chance now": f"{r.chance:.0%}" if r.chance is not None else "",
                      "memory R": f"{r.retrievability:.0%}" if r.retrievability is not None else "",
                      "reps": str(r.reps), "lapses": str(r.lapses)})
    table = fitted(title, columns, cells, width, [c for c in CARD_DROP if chance or c != "chance now"])
    meanings = {"chance now": "of a right answer now, from all your answers (srs readiness's forecast)",
                "memory R": "FSRS's retrievability, near 100% right after any review, a miss too"}
    shown = {str(column.header) for column in table.columns}  # a hidden column needs no legend
    said = [f"{name}: {meaning}" for name, meaning in meanings.items() if name in shown]
    if not chance:
        said.append("--chance adds each card's chance of a right answer now")
    legend = Text("; ".join(said), style="dim")
    if legend:
        table.caption = legend if table.caption is None else Text("\n").join([legend, table.caption])  # type: ignore[list-item]
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
        table.add_row(key, Text("none" if value is None else str(value)), sources.get(key, "default"))
    return table


__all__ = ["card_table", "config_table", "day_text", "deck_table", "format_interval", "import_summary", "plural",
           "when_text", "with_article"]
