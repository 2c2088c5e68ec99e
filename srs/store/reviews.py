"""Answers: the learner's card states and the review log (write, undo, read, bulk load)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, cast, delete, false, func, insert, select, update

from srs.model import NEW, CardKind, MemoryState, ReviewEntry
from srs.store.base import STATE_COLUMNS, StoreBase, memory_of, review_entry, state_values
from srs.store.models import Card, CardState, ExamAnswer, ExamAttempt, Review


class ReviewQueries(StoreBase):
    def _log_row(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                 before: MemoryState | None, after: MemoryState) -> dict[str, Any]:
        return {"learner": self.learner, "card_key": key, "rating": int(rating), "reviewed_at": when,
                "duration_ms": duration_ms, "source": source, "state_before": int(before.state) if before else int(NEW),
                "before": before.to_dict() if before else None, "after": after.to_dict()}

    def save_state(self, key: int, memory: MemoryState) -> None:
        with self.atomic(write=True) as s:
            row = s.get(CardState, (self.learner, key))
            values = state_values(memory)
            if row is None:
                s.add(CardState(learner=self.learner, card_key=key, **values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)

    def record_review(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                      before: MemoryState | None, after: MemoryState) -> int:
        """Write the new state and append the log row, in one transaction. Returns the row id."""
        with self.atomic(write=True) as s:
            self.save_state(key, after)
            row = Review(**self._log_row(key, rating, when, duration_ms, source, before, after))
            s.add(row)
            s.flush()
            return row.id

    def apply_review(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                     compute: Callable[[MemoryState], MemoryState]) -> tuple[int, MemoryState | None, MemoryState]:
        """Answer a card against its *current* stored state: inside one write transaction
        (the row locked), read the state, let ``compute`` give the next one, write it and
        append the log row. Two processes answering the same card can't lose an update.
        Returns (review id, state before or None for a card never studied, state after)."""
        return self._retrying(lambda: self._apply_review(key, rating, when, duration_ms, source, compute))

    def _apply_review(self, key: int, rating: int, when: datetime, duration_ms: int, source: str,
                      compute: Callable[[MemoryState], MemoryState]) -> tuple[int, MemoryState | None, MemoryState]:
        # the hot path of a review session: three Core statements in one transaction
        states = CardState.__table__
        mine = and_(states.c.learner == self.learner, states.c.card_key == key)
        with self.atomic(write=True) as s:
            connection = s.connection()
            stmt = select(*(states.c[name] for name in STATE_COLUMNS)).where(mine)
            if connection.dialect.name != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds the write lock
                stmt = stmt.with_for_update()
            row = connection.execute(stmt).first()
            before = memory_of(row) if row is not None else None
            after = compute(before or MemoryState())
            values = state_values(after)
            if row is None:
                connection.execute(insert(states).values(learner=self.learner, card_key=key, **values))
            else:
                connection.execute(update(states).where(mine).values(**values))
            result = connection.execute(insert(Review.__table__).values(
                **self._log_row(key, rating, when, duration_ms, source, before, after)))
            return int(result.inserted_primary_key[0]), before, after

    def restore_state(self, key: int, memory: MemoryState | None) -> None:
        """Put a card's state back as it was (None: the learner had no state for it)."""
        with self.atomic(write=True) as s:
            if memory is None:
                s.execute(delete(CardState).where(CardState.learner == self.learner, CardState.card_key == key))
            else:
                self.save_state(key, memory)

    def undo_review(self, review_id: int) -> ReviewEntry | None:
        """Remove a review row and restore the card's state from before it."""
        with self.atomic(write=True) as s:
            row = s.get(Review, review_id)
            if row is None or row.learner != self.learner:
                return None
            entry = review_entry(row)
            if row.before is None:
                s.execute(delete(CardState).where(CardState.learner == self.learner,
                                                  CardState.card_key == row.card_key))
            else:
                self.save_state(row.card_key, MemoryState.from_dict(row.before))
            s.delete(row)
            return entry

    def latest_activity(self) -> datetime | None:
        """The latest moment this learner worked at: their last review answer or the start of
        their last exam (the "now" of the command that wrote it)."""
        with self.atomic() as s:
            review = s.scalar(select(func.max(Review.reviewed_at)).where(Review.learner == self.learner,
                                                                         Review.source == "review"))
            attempt = s.scalar(select(func.max(ExamAttempt.started_at)).where(ExamAttempt.learner == self.learner))
            found = [t for t in (review, attempt) if t is not None]
            return max(found) if found else None

    def card_reviews(self, key: int) -> list[ReviewEntry]:
        with self.atomic() as s:
            rows = s.scalars(select(Review).where(Review.learner == self.learner, Review.card_key == key)
                             .order_by(Review.reviewed_at, Review.id))
            return [review_entry(r) for r in rows]

    def review_log(self, deck: str | None = None) -> Iterator[tuple[str, ReviewEntry]]:
        """Every review of this learner (card name, entry), by card then time, streamed."""
        with self.atomic() as s:
            stmt = (select(Review, Card.deck_id, Card.card_id).join(Card, Card.key == Review.card_key)
                    .where(Review.learner == self.learner))
            if deck is not None:
                stmt = stmt.where(Card.deck_id == deck)
            stmt = stmt.order_by(Review.card_key, Review.reviewed_at, Review.id)
            for row, deck_id, card_id in s.execute(stmt).yield_per(5000):
                yield f"{deck_id}/{card_id}", review_entry(row)

    def review_history(self, shift_seconds: int, deck: str | None = None) -> Iterator[tuple[int, int, int, str]]:
        """Every answer of this learner as (card key, rating, learner day, source), by card
        then time, streamed; the day is computed in SQL as in ``review_days`` (for the
        optimizer: no review-log JSON is decoded). One query, read from the covering index
        ``ix_reviews_learner_card_history`` alone, in its order; the rows come in batches
        and are tuple-like (unpack them)."""
        with self.atomic() as s:
            day = self._day(Review.reviewed_at, shift_seconds)
            stmt = select(Review.card_key, Review.rating, day, Review.source).where(Review.learner == self.learner)
            if deck is not None:
                stmt = stmt.where(Review.card_key.in_(select(Card.key).where(Card.deck_id == deck)))
            stmt = stmt.order_by(Review.card_key, Review.reviewed_at, Review.id)
            for rows in s.connection().execution_options(yield_per=20_000).execute(stmt).partitions():
                yield from rows

    def forecast_evidence(self, deck: str) -> tuple[list[tuple[int, float, int, str, float | None]],
                                                    list[tuple[int, float, bool]]]:
        """What the readiness forecast learns from, for this learner and the deck's live
        multiple-choice cards: every review-log entry as (card key, epoch seconds, rating,
        source, FSRS stability after) and every answered exam question as (card key, epoch
        seconds the attempt ended, right?), each by card then time."""
        with self.atomic() as s:
            mc = select(Card.key).where(Card.deck_id == deck, Card.kind == CardKind.MC.value, Card.retired == false())
            stability = Review.after["stability"].as_float()
            reviews = s.execute(select(Review.card_key, cast(self._epoch(Review.reviewed_at), Float), Review.rating,
                                       Review.source, stability).where(
                Review.learner == self.learner, Review.card_key.in_(mc)).order_by(
                Review.card_key, Review.reviewed_at, Review.id))
            review_rows = [(int(k), float(t), int(r), src, None if st is None else float(st))
                           for k, t, r, src, st in reviews]
            answers = s.execute(select(ExamAnswer.card_key, cast(self._epoch(ExamAttempt.finished_at), Float),
                                       ExamAnswer.correct).join(ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id)
                                .where(ExamAttempt.learner == self.learner, ExamAttempt.deck_id == deck,
                                       ExamAnswer.chosen.is_not(None), ExamAnswer.card_key.in_(mc))
                                .order_by(ExamAnswer.card_key, ExamAttempt.finished_at))
            return review_rows, [(int(k), float(t), bool(c)) for k, t, c in answers]

    def bulk_load(self, states: Iterable[tuple[int, MemoryState]],
                  reviews: Iterable[tuple[int, int, datetime, int, MemoryState | None, MemoryState]],
                  chunk: int = 20_000) -> None:
        """Write many card states and review-log rows at once (simulated learners,
        benchmarks): (card key, state) and (card key, rating, time, duration ms, before, after)."""
        with self.atomic(write=True) as s:
            connection = s.connection()
            batch: list[dict[str, Any]] = []
            for key, memory in states:
                batch.append({"learner": self.learner, "card_key": key, **state_values(memory)})
                if len(batch) >= chunk:
                    connection.execute(CardState.__table__.insert(), batch)
                    batch = []
            if batch:
                connection.execute(CardState.__table__.insert(), batch)
            batch = []
            for key, rating, when, duration_ms, before, after in reviews:
                batch.append(self._log_row(key, rating, when, duration_ms, "review", before, after))
                if len(batch) >= chunk:
                    connection.execute(Review.__table__.insert(), batch)
                    batch = []
            if batch:
                connection.execute(Review.__table__.insert(), batch)


__all__ = ["ReviewQueries"]
