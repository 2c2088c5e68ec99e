"""The optimizer: FSRS items as fsrs-rs expects them, a plain answer when there are too few
reviews, a synthetic learner whose memory differs from FSRS's defaults, fitted through the
store, beating the defaults on held-out reviews, and the review history it reads (one deck,
by card then time, from one covering index)."""

from __future__ import annotations

import math
import random
import re
from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS
from sqlalchemy import event

from srs.optimize import MIN_ITEMS, fit, items_by_card, split
from srs.model import LEARNING, REVIEW, MemoryState
from srs.clock import shift_seconds
from tests.factories import deck
from tests.store_helpers import bulk_load, record_review

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
TRUE = list(DEFAULT_PARAMETERS)
TRUE[0:4] = [0.05, 0.1, 0.3, 1.0]  # this learner forgets new cards much faster than the defaults say


def simulate(keys: list[int], reviews_each: int, seed: int = 7):
    """(key, rating, time) of a learner whose recall follows FSRS with the TRUE parameters,
    scheduled by FSRS with the default ones."""
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE, enable_fuzzing=False)
    schedule = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    for key in keys:
        real = Card(card_id=key + 1, state=State.Learning, step=0, due=T0)
        shown = Card(card_id=key + 1, state=State.Learning, step=0, due=T0)
        when = T0 + timedelta(hours=rng.randint(0, 24 * 30))
        for _ in range(reviews_each):
            if real.last_review is None:
                rating = rng.choice([Rating.Again, Rating.Good, Rating.Good, Rating.Easy])
            else:
                recall = truth.get_card_retrievability(real, when)
                rating = Rating.Good if rng.random() < recall else Rating.Again
            real, _ = truth.review_card(real, rating, when)
            shown, _ = schedule.review_card(shown, rating, when)
            yield key, int(rating), when
            when = max(shown.due, when + timedelta(days=1)) + timedelta(hours=rng.randint(0, 30))


def as_history(rows, day_starts_at: int = 4):
    for key, rating, when in rows:
        yield key, rating, (int(when.timestamp()) - day_starts_at * 3600) // 86400, "review"


def test_items_are_built_as_fsrs_rs_expects():
    history = [(1, 3, 100, "review"), (1, 1, 100, "review"), (1, 3, 102, "review"), (1, 3, 105, "exam"),
               (1, 4, 109, "review"), (2, 3, 100, "review"), (2, 3, 101, "review")]
    items = items_by_card(history)

    def shape(item):  # fsrs-rs-python's reviews expose neither attributes nor equality: read their repr
        return [tuple(map(int, re.findall(r"rating: (\d+), delta_t: (\d+)", repr(r))[0])) for r in item.reviews]

    # same-day answers stay in the history with delta 0 but are never predicted; exam answers
    # stay in the history but are not predicted either; the first entry has delta 0
    assert [shape(i) for i in items[1]] == [[(3, 0), (1, 0), (3, 2)],
                                            [(3, 0), (1, 0), (3, 2), (3, 3), (4, 4)]]
    assert [shape(i) for i in items[2]] == [[(3, 0), (3, 1)]]
    train, test = split(items, seed=1, held_out=0.5)
    assert len(train) + len(test) == 3 and test and train  # whole cards on each side


def test_too_few_reviews_is_said_plainly():
    result = fit(as_history(simulate(list(range(5)), 3)), list(DEFAULT_PARAMETERS))
    assert not result.kept and result.after is None and result.parameters is None
    assert "too few reviews" in result.message and str(MIN_ITEMS) in result.message


