"""``srs cards`` at any size: one table when the list is short, and when more is asked for
than one table should hold, tables of ``CHUNK`` rows on a terminal or plain tab-separated
lines in a pipe, written as the cards are read (memory stays flat at 100,000 cards). A line
says how many cards were left out and how to see them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from rich.console import Console

from srs.ui.shown import shown

CHUNK = 1000  # rows per table when a long list is streamed
PLAIN_COLUMNS = ("card", "state", "due", "chance now", "memory R", "stability", "reps", "lapses")


def batches(views: Iterable, size: int) -> Iterator[list]:
    it = iter(views)
    while batch := list(islice(it, size)):
        yield batch


def plain_columns(chance: bool) -> tuple[str, ...]:
    """The columns of a plain listing: "chance now" only when it was worked out."""
    return PLAIN_COLUMNS if chance else tuple(c for c in PLAIN_COLUMNS if c != "chance now")


def plain_line(view, now: datetime, chance: bool = True) -> str:
    """One card as a tab-separated line (no Rich): what a pipe gets for a long list."""
    back = view.buried_until if view.buried_until and (view.due is None or view.buried_until > view.due) else view.due
    state = view.state + (" leech" if view.leech else "") + \
        (" susp." if view.suspended else " buried" if view.buried else "")
    cells = (view.name, state, f"{back.astimezone(now.tzinfo):%Y-%m-%d %H:%M}" if back is not None else "",
             *((f"{view.chance:.0%}" if view.chance is not None else "",) if chance else ()),
             f"{view.retrievability:.0%}" if view.retrievability is not None else "",
             f"{view.stability:.1f}d" if view.stability is not None else "", str(view.reps), str(view.lapses))
    return "\t".join(shown(c).replace("\t", " ").replace("\n", " ") for c in cells)


def more_line(shown_count: int, total: int) -> str:
    """What was left out, and how to see it."""
    left = total - shown_count
    return (f"… {left} more card{'s' if left != 1 else ''} not shown ({shown_count} of {total}): "
            f"--limit N shows N, --limit 0 shows all; --deck, --tag and --due narrow the list.")


def show_cards(console: Console, views: Iterable, total: int, now: datetime, shown_at_most: int | None,
               chance: bool = True) -> None:
    """Print ``views`` (``stats.CardView``, in deck order; ``total`` cards match, of which
    ``shown_at_most`` are read — None: all); the "chance now" column with ``chance``."""
    from srs.ui.render import card_table

    expected = total if shown_at_most is None else min(total, shown_at_most)
    count = 0
    if expected <= CHUNK:  # the table as it always was
        rows = list(views)
        count = len(rows)
        console.print(card_table(rows, now, console.width, total if total > count else None, chance=chance))
    elif console.is_terminal:
        for batch in batches(views, CHUNK):
            console.print(card_table(batch, now, console.width, total, count + 1, chance=chance))
            count += len(batch)
    else:
        out = console.file
        out.write("\t".join(plain_columns(chance)) + "\n")
        for batch in batches(views, CHUNK):
            out.write("".join(plain_line(v, now, chance) + "\n" for v in batch))
            count += len(batch)
        out.flush()
    if count < total:
        console.print(more_line(count, total), style="dim", soft_wrap=True)
