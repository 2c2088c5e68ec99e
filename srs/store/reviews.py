"""Answers: the learner's card states and the review log (write, undo, read, bulk load)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from srs.model import NEW, MemoryState, ReviewEntry
from srs.store.base import STATE_COLUMNS, StoreBase, memory_of, review_entry, state_values
from srs.store.driver import Prepared, insert_rows
from srs.store.models import card_states, cards, exam_attempts
from srs.store.models import reviews as review_table

if TYPE_CHECKING:
    pass

@cache
def _answer_statements(dialect: Any) -> tuple[Prepared, Prepared, Prepared, Prepared]:
    """(read a card's state, insert it, update it, append the log row), prepared for
    ``dialect`` and run with parameters ``m_learner`` and ``m_key`` for the card and the
    column values. Where the engine has row locks, the read is SELECT … FOR UPDATE (SQLite's
    BEGIN IMMEDIATE already holds the write lock); the log row's id comes back by RETURNING
    there, by the cursor's lastrowid on SQLite."""
    states = card_states
    mine = and_(states.c.learner == bindparam("m_learner"), states.c.card_key == bindparam("m_key"))
    read = select(*(states.c[name] for name in STATE_COLUMNS)).where(mine)
    sqlite = dialect.name == "sqlite"
    if not sqlite:
        read = read.with_for_update()
    log = insert(review_table) if sqlite else insert(review_table).returning(review_table.c.id)
    return (Prepared(read, dialect), Prepared(insert(states), dialect, ("learner", "card_key", *STATE_COLUMNS)),
            Prepared(update(states).where(mine), dialect, STATE_COLUMNS),
            Prepared(log, dialect, LOG_COLUMNS))


#: the review-log columns an answer writes (``ReviewQueries._log_row``'s keys)
LOG_COLUMNS = ("learner", "card_key", "rating", "reviewed_at", "duration_ms", "source", "state_before", "before",
               "after", "stability", "correct")


class ReviewQueries(StoreBase):
    def _log_row(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                 before: MemoryState | None, after: MemoryState, correct: bool | None = None) -> dict[str, Any]:
        return {"learner": self.learner, "card_key": key, "rating": int(rating), "reviewed_at": when,
                "duration_ms": duration_ms, "source": source, "state_before": int(before.state) if before else int(NEW),
                "before": before.to_dict() if before else None, "after": after.to_dict(),
                "stability": after.stability, "correct": correct}

    def save_state(self, key: int, memory: MemoryState) -> None:
        values = state_values(memory)
        with self.atomic(write=True) as s:
            mine = and_(card_states.c.learner == self.learner, card_states.c.card_key == key)
            if not s.execute(update(card_states).where(mine).values(values)).rowcount:
                s.execute(insert(card_states).values(learner=self.learner, card_key=key, **values))

    def apply_review(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                     compute: Callable[[MemoryState], MemoryState],
                     correct: bool | None = None) -> tuple[int, MemoryState | None, MemoryState]:
        """Answer a card against its *current* stored state: inside one write transaction
        (the row locked), read the state, let ``compute`` give the next one, write it and
        append the log row (``correct``: what was answered, a multiple-choice card's right
        letter or not; None: not known). Two processes answering the same card can't lose an
        update. Returns (review id, state before or None for a card never studied, state after)."""
        return self._retrying(lambda: self._apply_review(key, rating, when, duration_ms, source, compute, correct))

    def _apply_review(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                      compute: Callable[[MemoryState], MemoryState],
                      correct: bool | None) -> tuple[int, MemoryState | None, MemoryState]:
        # the hot path of a review session: three statements in one transaction, each built
        # once and run with parameters (no statement building or cache-key work per answer)
        with self.write_connection() as connection:
            read, insert_state, update_state, insert_review = _answer_statements(connection.dialect)
            mine = {"m_learner": self.learner, "m_key": key}
            row = read.first(connection, mine)
            before = memory_of(row) if row is not None else None
            after = compute(before or MemoryState())
            values = state_values(after)
            if row is None:
                insert_state.run(connection, {"learner": self.learner, "card_key": key, **values}).close()
            else:
                update_state.run(connection, {**mine, **values}).close()
            cursor = insert_review.run(connection, self._log_row(key, rating, when, duration_ms, source, before,
                                                                 after, correct))
            try:
                review_id = cursor.lastrowid if connection.dialect.name == "sqlite" else cursor.fetchone()[0]
            finally:
                cursor.close()
            return int(review_id), before, after

    def restore_state(self, key: int, memory: MemoryState | None) -> None:
        """Put a card's state back as it was (None: the learner had no state for it)."""
        with self.atomic(write=True) as s:
            if memory is None:
                s.execute(delete(card_states).where(card_states.c.learner == self.learner, card_states.c.card_key == key))
            else:
                self.save_state(key, memory)

    def undo_review(self, review_id: int) -> ReviewEntry | None:
        """Remove a review row and restore the card's state from before it."""
        with self.atomic(write=True) as s:
            row = s.execute(select(review_table).where(review_table.c.id == review_id)).first()
            if row is None or row.learner != self.learner:
                return None
            entry = review_entry(row)
            if row.before is None:
                s.execute(delete(card_states).where(card_states.c.learner == self.learner,
                                                  card_states.c.card_key == row.card_key))
            else:
                self.save_state(row.card_key, MemoryState.from_dict(row.before))
            s.execute(delete(review_table).where(review_table.c.id == review_id))
            return entry

    def latest_activity(self) -> datetime | None:
        """The latest moment this learner worked at: their last review answer or the start of
        their last exam (the "now" of the command that wrote it)."""
        with self.atomic() as s:
            review = s.scalar(select(func.max(review_table.c.reviewed_at)).where(review_table.c.learner == self.learner,
                                                                         review_table.c.source == "review"))
            attempt = s.scalar(select(func.max(exam_attempts.c.started_at)).where(exam_attempts.c.learner == self.learner))
            found = [t for t in (review, attempt) if t is not None]
            return max(found) if found else None

    def review_log(self, deck: str | None = None) -> Iterator[tuple[str, ReviewEntry]]:
        """Every review of this learner (card name, entry), by card then time, streamed."""
        with self.atomic() as s:
            stmt = (select(*review_table.c, cards.c.deck_id.label("deck_name"), cards.c.card_id.label("card_name"))
                    .join(cards, cards.c.key == review_table.c.card_key).where(review_table.c.learner == self.learner))
            if deck is not None:
                stmt = stmt.where(cards.c.deck_id == deck)
            stmt = stmt.order_by(review_table.c.card_key, review_table.c.reviewed_at, review_table.c.id)
            for row in s.execute(stmt, execution_options={"yield_per": 5000}):
                yield f"{row.deck_name}/{row.card_name}", review_entry(row)

    def review_history(self, shift_seconds: int, deck: str | None = None) -> Iterator[tuple[int, int, int, str]]:
        """Every answer of this learner as (card key, rating, learner day, source), by card
        then time, streamed; the day is computed in SQL as in ``review_days`` (for the
        optimizer: no review-log JSON is decoded). One query, read from the covering index
        ``ix_reviews_learner_card_answers`` alone, in its order; the rows come in batches
        and are tuple-like (unpack them)."""
        with self.atomic() as s:
            day = self._day(review_table.c.reviewed_at, shift_seconds)
            stmt = select(review_table.c.card_key, review_table.c.rating, day, review_table.c.source).where(review_table.c.learner == self.learner)
            if deck is not None:
                stmt = stmt.where(review_table.c.card_key.in_(select(cards.c.key).where(cards.c.deck_id == deck)))
            stmt = stmt.order_by(review_table.c.card_key, review_table.c.reviewed_at, review_table.c.id)
            for rows in s.execute(stmt, execution_options={"yield_per": 20_000}).partitions():
                yield from rows

    def memories(self, keys: Sequence[int], chunk: int = 5_000) -> dict[int, MemoryState]:
        """The stored states of these cards (cards never touched have none)."""
        out: dict[int, MemoryState] = {}
        with self.atomic() as connection:
            states = card_states
            for i in range(0, len(keys), chunk):
                part = list(keys[i:i + chunk])
                rows = connection.execute(select(states.c.card_key, *(states.c[n] for n in STATE_COLUMNS))
                                          .where(states.c.learner == self.learner, states.c.card_key.in_(part)))
                for row in rows:
                    out[int(row[0])] = memory_of(tuple(row)[1:])
        return out

    def reviews_of(self, keys: Sequence[int], chunk: int = 5_000) -> dict[int, list[ReviewEntry]]:
        """The review log of these cards, each in order."""
        out: dict[int, list[ReviewEntry]] = {}
        with self.atomic() as s:
            for i in range(0, len(keys), chunk):
                part = list(keys[i:i + chunk])
                rows = s.execute(select(review_table).where(review_table.c.learner == self.learner, review_table.c.card_key.in_(part))
                                 .order_by(review_table.c.card_key, review_table.c.reviewed_at, review_table.c.id))
                for r in rows:
                    out.setdefault(r.card_key, []).append(review_entry(r))
        return out

    def write_history(self, states: Sequence[tuple[int, MemoryState]],
                      added: Sequence[tuple[int, int, datetime, int, str, MemoryState | None, MemoryState]],
                      replayed: Sequence[tuple[int, MemoryState | None, MemoryState]], chunk: int = 5_000) -> None:
        """Merged histories: each card's new state (replacing its old one), the review-log
        rows to add (card key, rating, time, duration ms, source, before, after), and the
        rows already there whose before/after a replay of the merged log changed (id,
        before, after). One transaction."""
        with self.atomic(write=True) as connection:
            states_table = card_states
            keys = [key for key, _ in states]
            for i in range(0, len(keys), chunk):
                connection.execute(delete(states_table).where(states_table.c.learner == self.learner,
                                                              states_table.c.card_key.in_(keys[i:i + chunk])))
            insert_rows(connection, states_table, [{"learner": self.learner, "card_key": key, **state_values(memory)}
                                                   for key, memory in states])
            insert_rows(connection, review_table, [self._log_row(key, rating, when, ms, source, before, after)
                                                       for key, rating, when, ms, source, before, after in added])
            for review_id, before, after in replayed:
                connection.execute(update(review_table).where(review_table.c.id == review_id).values(
                    state_before=int(before.state) if before else int(NEW),
                    before=before.to_dict() if before else None, after=after.to_dict(), stability=after.stability))


__all__ = ["ReviewQueries"]
