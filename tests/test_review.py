"""The review session: daily limits across sessions and days, undo, bury, suspend, leeches."""

from __future__ import annotations

from datetime import timedelta

from srs.model import NEW
from srs.review import ReviewSession
from srs.settings import Settings
from tests.factories import T0, deck
from tests.store_helpers import card_reviews


def study(session: ReviewSession, now, rating=3, limit=1000) -> int:
    """Answer everything due with ``rating``; returns how many answers."""
    n = 0
    while n < limit and (card := session.next(now)) is not None:
        session.answer(card, rating, now)
        n += 1
    return n


def test_new_per_day_counts_across_sessions_and_resets_next_day(make_store):
    store = make_store(deck(cards=30))
    s = Settings(new_per_day=7, learning_steps="")  # no steps: Good graduates at once
    assert study(ReviewSession(store, s, fuzz=False), T0, limit=3) == 3
    assert study(ReviewSession(store, s, fuzz=False), T0 + timedelta(hours=1)) == 4  # 7 a day in all
    assert study(ReviewSession(store, s, fuzz=False), T0 + timedelta(hours=2)) == 0
    introduced = [c for c in store.cards() if c.memory.state != NEW]
    assert len(introduced) == 7
    # the next learner day (days start at 04:00 local) brings 7 more, plus reviews due then
    next_day = T0 + timedelta(days=1)
    n = study(ReviewSession(store, s, fuzz=False), next_day)
    assert len([c for c in store.cards() if c.memory.state != NEW]) == 14
    assert n >= 7


def test_reviews_per_day_cap(make_store):
    store = make_store(deck(cards=20))
    study(ReviewSession(store, Settings(new_per_day=20, learning_steps=""), fuzz=False), T0)
    later = T0 + timedelta(days=60)  # everything overdue
    capped = Settings(new_per_day=0, reviews_per_day=5, learning_steps="", relearning_steps="")
    assert study(ReviewSession(store, capped, fuzz=False), later) == 5
    assert study(ReviewSession(store, capped, fuzz=False), later + timedelta(hours=1)) == 0


def test_new_cards_spread_among_reviews(make_store):
    store = make_store(deck(cards=40))
    s = Settings(new_per_day=10, learning_steps="")
    study(ReviewSession(store, s, fuzz=False), T0)
    later = T0 + timedelta(days=60)
    session = ReviewSession(store, s, fuzz=False)
    kinds = []
    while (card := session.next(later)) is not None:
        kinds.append("n" if card.memory.state == NEW else "r")
        session.answer(card, 3, later)
    assert kinds.count("n") == 10 and kinds.count("r") == 10
    first_new = kinds.index("n")
    assert first_new < 5, kinds  # not all reviews first
    assert "nnnnn" not in "".join(kinds), kinds


def test_undo_restores_state_and_history_exactly(make_store):
    store = make_store(deck(cards=3))
    session = ReviewSession(store, Settings(), fuzz=False)
    card = session.next(T0)
    session.answer(card, 3, T0)
    after_first = store.card(card.key)
    log_first = card_reviews(store, card.key)
    again = store.card(card.key)
    session.answer(again, 1, T0 + timedelta(minutes=11))
    assert store.card(card.key).memory != after_first.memory
    session.undo()
    assert store.card(card.key).memory == after_first.memory
    assert card_reviews(store, card.key) == log_first
    session.undo()
    restored = store.card(card.key)
    assert not restored.has_state and restored.memory.state == NEW
    assert card_reviews(store, card.key) == []
    assert session.undo() is None
    assert session.summary.reviewed == 0


def test_bury_until_next_day_and_suspend_forever(make_store):
    store = make_store(deck(cards=3))
    s = Settings()
    session = ReviewSession(store, s, fuzz=False)
    first = session.next(T0)
    until = session.bury(first, T0)
    assert session.next(T0).key != first.key
    second = session.next(T0)
    session.suspend(second)
    third = session.next(T0)
    assert third.key not in (first.key, second.key)
    assert until > T0
    tomorrow = until + timedelta(minutes=1)
    keys = set()
    fresh = ReviewSession(store, s, fuzz=False)
    while (card := fresh.next(tomorrow)) is not None:
        keys.add(card.key)
        fresh.answer(card, 4, tomorrow)
    assert first.key in keys and second.key not in keys


