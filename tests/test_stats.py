"""Statistics against hand-computed fixtures: per-day counts in the learner's day, true
retention, the due forecast, streak, time spent."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from srs.model import REVIEW, MemoryState
from srs.settings import Settings
from srs.stats import compute
from srs.store.records import NewAttempt
from tests.factories import deck
from tests.store_helpers import record_review

PLUS2 = timezone(timedelta(hours=2))
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=PLUS2)


def log(store, key, when, rating, before_state, ms=5000, due=None):
    before = MemoryState(state=before_state, stability=5.0, difficulty=5.0, due=when, last_review=when,
                         reps=1) if before_state else None
    after = MemoryState(state=REVIEW, stability=10.0, difficulty=5.0, due=due or when + timedelta(days=10),
                        last_review=when, reps=2)
    record_review(store, key, rating, when, ms, "review", before, after)


def test_hand_computed_fixture(make_store):
    store = make_store(deck(cards=6))
    keys = [c.key for c in store.cards()]
    # local days (UTC+2, days start at 04:00): Nov 20 (today), Nov 19, Nov 18; Nov 16 breaks the streak
    log(store, keys[0], datetime(2026, 11, 20, 9, 0, tzinfo=PLUS2), 3, REVIEW, due=NOW + timedelta(days=2))
    log(store, keys[1], datetime(2026, 11, 20, 3, 30, tzinfo=PLUS2), 1, REVIEW, due=NOW + timedelta(days=2))  # Nov 19!
    log(store, keys[2], datetime(2026, 11, 19, 22, 0, tzinfo=PLUS2), 2, REVIEW, due=NOW - timedelta(days=3))
    log(store, keys[3], datetime(2026, 11, 18, 8, 0, tzinfo=PLUS2), 4, 0, due=NOW + timedelta(days=40))
    log(store, keys[4], datetime(2026, 11, 16, 8, 0, tzinfo=PLUS2), 3, REVIEW, due=NOW + timedelta(days=5))
    log(store, keys[5], datetime(2026, 9, 1, 8, 0, tzinfo=PLUS2), 1, REVIEW, due=NOW + timedelta(days=5))  # old
    s = compute(store, Settings(), NOW, None, days=28)
    counts = {d - s.today: n for d, n in s.per_day.items()}
    assert counts == {0: 1, -1: 2, -2: 1, -4: 1}
    assert s.reviews == 5 and s.seconds == 25.0
    assert s.streak == 3
    # true retention: answers on review-state cards in the last 30 days: 3 of 4 passed (Again fails)
    assert s.retention == pytest.approx(3 / 4) and s.retention_answers == 4
    # forecast: overdue counts today; +2 days: 2 cards; +5 days: 2 cards; +40 is beyond
    assert s.forecast[0] == 1 and s.forecast[2] == 2 and s.forecast[5] == 2 and sum(s.forecast) == 5
    assert s.by_state == {"new": 0, "learning": 0, "review": 6, "relearning": 0, "suspended": 0}
    data = s.to_dict()
    assert set(data) >= {"reviews", "retention", "by_state", "forecast"} and len(data["forecast"]) == 30


def test_empty_learner(make_store):
    store = make_store(deck(cards=3))
    s = compute(store, Settings(), NOW)
    assert s.reviews == 0 and s.retention is None and s.streak == 0 and sum(s.forecast) == 0
    assert s.by_state["new"] == 3


def test_a_streak_longer_than_the_window(make_store):
    store = make_store(deck(cards=1))
    key = store.cards()[0].key
    for days_ago in range(130):  # past the heat map's 14 days and two probes of 60
        log(store, key, NOW - timedelta(days=days_ago, hours=1), 3, REVIEW)
    log(store, key, NOW - timedelta(days=135), 3, REVIEW)  # after a gap: not part of the streak
    log(store, key, NOW + timedelta(days=1), 3, REVIEW)  # after now (a clock set back): not counted
    s = compute(store, Settings(), NOW, None, days=14)
    assert s.streak == 130 and s.reviews == 14
    assert compute(store, Settings(), NOW - timedelta(days=131), None, days=14).streak == 0


@pytest.mark.parametrize("hours", [-8, 0, 5.5, 9])
def test_days_follow_the_learners_offset_and_day_start(make_store, hours):
    zone = timezone(timedelta(hours=hours))
    now = datetime(2026, 11, 20, 12, 0, tzinfo=zone)
    store = make_store(deck(cards=5))
    keys = [c.key for c in store.cards()]
    log(store, keys[0], datetime(2026, 11, 20, 4, 0, tzinfo=zone), 3, REVIEW,
        due=now - timedelta(days=3))                                                  # today; overdue
    log(store, keys[1], datetime(2026, 11, 20, 3, 59, tzinfo=zone), 3, REVIEW,
        due=datetime(2026, 11, 21, 3, 59, tzinfo=zone))                               # yesterday; due today
    log(store, keys[2], datetime(2026, 11, 18, 23, 0, tzinfo=zone), 3, REVIEW,
        due=datetime(2026, 11, 21, 4, 0, tzinfo=zone))                                # Nov 18; due tomorrow
    log(store, keys[3], datetime(2026, 11, 17, 12, 0, tzinfo=zone), 3, REVIEW,
        due=datetime(2026, 12, 19, 12, 0, tzinfo=zone))                               # day 29 of 30
    log(store, keys[4], datetime(2026, 11, 17, 12, 0, tzinfo=zone), 3, REVIEW,
        due=datetime(2026, 12, 20, 4, 0, tzinfo=zone))                                # past the forecast
    s = compute(store, Settings(), now, None, days=7)
    assert {d - s.today: n for d, n in s.per_day.items()} == {0: 1, -1: 1, -2: 1, -3: 2}
    assert s.forecast[0] == 2 and s.forecast[1] == 1 and s.forecast[29] == 1 and sum(s.forecast) == 4
    assert s.streak == 4


def test_one_deck_retired_and_suspended_cards(make_store):
    store = make_store(deck("a", cards=3), deck("b", cards=2))
    a = [c.key for c in store.cards("a")]
    b = [c.key for c in store.cards("b")]
    for key in a + b:
        log(store, key, NOW - timedelta(hours=2), 3, REVIEW, due=NOW + timedelta(days=1))
    log(store, b[0], NOW - timedelta(hours=1), 1, REVIEW, due=NOW + timedelta(days=1))
    store.save_state(a[2], store.card(a[2]).memory.with_(suspended=True))
    store.retire_cards([a[1]], NOW)
    s = compute(store, Settings(), NOW, "b", days=7)
    assert s.reviews == 3 and s.retention == pytest.approx(2 / 3) and sum(s.forecast) == 2
    s = compute(store, Settings(), NOW, "a", days=7)
    assert s.reviews == 3 and s.retention == 1.0
    assert sum(s.forecast) == 1  # one suspended, one retired: neither falls due
    assert s.by_state["review"] == 2 and s.by_state["suspended"] == 1  # the retired card is gone
    assert sum(compute(store, Settings(), NOW, None, days=7).forecast) == 3


def _screen(stats, now) -> str:
    import io

    from rich.console import Console

    from srs.ui.progress_views import render_stats

    console = Console(file=io.StringIO(), width=100, color_system=None)
    render_stats(console, stats, now)
    return console.file.getvalue()


def test_one_answer_gives_no_retention_verdict_and_exam_bars_are_out_of_100(make_store):
    store = make_store(deck(cards=3))
    key = store.cards()[0].key
    log(store, key, NOW - timedelta(days=1), 1, REVIEW)         # one lapse: 0% of 1 answer
    store.save_attempt(NewAttempt("d", NOW - timedelta(hours=2), NOW - timedelta(hours=1), 4, 2, 0.5, 0.7, False,
                                  None, 1, False, None), [])
    screen = _screen(compute(store, Settings(), NOW), NOW)
    assert "0% of 1 answer on review cards — too few to compare with the desired 90% (it takes 20)" in " ".join(
        screen.split())
    assert "-90" not in screen and "−90" not in screen
    bar = next(line for line in screen.splitlines() if "FAIL" in line)
    assert bar.count("█") == 15 and bar.count("░") == 15        # half of a 100% track, not of the best score


def test_twenty_answers_are_compared_with_the_target(make_store):
    store = make_store(deck(cards=20))
    for i, card in enumerate(store.cards()):
        log(store, card.key, NOW - timedelta(days=1, minutes=i), 3 if i else 1, REVIEW)
    screen = _screen(compute(store, Settings(), NOW), NOW)
    assert "95.0% of 20 answers on review cards; desired 90% (+5.0 pp)" in " ".join(screen.split())


def test_due_days_of_the_whole_collection_leave_out_retired_cards_overdue_or_ahead(make_store):
    """The whole collection's due days (read from the due index, less the retired cards') are
    the sum of each deck's (read through the cards), retired cards overdue and ahead alike."""
    from collections import Counter

    store = make_store(deck("a", cards=6), deck("b", cards=5))
    keys = {name: [c.key for c in store.cards(name)] for name in ("a", "b")}
    for i, key in enumerate(keys["a"] + keys["b"]):
        log(store, key, NOW - timedelta(days=3), 3, REVIEW, due=NOW + timedelta(days=i % 7 - 3, hours=i))
    store.retire_cards([keys["a"][0], keys["a"][4], keys["b"][2]], NOW)  # overdue, ahead, ahead
    start, end, shift = NOW, NOW + timedelta(days=30), 2 * 3600 - 4 * 3600
    whole = store.due_days(start, end, shift)
    per_deck = Counter()
    for name in ("a", "b"):
        per_deck.update(dict(store.due_days(start, end, shift, name)))
    assert whole == sorted(per_deck.items()) and sum(n for _, n in whole) == 8


def test_card_views_limited_and_streamed_with_the_forecast_read_between_rows(make_store):
    """The listing's cursor stays open while each deck's chances are read on the same
    connection (PostgreSQL too); LIMIT, the count and the due filter agree with the whole list."""
    from srs.stats import card_views, iter_card_views

    store = make_store(deck(cards=7))
    keys = [c.key for c in store.cards()]
    for key in keys[:3]:
        log(store, key, NOW - timedelta(days=20), 3, REVIEW, due=NOW - timedelta(days=1))
    every = card_views(store, Settings(), NOW, settings_of=lambda d: Settings())
    assert [v.card.key for v in every] == keys and store.count_listed() == 7
    assert all(v.chance is not None for v in every if v.card.choices)
    first = list(iter_card_views(store, Settings(), NOW, settings_of=lambda d: Settings(), limit=4))
    assert [(v.card.key, v.chance) for v in first] == [(v.card.key, v.chance) for v in every[:4]]
    due = card_views(store, Settings(), NOW, due=True, limit=2)
    assert [v.card.key for v in due] == keys[:2] and store.count_listed(due_before=NOW, now=NOW) == 3
