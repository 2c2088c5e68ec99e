"""Store operations only tests and benchmarks need, built on the store's own methods (the
store keeps what srs itself calls)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from itertools import islice

from srs.model import MemoryState, ReviewEntry
from srs.store import Store


def card_reviews(store: Store, key: int) -> list[ReviewEntry]:
    """A card's review log, in order."""
    return store.reviews_of([key]).get(key, [])


def record_review(store: Store, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                  before: MemoryState | None, after: MemoryState) -> None:
    """Write ``after`` as the card's state and append the log row, in one transaction."""
    store.write_history([(key, after)], [(key, rating, when, duration_ms, source, before, after)], [])


def bulk_load(store: Store, states: Iterable[tuple[int, MemoryState]],
              reviews: Iterable[tuple[int, int, datetime, int, MemoryState | None, MemoryState]],
              chunk: int = 20_000) -> None:
    """Write many card states and review-log rows at once, in one transaction (simulated
    learners, benchmarks): (card key, state) and (card key, rating, time, duration ms,
    before, after), each read ``chunk`` at a time."""
    with store.atomic(write=True):
        pending_states = iter(states)
        while part := list(islice(pending_states, chunk)):
            store.write_history(part, [], [])
        pending = iter(reviews)
        while rows := list(islice(pending, chunk)):
            store.write_history([], [(k, r, t, ms, "review", b, a) for k, r, t, ms, b, a in rows], [])


def forecast_evidence(store: Store, deck: str) -> tuple[list[tuple[int, float, int, str, float | None, bool | None]],
                                                         list[tuple[int, float, bool]]]:
    """What the readiness forecast learns from, one Python row per value, read row by row
    (the oracle of the store's ``forecast_columns``, which packs the same into arrays): every
    review-log entry of the deck's live multiple-choice cards as (card key, epoch seconds,
    rating, source, stability after, right letter? or None where not known) and every answered exam question as (card key, epoch
    seconds the attempt ended, right?), each by card then time."""
    from sqlalchemy import Float, cast, false, select

    from srs.model import CardKind
    from srs.store.models import cards
    from srs.store.models import reviews as log

    with store.atomic() as s:
        mc = select(cards.c.key).where(cards.c.deck_id == deck, cards.c.kind == CardKind.MC.value,
                                       cards.c.retired == false())
        rows = s.execute(select(log.c.card_key, cast(store._epoch(log.c.reviewed_at), Float), log.c.rating,
                                log.c.source, log.c.stability, log.c.correct)
                         .where(log.c.learner == store.learner, log.c.card_key.in_(mc))
                         .order_by(log.c.card_key, log.c.reviewed_at, log.c.id))
        reviews = [(int(k), float(t), int(r), src, None if st is None else float(st), None if c is None else bool(c))
                   for k, t, r, src, st, c in rows]
        return reviews, store._exam_evidence(s, deck)