def test_leech_is_suspended_and_tagged(make_store):
    store = make_store(deck(cards=1))
    s = Settings(leech_threshold=3, learning_steps="", relearning_steps="")
    session = ReviewSession(store, s, fuzz=False)
    now = T0
    card = session.next(now)
    session.answer(card, 3, now)
    leeched = None
    for _ in range(3):
        now = now + timedelta(days=30)
        card = store.card(card.key)
        result = session.answer(card, 1, now)
        if result.leech:
            leeched = result
    assert leeched is not None
    m = store.card(card.key).memory
    assert m.leech and m.suspended and m.lapses == 3
    assert session.summary.leeches == [card.name]
    assert session.next(now + timedelta(days=100)) is None


def test_choice_order_is_a_seeded_permutation_per_showing():
    from srs.review import choice_order

    for n in range(2, 7):
        for reps in range(5):
            order = choice_order("d/c001", reps, n)
            assert sorted(order) == list(range(n))  # every choice shown once
            assert choice_order("d/c001", reps, n) == order  # the same card state, the same order
    orders = {choice_order(f"d/c{i:03d}", 0, 4) for i in range(40)}
    assert len(orders) > 5 and orders != {(0, 1, 2, 3)}  # not file order, not one order for all cards
    assert len({choice_order("d/c001", reps, 4) for reps in range(20)}) > 1  # each review reshuffles


def test_showing_maps_shown_letters_to_the_cards_own(make_store):
    from srs.review import showing

    store = make_store(deck(cards=8))
    for card in store.cards():
        shown = showing(card)
        right = shown.shown_letter(card.answer)
        assert shown.card_letter(right) == card.answer
        assert shown.choices[shown.valid.index(right)] == card.choices[card.answer_index]
        assert showing(card) == shown


def test_undo_shows_the_same_order_again(make_store):
    from srs.review import showing

    store = make_store(deck(cards=3))
    session = ReviewSession(store, Settings(), fuzz=False)
    card = session.next(T0)
    before = showing(card).order
    session.answer(card, 3, T0)
    assert store.card(card.key).memory.reps == card.memory.reps + 1  # the next showing is shuffled anew
    step = session.undo()
    assert step.action == "answer" and step.card == card
    again = session.next(T0)
    assert again == card and showing(again).order == before


def test_undo_takes_back_bury_and_suspend_exactly(make_store):
    store = make_store(deck(cards=4))
    session = ReviewSession(store, Settings(), fuzz=False)
    first = session.next(T0)
    session.answer(first, 3, T0)                     # an answer, then a bury and a suspend
    counts = session.counts()
    second = session.next(T0)
    session.bury(second, T0)
    third = session.next(T0)
    session.suspend(third)
    assert store.card(third.key).memory.suspended
    step = session.undo()
    assert step.action == "suspend" and step.card.key == third.key
    assert store.card(third.key) == third           # no state row again, as before
    step = session.undo()
    assert step.action == "bury" and store.card(second.key) == second
    assert session.counts() == counts
    assert session.next(T0) == second               # the queue as it was: the buried card is next again
    assert session.undo().action == "answer"
    assert store.card(first.key) == first and card_reviews(store, first.key) == []
    assert session.undo() is None and session.summary.reviewed == 0


def test_bury_after_an_answer_keeps_the_answer(make_store):
    """Burying a card just answered buries its new state; it does not put the old one back."""
    store = make_store(deck(cards=2))
    session = ReviewSession(store, Settings(), fuzz=False)
    card = session.next(T0)
    session.answer(card, 3, T0)
    session.bury(card, T0)
    stored = store.card(card.key)
    assert stored.memory.reps == 1 and stored.memory.buried_until is not None
    session.undo()
    assert store.card(card.key).memory.reps == 1 and store.card(card.key).memory.buried_until is None


