"""The forecast's packed review log (review_packs, migration 0014: one pack per block of 32
card keys): the same columns as the row-by-row oracle whether a block's pack is fresh,
missing, behind the log (answers since) or just rewritten; an answer writes no pack; every
other way a review row changes drops its block's pack and no other (an undo, a merge's
replay, any update, a card deleted, a row at an id already seen); a transaction that cannot
write reads the log instead."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import delete, func, select, update

from srs.model import AGAIN, GOOD
from srs.review import ReviewSession
from srs.rules import answered_right, review_code
from srs.settings import Settings
from srs.store.models import cards as card_table
from srs.store.models import review_packs, review_packs_seen
from srs.store.models import reviews as log
from srs.store.packs import PACK_CARDS
from tests.factories import T0, deck
from tests.store_helpers import forecast_evidence
from tests.test_forecast import take_mock


def packed(store) -> set[int]:
    """The blocks that have a pack for the store's learner."""
    with store.engine.connect() as connection:
        return set(connection.scalars(select(review_packs.c.block).where(review_packs.c.learner == store.learner)))


def blocks(keys) -> set[int]:
    return {key // PACK_CARDS for key in keys}


def assert_columns_are_the_oracle(store, name: str) -> None:
    reviews, answers = forecast_evidence(store, name)
    (code, at, stability), (key, ended, right) = store.forecast_columns(name)
    assert code.tolist() == [review_code(k, r, answered_right(r, c), src == "exam") for k, _, r, src, _, c in reviews]
    assert at.tolist() == [t for _, t, *_ in reviews]
    expected = [np.nan if st is None else st for *_, st, _ in reviews]
    assert stability == pytest.approx(expected, rel=1e-14, abs=5e-5, nan_ok=True)
    assert list(zip(key.tolist(), ended.tolist(), right.tolist(), strict=True)) == answers


def answered(make_store):
    """Two decks (cards 1-70 and 71-74: blocks 0-2, the last one shared), every card of both
    answered twice (some right letters rated Again), a mock."""
    store = make_store(deck(cards=70), deck("e", cards=4))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    for offset in range(2):
        for name in ("d", "e"):
            for card in store.mc_cards(name):
                session.answer(card, GOOD if card.key % 3 else AGAIN, T0 + timedelta(hours=offset, seconds=card.key),
                               right=(card.key + offset) % 2 == 0 or None)
    take_mock(store, 3, T0 + timedelta(days=1))
    with store.engine.begin() as connection:  # the forecast before the mock wrote packs: none yet
        connection.execute(delete(review_packs))
        connection.execute(delete(review_packs_seen))
    return store, session


def test_packs_are_written_once_and_read_as_the_log(make_store):
    store, _ = answered(make_store)
    d = blocks(c.key for c in store.mc_cards("d"))
    assert packed(store) == set() and d == {0, 1, 2}
    first = store.forecast_columns("d")
    assert packed(store) == d
    assert_columns_are_the_oracle(store, "d")  # from the packs now
    again = store.forecast_columns("d")
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(first[0], again[0], strict=True))
    assert_columns_are_the_oracle(store, "e")
    assert packed(store) == d  # the block of deck e's cards too


def test_a_card_never_answered_has_an_empty_pack(make_store):
    store = make_store(deck(cards=40))
    (code, at, stability), _ = store.forecast_columns("d")
    assert len(code) == len(at) == len(stability) == 0 and packed(store) == {0, 1}
    card = store.mc_cards("d")[35]
    ReviewSession(store, Settings(learning_steps=""), fuzz=False).answer(card, GOOD, T0, right=True)
    assert packed(store) == {0, 1}  # the answer wrote nothing for them: its row is found by its id
    assert_columns_are_the_oracle(store, "d")


