"""The store: every query srs makes. The only module that speaks SQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import pairwise
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import (
    Engine,
    Float,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

T = TypeVar("T")

from srs.records import LEARNING, NEW, RELEARNING, REVIEW, MemoryState, ReviewEntry, StudyCard
from srs.store.models import Card, CardState, CardTag, Deck, ExamAnswer, ExamAttempt, Review, Setting


@dataclass(frozen=True)
class DeckSummary:
    id: str
    name: str
    cards: int
    new: int
    learning: int
    review: int
    due: int
    suspended: int
    exam: bool


class ExamCard(NamedTuple):
    """A multiple-choice card with one learner's memory state as plain numbers (times in
    seconds since 1970 UTC): what readiness needs of every question of an exam deck. A
    tuple, so that 100,000 of them load quickly."""

    key: int
    deck_id: str
    card_id: str
    choices: int
    state: int                  # NEW for a card never studied
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float | None
    last_review: float | None
    reps: int = 0
    lapses: int = 0

    @property
    def name(self) -> str:
        return f"{self.deck_id}/{self.card_id}"

    def memory(self) -> MemoryState:
        def at(seconds: float | None) -> datetime | None:
            return None if seconds is None else datetime.fromtimestamp(round(seconds, 3), timezone.utc)

        return MemoryState(state=self.state, step=self.step, stability=self.stability, difficulty=self.difficulty,
                           due=at(self.due), last_review=at(self.last_review), reps=self.reps, lapses=self.lapses)


_STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
                  "suspended", "buried_until", "leech")


def _memory(row: CardState | None) -> MemoryState:
    if row is None:
        return MemoryState()
    return MemoryState(**{name: getattr(row, name) for name in _STATE_COLUMNS})


_CARD_COLUMNS = ("key", "deck_id", "card_id", "kind", "question", "answer", "choices", "explanation",
                 "wrong_feedback", "tags", "position")


def _plain_select():
    """Card columns and state columns as plain rows (no ORM objects: much faster in bulk)."""
    return select(*(Card.__table__.c[n] for n in _CARD_COLUMNS),
                  CardState.card_key.label("has_state"),
                  *(CardState.__table__.c[n].label(f"s_{n}") for n in _STATE_COLUMNS))


def _study_row(row) -> StudyCard:
    (key, deck_id, card_id, kind, question, answer, choices, explanation, wrong_feedback, tags, position,
     has_state, *state) = row
    memory = MemoryState(*state) if has_state is not None else MemoryState()
    return StudyCard(key=key, deck_id=deck_id, card_id=card_id, kind=kind, question=question, answer=answer,
                     choices=tuple(choices) if choices is not None else None, explanation=explanation,
                     wrong_feedback=wrong_feedback, tags=tuple(tags or ()), memory=memory,
                     has_state=has_state is not None, position=position)


def _study(card: Card, state: CardState | None) -> StudyCard:
    return StudyCard(
        key=card.key, deck_id=card.deck_id, card_id=card.card_id, kind=card.kind, question=card.question,
        answer=card.answer, choices=tuple(card.choices) if card.choices is not None else None,
        explanation=card.explanation, wrong_feedback=card.wrong_feedback, tags=tuple(card.tags or ()),
        memory=_memory(state), has_state=state is not None, position=card.position,
    )


class Store:
    """One learner's view of a database. Every method is one short transaction, unless
    called inside ``atomic()``, which makes a group of them all-or-nothing."""

    def __init__(self, engine: Engine, learner: str) -> None:
        self.engine = engine
        self.learner = learner
        self._session: Session | None = None
        self._depth = 0

    # ------------------------------------------------------------ transactions
    @contextmanager
    def atomic(self, write: bool = False) -> Iterator[Session]:
        if self._depth:
            self._depth += 1
            try:
                yield self._session  # type: ignore[misc]
            finally:
                self._depth -= 1
            return
        session = Session(self.engine, expire_on_commit=False, autoflush=True)
        if write:
            session.connection(execution_options={"srs_write": True})
        self._session, self._depth = session, 1
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            self._session, self._depth = None, 0

    def close(self) -> None:
        self.engine.dispose()

    def _retrying(self, work: Callable[[], T]) -> T:
        """Run a whole transaction again when the engine asks for it (a deadlock or a
        serialization failure on PostgreSQL, a busy snapshot on SQLite)."""
        for attempt in range(5):
            try:
                return work()
            except OperationalError as exc:
                if self._depth or attempt == 4 or not _retryable(exc):
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------ decks and cards (content)
    def deck(self, deck_id: str) -> Deck | None:
        with self.atomic() as s:
            return s.get(Deck, deck_id)

    def decks(self) -> list[Deck]:
        with self.atomic() as s:
            return list(s.scalars(select(Deck).order_by(Deck.id)))

    def save_deck(self, deck_id: str, **values: Any) -> Deck:
        with self.atomic(write=True) as s:
            row = s.get(Deck, deck_id)
            if row is None:
                row = Deck(id=deck_id, **values)
                s.add(row)
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            s.flush()
            return row

    def deck_cards(self, deck_id: str) -> dict[str, Card]:
        """Every card of a deck, retired ones too, by card id (for the importer)."""
        with self.atomic() as s:
            return {c.card_id: c for c in s.scalars(select(Card).where(Card.deck_id == deck_id))}

    def add_cards(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert many cards (with their tags) in bulk."""
        if not rows:
            return
        with self.atomic(write=True) as s:
            connection = s.connection()  # Core executemany: no ORM bookkeeping for bulk rows
            connection.execute(insert(Card.__table__), [dict(r) for r in rows])
            deck_ids = {r["deck_id"] for r in rows}
            keys = dict(((d, c), k) for d, c, k in s.execute(
                select(Card.deck_id, Card.card_id, Card.key).where(Card.deck_id.in_(deck_ids))))
            tags = [{"card_key": keys[(r["deck_id"], r["card_id"])], "tag": tag}
                    for r in rows for tag in dict.fromkeys(r.get("tags") or [])]
            if tags:
                connection.execute(insert(CardTag.__table__), tags)

    def update_card(self, key: int, **values: Any) -> None:
        with self.atomic(write=True) as s:
            s.execute(update(Card).where(Card.key == key).values(**values))
            if "tags" in values:
                self._set_tags(s, key, values["tags"])

    @staticmethod
    def _set_tags(s: Session, key: int, tags: Sequence[str]) -> None:
        s.execute(delete(CardTag).where(CardTag.card_key == key))
        for tag in dict.fromkeys(tags):
            s.add(CardTag(card_key=key, tag=tag))

    def retire_cards(self, keys: Sequence[int], when: datetime) -> None:
        if keys:
            with self.atomic(write=True) as s:
                s.execute(update(Card).where(Card.key.in_(keys)).values(retired=True, updated_at=when))

    def find_card(self, deck_id: str, card_id: str) -> StudyCard | None:
        with self.atomic() as s:
            row = s.execute(
                self._with_state(select(Card, CardState)).where(
                    Card.deck_id == deck_id, Card.card_id == card_id, Card.retired == false())
            ).first()
            return _study(row[0], row[1]) if row else None

    def card(self, key: int) -> StudyCard | None:
        with self.atomic() as s:
            row = s.execute(self._with_state(select(Card, CardState)).where(Card.key == key)).first()
            return _study(row[0], row[1]) if row else None

    # ------------------------------------------------------------ per-learner state
    def _with_state(self, stmt: Select) -> Select:
        return stmt.outerjoin(CardState, and_(CardState.card_key == Card.key, CardState.learner == self.learner))

    def _filtered(self, stmt: Select, deck: str | None, tag: str | None) -> Select:
        stmt = stmt.where(Card.retired == false())
        if deck is not None:
            stmt = stmt.where(Card.deck_id == deck)
        if tag is not None:
            stmt = stmt.where(Card.key.in_(select(CardTag.card_key).where(CardTag.tag == tag)))
        return stmt

    @staticmethod
    def _available(now: datetime):
        return and_(CardState.suspended == false(),
                    or_(CardState.buried_until.is_(None), CardState.buried_until <= now))

    def cards(self, deck: str | None = None, tag: str | None = None, due_before: datetime | None = None,
              now: datetime | None = None) -> list[StudyCard]:
        """Cards with their state, in deck order; with ``due_before``, only those due by then."""
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(_plain_select().select_from(Card)), deck, tag)
            if due_before is not None:
                stmt = stmt.where(CardState.state != NEW, CardState.due <= due_before,
                                  self._available(now or due_before))
            stmt = stmt.order_by(Card.deck_id, Card.position)
            return [_study_row(row) for row in s.connection().execute(stmt)]

    def export_cards(self, deck: str | None = None) -> Iterator[tuple[StudyCard, datetime]]:
        """Live cards with this learner's state and when their content last changed, streamed."""
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(select(Card, CardState)), deck, None)
            for card, state in s.execute(stmt.order_by(Card.deck_id, Card.position)).yield_per(2000):
                yield _study(card, state), card.updated_at

    def mc_cards(self, deck: str) -> list[StudyCard]:
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(_plain_select().select_from(Card)), deck, None)
            stmt = stmt.where(Card.kind == "mc").order_by(Card.position)
            return [_study_row(row) for row in s.connection().execute(stmt)]

    def due_learning(self, now: datetime, until: datetime, deck: str | None, tag: str | None,
                     limit: int) -> list[StudyCard]:
        """Learning and relearning cards due by ``until``, earliest first (one index-ordered
        scan per state, merged)."""
        with self.atomic() as s:
            found: list[StudyCard] = []
            for state in (LEARNING, RELEARNING):
                stmt = self._filtered(select(Card, CardState).select_from(CardState).join(
                    Card, Card.key == CardState.card_key), deck, tag)
                stmt = stmt.where(CardState.learner == self.learner, CardState.suspended == false(),
                                  CardState.state == state, CardState.due <= until,
                                  or_(CardState.buried_until.is_(None), CardState.buried_until <= now))
                found += [_study(c, st) for c, st in s.execute(stmt.order_by(CardState.due).limit(limit))]
            found.sort(key=lambda c: c.memory.due)  # type: ignore[arg-type, return-value]
            return found[:limit]

    def due_reviews(self, now: datetime, until: datetime, deck: str | None, tag: str | None,
                    limit: int) -> list[StudyCard]:
        """Review cards due before ``until``, most overdue first."""
        with self.atomic() as s:
            stmt = self._filtered(select(Card, CardState).select_from(CardState).join(
                Card, Card.key == CardState.card_key), deck, tag).where(CardState.learner == self.learner,
                                                                        CardState.suspended == false())
            stmt = stmt.where(CardState.state == REVIEW, CardState.due < until,
                              self._available(now)).order_by(CardState.due, Card.key).limit(limit)
            return [_study(c, st) for c, st in s.execute(stmt)]

    def new_cards(self, now: datetime, deck: str | None, tag: str | None, limit: int) -> list[StudyCard]:
        """Cards this learner has never studied, in deck order."""
        if limit <= 0:
            return []
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(select(Card, CardState)), deck, tag)
            stmt = stmt.where(or_(CardState.card_key.is_(None),
                                  and_(CardState.state == NEW, self._available(now))))
            stmt = stmt.order_by(Card.deck_id, Card.position).limit(limit)
            return [_study(c, st) for c, st in s.execute(stmt)]

    def next_due(self, after: datetime, deck: str | None, tag: str | None) -> datetime | None:
        """When the next learning or review card falls due (the earliest due of each state,
        each found by one index seek)."""
        with self.atomic() as s:
            firsts = []
            for state in (LEARNING, REVIEW, RELEARNING):
                stmt = self._filtered(select(CardState.due).select_from(CardState).join(
                    Card, Card.key == CardState.card_key), deck, tag)
                stmt = stmt.where(CardState.learner == self.learner, CardState.suspended == false(),
                                  CardState.state == state).order_by(CardState.due).limit(1)
                first = s.scalar(stmt)
                if first is not None:
                    firsts.append(first)
            return min(firsts) if firsts else None

    def count_due(self, now: datetime, learning_until: datetime, reviews_before: datetime, deck: str | None,
                  tag: str | None, cap: int = 100_000) -> tuple[int, int]:
        """(learning cards due by ``learning_until``, review cards due before ``reviews_before``),
        each counted up to ``cap`` along the due index."""
        with self.atomic() as s:
            counts = []
            for states, until, strict in (((LEARNING, RELEARNING), learning_until, False),
                                          ((REVIEW,), reviews_before, True)):
                inner = self._filtered(select(CardState.card_key).select_from(CardState).join(
                    Card, Card.key == CardState.card_key), deck, tag)
                inner = inner.where(CardState.learner == self.learner, CardState.suspended == false(),
                                    CardState.state.in_(states),
                                    CardState.due < until if strict else CardState.due <= until,
                                    or_(CardState.buried_until.is_(None), CardState.buried_until <= now))
                counts.append(int(s.scalar(select(func.count()).select_from(inner.limit(cap).subquery())) or 0))
            return counts[0], counts[1]

    def count_new(self, now: datetime, deck: str | None, tag: str | None) -> int:
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(select(func.count()).select_from(Card)), deck, tag)
            stmt = stmt.where(or_(CardState.card_key.is_(None), and_(CardState.state == NEW, self._available(now))))
            return s.scalar(stmt) or 0

    def reviews_since(self, since: datetime, source: str = "review") -> tuple[int, int]:
        """(new cards introduced, review-state cards answered) by this learner since ``since``."""
        with self.atomic() as s:
            row = s.execute(
                select(func.count(func.distinct(case((Review.state_before == NEW, Review.card_key)))),
                       func.count(case((Review.state_before == REVIEW, 1))))
                .where(Review.learner == self.learner, Review.reviewed_at >= since, Review.source == source)
            ).one()
            return int(row[0] or 0), int(row[1] or 0)

    def save_state(self, key: int, memory: MemoryState) -> None:
        with self.atomic(write=True) as s:
            row = s.get(CardState, (self.learner, key))
            values = {name: getattr(memory, name) for name in _STATE_COLUMNS}
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
            row = Review(learner=self.learner, card_key=key, rating=rating, reviewed_at=when,
                         duration_ms=duration_ms, source=source,
                         state_before=(before.state if before else NEW),
                         before=before.to_dict() if before else None, after=after.to_dict())
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
        states, reviews = CardState.__table__, Review.__table__
        mine = and_(states.c.learner == self.learner, states.c.card_key == key)
        with self.atomic(write=True) as s:
            connection = s.connection()
            stmt = select(*(states.c[name] for name in _STATE_COLUMNS)).where(mine)
            if connection.dialect.name != "sqlite":  # SQLite: BEGIN IMMEDIATE already holds the write lock
                stmt = stmt.with_for_update()
            row = connection.execute(stmt).first()
            before = MemoryState(**dict(zip(_STATE_COLUMNS, row))) if row is not None else None
            after = compute(before or MemoryState())
            values = {name: getattr(after, name) for name in _STATE_COLUMNS}
            if row is None:
                connection.execute(insert(states).values(learner=self.learner, card_key=key, **values))
            else:
                connection.execute(update(states).where(mine).values(**values))
            result = connection.execute(insert(reviews).values(
                learner=self.learner, card_key=key, rating=rating, reviewed_at=when, duration_ms=duration_ms,
                source=source, state_before=before.state if before else NEW,
                before=before.to_dict() if before else None, after=after.to_dict()))
            return int(result.inserted_primary_key[0]), before, after

    def undo_review(self, review_id: int) -> ReviewEntry | None:
        """Remove a review row and restore the card's state from before it."""
        with self.atomic(write=True) as s:
            row = s.get(Review, review_id)
            if row is None or row.learner != self.learner:
                return None
            entry = _entry(row)
            if row.before is None:
                s.execute(delete(CardState).where(CardState.learner == self.learner,
                                                  CardState.card_key == row.card_key))
            else:
                self.save_state(row.card_key, MemoryState.from_dict(row.before))
            s.delete(row)
            return entry

    def card_reviews(self, key: int) -> list[ReviewEntry]:
        with self.atomic() as s:
            rows = s.scalars(select(Review).where(Review.learner == self.learner, Review.card_key == key)
                             .order_by(Review.reviewed_at, Review.id))
            return [_entry(r) for r in rows]

    def review_log(self, deck: str | None = None) -> Iterator[tuple[str, ReviewEntry]]:
        """Every review of this learner (card name, entry), by card then time, streamed."""
        with self.atomic() as s:
            stmt = (select(Review, Card.deck_id, Card.card_id).join(Card, Card.key == Review.card_key)
                    .where(Review.learner == self.learner))
            if deck is not None:
                stmt = stmt.where(Card.deck_id == deck)
            stmt = stmt.order_by(Review.card_key, Review.reviewed_at, Review.id)
            for row, deck_id, card_id in s.execute(stmt).yield_per(5000):
                yield f"{deck_id}/{card_id}", _entry(row)

    def deck_summaries(self, now: datetime) -> list[DeckSummary]:
        """Per deck counts, aggregated in SQL."""
        with self.atomic() as s:
            available = and_(CardState.suspended == false(),
                             or_(CardState.buried_until.is_(None), CardState.buried_until <= now))
            is_new = or_(CardState.card_key.is_(None), CardState.state == NEW)
            stmt = (
                select(
                    Deck.id, Deck.name, Deck.exam_enabled,
                    func.count(Card.key),
                    func.count(case((is_new, 1))),
                    func.count(case((CardState.state.in_((LEARNING, RELEARNING)), 1))),
                    func.count(case((CardState.state == REVIEW, 1))),
                    func.count(case((and_(CardState.state != NEW, CardState.due <= now, available), 1))),
                    func.count(case((CardState.suspended.is_(True), 1))),
                )
                .select_from(Deck)
                .outerjoin(Card, and_(Card.deck_id == Deck.id, Card.retired == false()))
                .outerjoin(CardState, and_(CardState.card_key == Card.key, CardState.learner == self.learner))
                .group_by(Deck.id, Deck.name, Deck.exam_enabled)
                .order_by(Deck.id)
            )
            return [DeckSummary(id=r[0], name=r[1], exam=bool(r[2]), cards=r[3], new=r[4], learning=r[5],
                                review=r[6], due=r[7], suspended=r[8]) for r in s.execute(stmt)]

    def bulk_load(self, states: Iterable[tuple[int, MemoryState]],
                  reviews: Iterable[tuple[int, int, datetime, int, MemoryState | None, MemoryState]],
                  chunk: int = 20_000) -> None:
        """Write many card states and review-log rows at once (simulated learners,
        benchmarks): (card key, state) and (card key, rating, time, duration ms, before, after)."""
        state_table, review_table = CardState.__table__, Review.__table__
        with self.atomic(write=True) as s:
            batch: list[dict[str, Any]] = []
            for key, memory in states:
                batch.append({"learner": self.learner, "card_key": key,
                              **{name: getattr(memory, name) for name in _STATE_COLUMNS}})
                if len(batch) >= chunk:
                    s.connection().execute(state_table.insert(), batch)
                    batch = []
            if batch:
                s.connection().execute(state_table.insert(), batch)
            batch = []
            for key, rating, when, duration_ms, before, after in reviews:
                batch.append({"learner": self.learner, "card_key": key, "rating": rating, "reviewed_at": when,
                              "duration_ms": duration_ms, "source": "review",
                              "state_before": before.state if before else NEW,
                              "before": before.to_dict() if before else None, "after": after.to_dict()})
                if len(batch) >= chunk:
                    s.connection().execute(review_table.insert(), batch)
                    batch = []
            if batch:
                s.connection().execute(review_table.insert(), batch)

    # ------------------------------------------------------------ statistics (aggregated in SQL)
    def _epoch(self, column):
        """Seconds since 1970-01-01 UTC of a stored (UTC) timestamp column, as a number."""
        if self.engine.dialect.name == "sqlite":
            return (func.julianday(column) - 2440587.5) * 86400.0
        return func.extract("epoch", column)

    def _day(self, column, shift_seconds: int):
        """The learner's day number of a UTC timestamp column:
        floor((epoch seconds + shift_seconds) / 86400), where ``shift_seconds`` is the local
        offset minus the hour the day starts (see ``srs.stats.shift_seconds``)."""
        if self.engine.dialect.name == "sqlite":
            # strftime('%s') is whole seconds; SQLite's integer division truncates, which is
            # the floor for every time after 1970
            return cast((cast(func.strftime("%s", column), Integer) + shift_seconds) / 86400, Integer)
        return cast(func.floor((func.extract("epoch", column) + shift_seconds) / 86400), Integer)

    def review_days(self, since: datetime, shift_seconds: int, deck: str | None = None,
                    before: datetime | None = None) -> list[tuple[int, int, int]]:
        """(day, reviews, milliseconds spent) per learner day from ``since`` (until ``before``),
        grouped in SQL over the (learner, reviewed_at, ...) covering index."""
        with self.atomic() as s:
            day = self._day(Review.reviewed_at, shift_seconds).label("day")
            stmt = select(day, func.count(), func.coalesce(func.sum(Review.duration_ms), 0)).where(
                Review.learner == self.learner, Review.reviewed_at >= since)
            if before is not None:
                stmt = stmt.where(Review.reviewed_at < before)
            if deck is not None:
                stmt = stmt.join(Card, Card.key == Review.card_key).where(Card.deck_id == deck)
            return [(int(d), int(n), int(ms)) for d, n, ms in s.execute(stmt.group_by(day).order_by(day))]

    def review_presence(self, edges: Sequence[datetime], deck: str | None = None) -> list[bool]:
        """For ascending ``edges``: whether this learner reviewed anything in each interval
        [edges[j], edges[j+1]). One statement of index probes (EXISTS ... per interval), so
        long streaks are checked without counting every review."""
        if len(edges) < 2:
            return []
        with self.atomic() as s:
            probes = []
            for lo, hi in pairwise(edges):
                probe = select(Review.id).where(Review.learner == self.learner, Review.reviewed_at >= lo,
                                                Review.reviewed_at < hi)
                if deck is not None:
                    probe = probe.join(Card, Card.key == Review.card_key).where(Card.deck_id == deck)
                probes.append(probe.exists())
            return [bool(v) for v in s.execute(select(*probes)).one()]

    def retention(self, since: datetime, deck: str | None = None) -> tuple[int, int]:
        """(passing answers, answers) on cards in review state since ``since``: true retention
        (a pass is any rating but Again)."""
        with self.atomic() as s:
            stmt = select(func.count(case((Review.rating >= 2, 1))), func.count()).where(
                Review.learner == self.learner, Review.reviewed_at >= since, Review.state_before == REVIEW)
            if deck is not None:
                stmt = stmt.join(Card, Card.key == Review.card_key).where(Card.deck_id == deck)
            passed, total = s.execute(stmt).one()
            return int(passed or 0), int(total or 0)

    def due_days(self, start: datetime, end: datetime, shift_seconds: int,
                 deck: str | None = None) -> list[tuple[int, int]]:
        """(day, cards falling due) for studied, unsuspended live cards due before ``end``;
        cards already due before ``start`` are counted on ``start``'s day. Two range scans
        of the due index per state: a count of the overdue, a GROUP BY day of the rest."""
        with self.atomic() as s:
            def scoped(stmt: Select) -> Select:
                return self._filtered(stmt.select_from(CardState).join(Card, Card.key == CardState.card_key),
                                      deck, None).where(CardState.learner == self.learner,
                                                        CardState.suspended == false(),
                                                        CardState.state.in_((LEARNING, REVIEW, RELEARNING)))

            if deck is None:
                # every studied card's state, read from the due index alone, less the retired
                # cards' (few): no join over the whole overdue backlog
                mine = and_(CardState.learner == self.learner, CardState.suspended == false(),
                            CardState.state.in_((LEARNING, REVIEW, RELEARNING)), CardState.due < start)
                retired = select(func.count()).select_from(Card).where(
                    Card.retired == true(), select(CardState.card_key).where(CardState.card_key == Card.key, mine)
                    .exists())
                overdue = (s.scalar(select(func.count()).select_from(CardState).where(mine)) or 0) - (
                    s.scalar(retired) or 0)
            else:
                overdue = s.scalar(scoped(select(func.count())).where(CardState.due < start)) or 0
            day = self._day(CardState.due, shift_seconds).label("day")
            stmt = scoped(select(day, func.count())).where(CardState.due >= start, CardState.due < end)
            counts = {int(d): int(n) for d, n in s.execute(stmt.group_by(day))}
            if overdue:
                first = (int(start.timestamp()) + shift_seconds) // 86400
                counts[first] = counts.get(first, 0) + int(overdue)
            return sorted(counts.items())

    def state_counts(self, deck: str | None = None) -> dict[int, int]:
        """Live cards by state (NEW for never studied) and suspended (key -1)."""
        with self.atomic() as s:
            state = func.coalesce(CardState.state, NEW).label("state")
            stmt = self._filtered(self._with_state(select(state, func.count()).select_from(Card)), deck, None)
            counts = {int(k): int(n) for k, n in s.execute(stmt.group_by(state))}
            stmt = self._filtered(self._with_state(select(func.count()).select_from(Card)), deck, None)
            counts[-1] = int(s.scalar(stmt.where(CardState.suspended == true())) or 0)
            return counts

    def exam_cards(self, deck: str) -> list[ExamCard]:
        """The deck's live multiple-choice cards with this learner's memory state, as plain
        numbers (times in epoch seconds): what readiness needs, without loading card text."""
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(select(
                Card.key, Card.deck_id, Card.card_id, func.coalesce(func.json_array_length(Card.choices), 0),
                func.coalesce(CardState.state, NEW), CardState.step, CardState.stability, CardState.difficulty,
                cast(self._epoch(CardState.due), Float), cast(self._epoch(CardState.last_review), Float),
                func.coalesce(CardState.reps, 0), func.coalesce(CardState.lapses, 0),
            ).select_from(Card)), deck, None).where(Card.kind == "mc").order_by(Card.position, Card.key)
            return list(map(ExamCard._make, s.connection().execute(stmt)))

    def forecast_evidence(self, deck: str) -> tuple[list[tuple[int, float, int, str, float | None]],
                                                    list[tuple[int, float, bool]]]:
        """What the readiness forecast learns from, for this learner and the deck's live
        multiple-choice cards: every review-log entry as (card key, epoch seconds, rating,
        source, FSRS stability after) and every answered exam question as (card key, epoch
        seconds the attempt ended, right?), each by card then time."""
        with self.atomic() as s:
            mc = select(Card.key).where(Card.deck_id == deck, Card.kind == "mc", Card.retired == false())
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

    def forecast_outcomes(self, deck: str) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
        """The forecasts made before this learner's attempts on the deck, with what happened:
        (chance forecast for the question, answered right?) for every exam answer that has
        one, and (pass probability forecast, passed?) for every attempt that has one."""
        with self.atomic() as s:
            answers = s.execute(select(ExamAnswer.forecast, ExamAnswer.correct).join(
                ExamAttempt, ExamAttempt.id == ExamAnswer.attempt_id).where(
                ExamAttempt.learner == self.learner, ExamAttempt.deck_id == deck, ExamAnswer.forecast.is_not(None)))
            attempts = s.execute(select(ExamAttempt.forecast, ExamAttempt.passed).where(
                ExamAttempt.learner == self.learner, ExamAttempt.deck_id == deck, ExamAttempt.forecast.is_not(None)))
            return ([(float(p), bool(y)) for p, y in answers], [(float(p), bool(y)) for p, y in attempts])

    def review_history(self, shift_seconds: int, deck: str | None = None) -> Iterator[tuple[int, int, int, str]]:
        """Every answer of this learner as (card key, rating, learner day, source), by card
        then time, streamed; the day is computed in SQL as in ``review_days`` (for the
        optimizer: no review-log JSON is decoded)."""
        with self.atomic() as s:
            day = self._day(Review.reviewed_at, shift_seconds)
            stmt = select(Review.card_key, Review.rating, day, Review.source).where(Review.learner == self.learner)
            if deck is not None:
                stmt = stmt.join(Card, Card.key == Review.card_key).where(Card.deck_id == deck)
            stmt = stmt.order_by(Review.card_key, Review.reviewed_at, Review.id)
            for key, rating, d, source in s.connection().execution_options(yield_per=20_000).execute(stmt):
                yield int(key), int(rating), int(d), source

    def cram_candidates(self, now: datetime, not_before: datetime, on: datetime, factor_days: float,
                        deck: str | None, tag: str | None, limit: int) -> list[StudyCard]:
        """Review cards not due before ``not_before`` whose recall on ``on`` falls below a
        target: whole days from the last review to ``on`` > stability × ``factor_days`` (FSRS's
        forgetting curve, counted in whole days as fsrs does). Lowest recall on ``on`` first,
        at most ``limit`` (a range scan of the due index, a top-``limit`` sort)."""
        if limit <= 0:
            return []
        with self.atomic() as s:
            seconds = on.timestamp() - self._epoch(CardState.last_review)
            if self.engine.dialect.name == "sqlite":
                elapsed = cast(seconds / 86400, Integer)  # truncation = floor: never negative here
            else:
                elapsed = func.floor(seconds / 86400)
            ratio = elapsed / CardState.stability
            stmt = self._filtered(select(Card, CardState).select_from(CardState).join(
                Card, Card.key == CardState.card_key), deck, tag).where(
                CardState.learner == self.learner, CardState.suspended == false(), CardState.state == REVIEW,
                CardState.due >= not_before, CardState.stability > 0, CardState.last_review <= on,
                ratio > factor_days, or_(CardState.buried_until.is_(None), CardState.buried_until <= now))
            stmt = stmt.order_by(ratio.desc(), CardState.due, Card.key).limit(limit)
            return [_study(c, st) for c, st in s.execute(stmt)]

    # ------------------------------------------------------------ settings
    def settings(self, deck: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """(global values, the deck's values) as stored text."""
        with self.atomic() as s:
            rows = s.execute(select(Setting.deck_id, Setting.key, Setting.value).where(
                Setting.learner == self.learner, Setting.deck_id.in_(["", deck or ""])))
            glob: dict[str, str] = {}
            per_deck: dict[str, str] = {}
            for deck_id, key, value in rows:
                (per_deck if deck_id else glob)[key] = value
            return glob, per_deck

    def set_setting(self, key: str, value: str, deck: str | None = None) -> None:
        with self.atomic(write=True) as s:
            row = s.get(Setting, (self.learner, deck or "", key))
            if row is None:
                s.add(Setting(learner=self.learner, deck_id=deck or "", key=key, value=value))
            else:
                row.value = value

    # ------------------------------------------------------------ exam attempts
    def save_attempt(self, values: dict[str, Any], answers: Sequence[dict[str, Any]]) -> int:
        with self.atomic(write=True) as s:
            attempt = ExamAttempt(learner=self.learner, **values)
            s.add(attempt)
            s.flush()
            for answer in answers:
                s.add(ExamAnswer(attempt_id=attempt.id, **answer))
            return attempt.id

    def attempts(self, deck: str | None = None) -> list[ExamAttempt]:
        with self.atomic() as s:
            stmt = select(ExamAttempt).where(ExamAttempt.learner == self.learner)
            if deck is not None:
                stmt = stmt.where(ExamAttempt.deck_id == deck)
            return list(s.scalars(stmt.order_by(ExamAttempt.started_at, ExamAttempt.id)))

    def attempt(self, attempt_id: int) -> tuple[ExamAttempt, list[tuple[ExamAnswer, StudyCard]]] | None:
        with self.atomic() as s:
            attempt = s.get(ExamAttempt, attempt_id)
            if attempt is None or attempt.learner != self.learner:
                return None
            rows = s.execute(self._with_state(select(ExamAnswer, Card, CardState).join(
                Card, Card.key == ExamAnswer.card_key)).where(ExamAnswer.attempt_id == attempt_id)
                .order_by(ExamAnswer.position))
            return attempt, [(a, _study(c, st)) for a, c, st in rows]



def _retryable(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(word in text for word in ("deadlock", "could not serialize", "database is locked", "busy"))


def _entry(row: Review) -> ReviewEntry:
    return ReviewEntry(
        id=row.id, card_key=row.card_key, rating=row.rating, reviewed_at=row.reviewed_at,
        duration_ms=row.duration_ms, source=row.source, state_before=row.state_before,
        before=MemoryState.from_dict(row.before) if row.before is not None else None,
        after=MemoryState.from_dict(row.after),
    )


__all__ = ["DeckSummary", "ExamCard", "Store"]
