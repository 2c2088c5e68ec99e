"""The fsrs replay oracle: what the ``fsrs`` package itself says a card's state is after a
history of answers, computed without any of srs's own scheduling code."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fsrs import Card, Rating, Scheduler, State


def replay(history: Iterable[tuple[int, datetime]], *, card_id: int = 1, due: datetime | None = None,
           **scheduler_options) -> Card:
    """The fsrs Card after answering each (rating, time) of ``history`` in turn, starting from
    a fresh Learning card (due at ``due``, default the first answer's time). ``scheduler_options``
    go to ``fsrs.Scheduler``; fuzzing is off unless ``enable_fuzzing=True`` is given."""
    history = list(history)
    if not history:
        raise ValueError("replay needs at least one answer")
    scheduler = Scheduler(**{"enable_fuzzing": False, **scheduler_options})
    card = Card(card_id=card_id, state=State.Learning, step=0, due=history[0][1] if due is None else due)
    for rating, when in history:
        card, _ = scheduler.review_card(card, Rating(rating), when)
    return card