def test_every_change_to_a_cards_log_drops_its_blocks_pack_alone(make_store):
    store, session = answered(make_store)
    store.forecast_columns("d")
    keys = [c.key for c in store.mc_cards("d")][::PACK_CARDS // 2]  # two of each block
    everything = {0, 1, 2}

    # an answer: no pack dropped, its row found by its id
    card = store.mc_cards("d")[0]
    session.answer(card, GOOD, T0 + timedelta(days=2), right=True)
    assert packed(store) == everything
    assert_columns_are_the_oracle(store, "d")
    assert_columns_are_the_oracle(store, "e")  # block 2's pack, rewritten for deck d, serves e

    # an undo
    with store.engine.connect() as connection:
        review_id = connection.scalar(select(func.max(log.c.id)).where(log.c.card_key == keys[1]))
    assert store.undo_review(review_id) is not None
    assert packed(store) == everything - {keys[1] // PACK_CARDS}
    assert_columns_are_the_oracle(store, "d")

    # a merge's replay rewrites the stability of rows already there
    [(old_id, before, after)] = [(r.id, r.before, r.after) for r in store.reviews_of([keys[2]])[keys[2]][:1]]
    store.write_history([], [], [(old_id, before, replace(after, stability=123.0))])
    assert packed(store) == everything - {keys[2] // PACK_CARDS}
    assert_columns_are_the_oracle(store, "d")
    assert 123.0 in store.forecast_columns("d")[0].stability.tolist()

    # any other statement on the log (another process, a tool)
    with store.engine.begin() as connection:
        connection.execute(update(log).where(log.c.card_key == keys[3]).values(rating=AGAIN))
    assert packed(store) == everything - {keys[3] // PACK_CARDS}
    assert_columns_are_the_oracle(store, "d")

    # a card deleted takes its pack along
    with store.engine.begin() as connection:
        connection.execute(delete(card_table).where(card_table.c.key == keys[4]))
    assert packed(store) == everything - {keys[4] // PACK_CARDS}
    assert_columns_are_the_oracle(store, "d")


def test_inside_a_callers_transaction_the_log_is_read_and_no_pack_written(make_store):
    store, _ = answered(make_store)
    with store.atomic():
        assert_columns_are_the_oracle(store, "d")
    assert packed(store) == set()


def test_without_the_write_lock_the_log_is_read_and_no_pack_written(sqlite_only):
    """Another process holds the write lock past the busy timeout (or the file is read-only):
    the forecast still reads the whole log."""
    import sqlite3

    from srs.store import open_store
    from tests.factories import make_store

    store, _ = answered(lambda *decks: make_store(sqlite_only, *decks))
    store.close()
    store, _ = open_store(sqlite_only, "alice", busy_timeout=0.05)
    other = sqlite3.connect(sqlite_only, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert_columns_are_the_oracle(store, "d")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert packed(store) == set()
    store.forecast_columns("d")
    assert packed(store) == {0, 1, 2}
    store.close()


def test_a_row_at_an_id_already_seen_drops_its_blocks_pack(make_store):
    """SQLite gives the largest id again once its row is deleted: an undo of the last answer,
    the packs read, then an answer to a card of another block takes the same id."""
    store, session = answered(make_store)
    first, last = store.mc_cards("d")[0], store.mc_cards("d")[-1]
    session.answer(first, GOOD, T0 + timedelta(days=2), right=True)
    store.forecast_columns("d")
    with store.engine.connect() as connection:
        top = connection.scalar(select(func.max(log.c.id)))
    assert store.undo_review(top) is not None
    assert packed(store) == {1, 2}
    session.answer(last, AGAIN, T0 + timedelta(days=2), right=False)
    with store.engine.connect() as connection:
        reused = connection.scalar(select(func.max(log.c.id))) == top
    assert reused == (store.engine.dialect.name == "sqlite")  # PostgreSQL's sequence never gives it again
    assert packed(store) == ({1} if reused else {1, 2})
    assert_columns_are_the_oracle(store, "d")


def test_other_learners_rows_are_not_read_over_and_over(make_store, monkeypatch):
    """Past MANY_ADDED rows added since (another learner's answers), the forecast marks them
    seen though none is the learner's: the next one does not read them again."""
    import srs.store.packs as packs_module
    from srs.store import open_store

    monkeypatch.setattr(packs_module, "MANY_ADDED", 3)
    store, _ = answered(make_store)
    store.forecast_columns("d")
    bob, _ = open_store(str(store.engine.url).removeprefix("sqlite:///") if store.engine.dialect.name == "sqlite"
                        else store.engine.url.render_as_string(hide_password=False), "bob")
    try:
        session = ReviewSession(bob, Settings(learning_steps=""), fuzz=False)
        for card in bob.mc_cards("d")[:5]:
            session.answer(card, GOOD, T0 + timedelta(days=3), right=True)
    finally:
        bob.close()
    with store.engine.connect() as connection:
        top = connection.scalar(select(func.max(log.c.id)))
        before = connection.scalar(select(review_packs_seen.c.seen).where(review_packs_seen.c.learner == "alice"))
    assert before < top
    assert_columns_are_the_oracle(store, "d")
    with store.engine.connect() as connection:
        assert connection.scalar(select(review_packs_seen.c.seen).where(review_packs_seen.c.learner == "alice")) == top
    store.forecast_columns("d")
    assert store._added == 0  # nothing added since: nothing read again
