"""The scheduler: our stored states equal an independent fsrs replay; the queue's rules."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from srs.model import REVIEW
from srs.review import ReviewSession
from srs.queue import build_queue
from srs.scheduler import make_scheduler, rate
from srs.ui.render import format_interval
from srs.settings import Settings
from tests import factories
from tests.factories import T0, deck
from tests.oracle import replay
from tests.store_helpers import card_reviews

ratings = st.lists(st.tuples(st.integers(1, 4), st.integers(1, 60 * 24 * 20)), min_size=1, max_size=25)


@pytest.mark.slow
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=ratings)
def test_state_after_any_history_equals_fsrs_replay(tmp_path_factory, history):
    store = factories.make_store(tmp_path_factory.mktemp("s"), deck(cards=1))
    session = ReviewSession(store, Settings(), fuzz=False)
    key = store.cards()[0].key
    when, answers = T0, []
    for rating, minutes in history:
        when = when + timedelta(minutes=minutes)
        session.answer(store.card(key), rating, when)
        answers.append((rating, when))
    mine = store.card(key).memory
    theirs = replay(answers, due=T0)  # what fsrs itself says after these answers
    assert mine.stability == theirs.stability
    assert mine.difficulty == theirs.difficulty
    assert mine.due == theirs.due
    assert mine.last_review == theirs.last_review
    assert mine.step == theirs.step
    assert mine.reps == len(history)
    assert [r.rating for r in card_reviews(store, key)] == [r for r, _ in history]
    store.close()


def test_fuzz_is_deterministic_per_card_and_moment():
    from srs.model import MemoryState

    scheduler = make_scheduler(Settings(), fuzz=True)
    memory = rate(scheduler, 7, rate(scheduler, 7, MemoryState(), 3, T0), 3, T0 + timedelta(minutes=10))
    assert memory.state == REVIEW
    later = T0 + timedelta(days=5)
    a = rate(scheduler, 7, memory, 3, later)
    b = rate(scheduler, 7, memory, 3, later)
    assert a == b
    assert a.due.tzinfo == timezone.utc


def test_fuzz_has_its_own_generator_seeded_as_the_shared_one_was(monkeypatch):
    """A rating seeds the fuzz's own generator (no copy of the shared generator's state saved
    and put back per answer), with the same seed, so the same history gives the same states
    as when the shared generator was seeded; the shared generator is left alone."""
    import random

    import fsrs.scheduler

    from srs import scheduler as adapter
    from srs.model import MemoryState

    scheduler = make_scheduler(Settings(), fuzz=True)
    memory = rate(scheduler, 7, rate(scheduler, 7, MemoryState(), 3, T0), 3, T0 + timedelta(minutes=10))
    states = [rate(scheduler, 7, memory, r, T0 + timedelta(days=d)) for d in (3, 5, 40) for r in (2, 3, 4)]
    random.seed(11)
    expected_next = random.random()
    random.seed(11)
    monkeypatch.setattr(random, "getstate", lambda: pytest.fail("the shared generator's state was copied"))
    assert [rate(scheduler, 7, memory, r, T0 + timedelta(days=d)) for d in (3, 5, 40) for r in (2, 3, 4)] == states
    assert random.random() == expected_next  # untouched
    monkeypatch.undo()
    # the old way: the shared generator seeded alike (fsrs drawing from it)
    monkeypatch.setattr(fsrs.scheduler, "random", random.random)
    monkeypatch.setattr(adapter, "_OWN_FUZZ", False)
    assert [rate(scheduler, 7, memory, r, T0 + timedelta(days=d)) for d in (3, 5, 40) for r in (2, 3, 4)] == states
    assert len({s.due for s in states}) > 3  # fuzzed dues, not one


def test_new_card_first_answer_and_lapse_counting():
    scheduler = make_scheduler(Settings(), fuzz=False)
    from srs.model import MemoryState

    m = rate(scheduler, 1, MemoryState(), 4, T0)  # Easy graduates a new card at once
    assert m.state == REVIEW and m.reps == 1 and m.lapses == 0
    m2 = rate(scheduler, 1, m, 1, T0 + timedelta(days=10))
    assert m2.lapses == 1
    assert rate(scheduler, 1, MemoryState(), 1, T0).lapses == 0  # Again on a new card is no lapse


def test_format_interval():
    assert format_interval(timedelta(minutes=10)) == "10m"
    assert format_interval(timedelta(days=4)) == "4d"
    assert format_interval(timedelta(hours=5)) == "5h"
    assert format_interval(timedelta(days=400)) == "1.1y"


def test_queue_new_limit_and_learning_first(make_store):
    store = make_store(deck(cards=30))
    s = Settings(new_per_day=5)
    q = build_queue(store, s, T0)
    assert q.counts.new == 5 and len(q.new) == 5
    assert [c.card_id for c in q.new] == ["c000", "c001", "c002", "c003", "c004"]
    session = ReviewSession(store, s, fuzz=False)
    card = session.next(T0)
    session.answer(card, 1, T0)  # Again: learning, due in 1 minute
    q = build_queue(store, s, T0 + timedelta(minutes=2))
    assert q.learning and q.learning[0].key == card.key
    assert q.counts.new == 4
    assert session.next(T0 + timedelta(minutes=2)).key == card.key


def test_learn_ahead_only_when_nothing_else(make_store):
    store = make_store(deck(cards=2))
    s = Settings(new_per_day=1)
    session = ReviewSession(store, s, fuzz=False)
    card = session.next(T0)
    session.answer(card, 3, T0)  # Good: next step in 10 minutes
    q = build_queue(store, s, T0 + timedelta(minutes=1))
    assert q.learn_ahead and q.learning[0].key == card.key
    q = build_queue(store, s, T0 - timedelta(minutes=30))  # 40 minutes early: not brought forward
    assert not q.learning