def test_undo_keeps_cards_learning_later_in_the_session(make_store):
    """A card missed earlier and due again in minutes comes back after an undo of another answer."""
    store = make_store(deck(cards=3))
    session = ReviewSession(store, Settings(new_per_day=3), fuzz=False)
    missed = session.next(T0)
    session.answer(missed, 1, T0)                    # Again: learning, due in a minute
    other = session.next(T0 + timedelta(seconds=5))
    assert other.key != missed.key
    session.answer(other, 3, T0 + timedelta(seconds=5))
    assert session.counts().learning == 2
    session.undo()
    assert session.counts().learning == 1           # the missed card is still in the session's queue
    assert session.next(T0 + timedelta(seconds=6)) == other
    later = T0 + timedelta(minutes=2)
    seen = []
    while (card := session.next(later)) is not None and len(seen) < 10:
        seen.append(card.key)
        session.answer(card, 3, later)
    assert missed.key in seen


def test_new_cards_when_every_card_is_studied_retired_ones_aside(make_store):
    """The queue's shortcut for a learner who has studied every card (two index counts, no
    scan) says "no new card" only then: a retired studied card does not hide a live new one."""
    s = Settings(new_per_day=50, learning_steps="")
    store = make_store(deck("d", cards=4))
    assert study(ReviewSession(store, s, fuzz=False), T0) == 4
    assert store.new_cards(T0, None, None, 10) == []
    store = make_store(deck("e", cards=1))  # the same database, one more deck: 5 live cards, 4 studied
    assert [(c.deck_id, c.card_id) for c in store.new_cards(T0, None, None, 10)] == [("e", "c000")]
    studied = [c for c in store.cards("d") if c.memory.state != NEW]
    store.retire_cards([studied[0].key], T0)  # 4 live cards, 4 studied states of which 1 of a retired card
    assert [(c.deck_id, c.card_id) for c in store.new_cards(T0, None, None, 10)] == [("e", "c000")]
    assert [c.card_id for c in store.new_cards(T0, "e", None, 10)] == ["c000"]
    assert store.new_cards(T0, "d", None, 10) == []


def _working_queue(session: ReviewSession) -> tuple:
    """Everything of the session's working queue an undo must put back, as plain copies."""
    s = session.summary
    return (list(session._learning), list(session._reviews), list(session._new), dict(session._left),
            session._since_new, session._no_new, session._stale, s.reviewed, s.right, s.seconds, list(s.leeches),
            set(s.cards))


def test_every_undo_puts_the_working_queue_back_without_copying_it(make_store):
    """Answers (right, missed: learning again), burials and suspensions in a seeded order, each
    undone at once or a few steps later: the working queue and the summary are exactly as
    before the step; and a step keeps what it changed, never a copy of the queue (undo
    made every answer cost as much as the session's size)."""
    import random

    store = make_store(deck(cards=40))
    session = ReviewSession(store, Settings(new_per_day=40, leech_threshold=2), fuzz=False)
    rng = random.Random(4)
    now = T0
    before: list[tuple] = []
    for _ in range(120):
        now += timedelta(seconds=30)
        if before and rng.random() < 0.3:
            session.undo()
            assert _working_queue(session) == before.pop()
            continue
        card = session.next(now)
        if card is None:
            break
        before.append(_working_queue(session))
        roll = rng.random()
        if roll < 0.1:
            session.bury(card, now)
        elif roll < 0.15:
            session.suspend(card)
        else:
            session.answer(card, rng.choice((1, 3, 3, 4)), now, duration_ms=rng.randrange(5000))
        step = session._steps[-1]
        lists = (session._learning, session._reviews, session._new)
        held = [v for v in vars(step.queue).values() if isinstance(v, (list, set, tuple))]
        assert all(v is step.queue.taken and any(v[0] is x for x in lists) for v in held), held
    while before:
        session.undo()
        assert _working_queue(session) == before.pop()


def test_an_undo_after_the_queue_was_loaded_again_reads_it_again(make_store):
    store = make_store(deck(cards=5))
    session = ReviewSession(store, Settings(), fuzz=False)
    card = session.next(T0)
    session.answer(card, 4, T0)                      # Easy: out of the session
    session.queue(T0)                                 # loaded again (as when a list runs dry)
    session.undo()
    assert session.next(T0) == card and session.counts().new == 5