@pytest.mark.slow
def test_fit_through_the_store_beats_the_defaults_on_held_out_reviews(make_store):
    store = make_store(deck(cards=400))
    keys = [c.key for c in store.cards()]
    rows = list(simulate(keys, 8, seed=3))
    last = {}
    log = []
    for key, rating, when in rows:  # states are not what is fitted: a plausible one is enough
        after = MemoryState(state=REVIEW if rating > 1 else LEARNING, stability=1.0, difficulty=5.0, due=when,
                            last_review=when, reps=1)
        log.append((key, rating, when, 1000, last.get(key), after))
        last[key] = after
    bulk_load(store, [], log)
    now = rows[-1][2].astimezone(timezone(timedelta(hours=-3)))
    result = fit(store.review_history(shift_seconds(now, 4)), list(DEFAULT_PARAMETERS), seed=3)
    assert result.test_items >= 100 and result.train_items >= 1000
    assert result.before is not None and result.after is not None and math.isfinite(result.before[0])
    assert result.after[0] < result.before[0]  # log loss on held-out cards
    assert result.after[1] < result.before[1]  # RMSE (bins)
    assert result.kept and len(result.parameters) == 21
    Scheduler(parameters=result.parameters)  # usable by the scheduler
    # the fit moved toward this learner's fast forgetting of new cards
    assert result.parameters[2] < DEFAULT_PARAMETERS[2]
    # fitting again on the same log is reproducible (seeded split)
    again = fit(store.review_history(shift_seconds(now, 4)), list(DEFAULT_PARAMETERS), seed=3)
    assert again.parameters == result.parameters


def test_review_history_is_one_deck_by_card_then_time_read_from_an_index_alone(make_store):
    store = make_store(deck("a", cards=3), deck("b", cards=2))
    a = [c.key for c in store.cards("a")]
    b = [c.key for c in store.cards("b")]
    after = MemoryState(state=REVIEW, stability=1.0, difficulty=5.0, due=T0, last_review=T0, reps=1)
    # written out of order: cards interleaved, later answers first
    log = [(a[1], 3, T0 + timedelta(days=3, hours=2)), (b[0], 1, T0), (a[0], 4, T0 + timedelta(days=1)),
           (a[1], 1, T0), (a[0], 3, T0), (b[1], 3, T0 + timedelta(days=2)), (a[1], 2, T0 + timedelta(hours=20))]
    bulk_load(store, [], [(key, rating, when, 1000, None, after) for key, rating, when in log])
    record_review(store, a[2], 3, T0 + timedelta(days=5), 1000, "exam", None, after)
    statements = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        shift = 3600 - 4 * 3600  # UTC+1, the day starting at 4
        history = [tuple(row) for row in store.review_history(shift, "a")]
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    day = (int(T0.timestamp()) + shift) // 86400  # T0 is 10:00 that learner's time
    assert history == [(a[0], 3, day, "review"), (a[0], 4, day + 1, "review"),
                       (a[1], 1, day, "review"), (a[1], 2, day + 1, "review"), (a[1], 3, day + 3, "review"),
                       (a[2], 3, day + 5, "exam")]
    assert sorted({key for key, *_ in store.review_history(shift)}) == sorted(a + b)
    if store.engine.dialect.name == "sqlite":  # one query, answered by a covering index in its order
        (statement, parameters), = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
        with store.engine.connect() as connection:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + statement, parameters))
        assert "USING COVERING INDEX ix_reviews_learner_card_answers" in plan and "TEMP B-TREE" not in plan


def test_learner_days_are_the_same_with_sqlite_unixepoch_and_without(sqlite_only, make_store, monkeypatch):
    import srs.store.base as base

    store = make_store(deck("a", cards=1))
    key = store.cards("a")[0].key
    after = MemoryState(state=REVIEW, stability=1.0, difficulty=5.0, due=T0, last_review=T0, reps=1)
    start = datetime(2026, 1, 6, 4, 0, tzinfo=timezone.utc)  # a day's start at shift -4 h
    # (SQLite reads times to the millisecond, so the edges are a millisecond from the start)
    times = [start - timedelta(milliseconds=1), start, start + timedelta(milliseconds=999),
             start + timedelta(hours=23, minutes=59, seconds=59, milliseconds=999), start + timedelta(days=1)]
    bulk_load(store, [], [(key, 3, when, 1000, None, after) for when in times])
    days = {}
    for has in (True, False):
        monkeypatch.setattr(base, "SQLITE_HAS_UNIXEPOCH", has)
        days[has] = [day for _, _, day, _ in store.review_history(-4 * 3600)]
    first = (int(start.timestamp()) - 4 * 3600) // 86400
    assert days[True] == days[False] == [first - 1, first, first, first, first + 1]
