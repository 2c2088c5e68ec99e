"""What every part of the store shares: transactions (all-or-nothing, retried when the
engine asks), database errors turned into user errors, and the pieces of SQL that the
queries repeat (live cards of a deck or tag, a learner's state joined to its card, the
"not suspended, not buried" condition, plain rows → records)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (Connection, CursorResult, Engine, Integer, Select, and_, case, cast, event, false, func, null,
                        or_, select, true)
from sqlalchemy.exc import DBAPIError, OperationalError

from srs.errors import UserError
from srs.model import CardKind, MemoryState, ReviewEntry, State, StudyCard
from srs.rules import PASSING_RATING
from srs.store.models import card_states, card_tags, cards, reviews

#: SQLite's unixepoch() came in 3.38 (2022); Python may be linked to an older one
SQLITE_HAS_UNIXEPOCH = sqlite3.sqlite_version_info >= (3, 38)

T = TypeVar("T")

#: the columns of a learner's memory state, in MemoryState's order
STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses",
                 "suspended", "buried_until", "leech")
CARD_COLUMNS = ("key", "deck_id", "card_id", "kind", "question", "answer", "choices", "explanation",
                "wrong_feedback", "tags", "position")


class DatabaseError(UserError):
    """The database refused or failed a step (locked, read-only, full, unreachable); the
    step's transaction was rolled back. The original error is ``__cause__``."""


def state_values(memory: MemoryState) -> dict[str, Any]:
    """A memory state as card_states column values."""
    values = {name: getattr(memory, name) for name in STATE_COLUMNS}
    values["state"] = int(memory.state)
    return values


#: a stored state's State by a dict look-up (the enum's call costs more, once per answer)
STATES = {state.value: state for state in State}


def memory_of(values: Any) -> MemoryState:
    """A memory state from state column values in STATE_COLUMNS order."""
    state, *rest = values
    return MemoryState(STATES.get(state) or State(state), *rest)


def plain_select(with_state: bool = True) -> Select:
    """Card columns and state columns as plain rows.
    Without ``with_state``, the card columns and a NULL for "has_state" (no join needed)."""
    if not with_state:
        return select(*(cards.c[n] for n in CARD_COLUMNS), null().label("has_state"))
    return select(*(cards.c[n] for n in CARD_COLUMNS),
                  card_states.c.card_key.label("has_state"),
                  *(card_states.c[n].label(f"s_{n}") for n in STATE_COLUMNS))


_NEW_MEMORY = MemoryState()  # frozen: one shared by every card never studied
#: a stored kind's CardKind by a dict look-up (quicker than the enum's call, per card of a big read)
CARD_KINDS = {kind.value: kind for kind in CardKind}


def study_card(row: Any) -> StudyCard:
    """A row of ``plain_select()`` as a record."""
    (key, deck_id, card_id, kind, question, answer, choices, explanation, wrong_feedback, tags, position,
     has_state, *state) = row
    return StudyCard(key=key, deck_id=deck_id, card_id=card_id, kind=CARD_KINDS.get(kind) or CardKind(kind),
                     question=question, answer=answer, choices=tuple(choices) if choices is not None else None,
                     explanation=explanation, wrong_feedback=wrong_feedback, tags=tuple(tags or ()),
                     memory=memory_of(state) if has_state is not None else _NEW_MEMORY,
                     has_state=has_state is not None, position=position)


def answered_right() -> Any:
    """``srs.rules.answered_right`` of a review-log row in SQL, as 1 or 0: what was answered
    where the row holds it (``correct``), else its rating."""
    log = reviews.c
    return case((log.correct.is_(None), case((log.rating >= PASSING_RATING, 1), else_=0)),
                (log.correct == true(), 1), else_=0)


def review_entry(row: Any) -> ReviewEntry:
    """A row of the review log (its columns by name) as a record."""
    return ReviewEntry(
        id=row.id, card_key=row.card_key, rating=row.rating, reviewed_at=row.reviewed_at,
        duration_ms=row.duration_ms, source=row.source, state_before=State(row.state_before), correct=row.correct,
        before=MemoryState.from_dict(row.before) if row.before is not None else None,
        after=MemoryState.from_dict(row.after),
    )


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key an insert of one row made."""
    key = result.inserted_primary_key
    assert key is not None, "an insert of one row"
    return int(key[0])


def available(now: datetime):
    """Not suspended and not buried at ``now``."""
    return and_(card_states.c.suspended == false(),
                or_(card_states.c.buried_until.is_(None), card_states.c.buried_until <= now))


def _retryable(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(word in text for word in ("deadlock", "could not serialize", "database is locked", "busy"))


class StoreBase:
    """One learner's view of a database. Every method is one short transaction, unless
    called inside ``atomic()``, which makes a group of them all-or-nothing."""

    def __init__(self, engine: Engine, learner: str) -> None:
        self.engine = engine
        self.learner = learner
        self._connection: Connection | None = None
        self._depth = 0
        self._writer: Engine | None = None  # the engine with srs_write set (its pool is the engine's)

    # ------------------------------------------------------------ transactions
    @contextmanager
    def atomic(self, write: bool = False) -> Iterator[Connection]:
        """A transaction on one connection; nested calls join the outer one. ``write`` takes
        the write lock up front (SQLite's BEGIN IMMEDIATE). A database error rolls it back
        and becomes a ``DatabaseError`` (one line for the user)."""
        if self._depth:
            self._depth += 1
            try:
                yield self._connection  # type: ignore[misc]
            finally:
                self._depth -= 1
            return
        try:
            if write:  # srs_write is read by the engine's "begin" hook (set once, not per transaction)
                if self._writer is None or self._writer.pool is not self.engine.pool:
                    self._writer = self.engine.execution_options(srs_write=True)
                connection = self._writer.connect()
            else:
                connection = self.engine.connect()
        except DBAPIError as exc:
            raise self._database_error(exc) from exc
        self._connection, self._depth = connection, 1
        try:
            with connection.begin():  # commits at the end, rolls back on any exception
                yield connection
        except DBAPIError as exc:
            raise self._database_error(exc) from exc
        finally:
            self._connection, self._depth = None, 0
            connection.close()

    def _database_error(self, exc: DBAPIError) -> DatabaseError:
        from srs.store.engine import database_message, describe

        return DatabaseError(database_message(exc, describe(str(self.engine.url))))

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A write transaction for the hot path of an answer: ``atomic(write=True)``'s
        connection (the lock up front, rollback, one-line error; store methods called inside
        join it), for statements run on the driver's cursor (``Prepared``)."""
        with self.atomic(write=True) as connection:
            yield connection

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def checkpoints_held(self) -> Iterator[None]:
        """An interactive session's answers never wait for SQLite's write-ahead log to be copied
        into the database: this process's connections make no automatic checkpoint (one every
        1,000 pages written: copying the log and syncing the file, the slowest answers of a
        session) until the block ends, which checkpoints what it wrote. Other engines: as is."""
        assert not self._depth, "checkpoints_held() outside any transaction (its pool is made again)"
        if self.engine.dialect.name != "sqlite":
            yield
            return

        def hold(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA wal_autocheckpoint = 0")

        event.listen(self.engine, "connect", hold)
        self.engine.dispose()  # (no transaction is open: the pool's connections are made again, holding)
        try:
            yield
        finally:
            event.remove(self.engine, "connect", hold)
            self.engine.dispose()
            try:
                with self.engine.connect() as connection:  # passive: it waits for no one
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except DBAPIError:  # pragma: no cover - the next writer checkpoints as ever
                pass

    def _retrying(self, work: Callable[[], T]) -> T:
        """Run a whole transaction again when the engine asks for it (a deadlock or a
        serialization failure on PostgreSQL, a busy snapshot on SQLite)."""
        for attempt in range(5):
            try:
                return work()
            except DatabaseError as exc:
                cause = exc.__cause__
                if self._depth or attempt == 4 or not isinstance(cause, OperationalError) or not _retryable(cause):
                    raise
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------ shared pieces of SQL
    def _with_state(self, stmt: Select) -> Select:
        """``stmt`` over cards, with this learner's state (NULLs for a card never studied)."""
        return stmt.outerjoin(card_states, and_(card_states.c.card_key == cards.c.key, card_states.c.learner == self.learner))

    @staticmethod
    def _filtered(stmt: Select, deck: str | None, tag: str | None) -> Select:
        """Live cards only, of ``deck`` and with ``tag`` when given."""
        stmt = stmt.where(cards.c.retired == false())
        if deck is not None:
            stmt = stmt.where(cards.c.deck_id == deck)
        if tag is not None:
            stmt = stmt.where(cards.c.key.in_(select(card_tags.c.card_key).where(card_tags.c.tag == tag)))
        return stmt

    def _studied(self, stmt: Select, deck: str | None, tag: str | None) -> Select:
        """``stmt`` over this learner's unsuspended card states joined to their live cards
        (driven by the state table's due index)."""
        return self._filtered(stmt.select_from(card_states).join(cards, cards.c.key == card_states.c.card_key),
                              deck, tag).where(card_states.c.learner == self.learner, card_states.c.suspended == false())

    def _epoch(self, column):
        """Seconds since 1970-01-01 UTC of a stored (UTC) timestamp column, as a number."""
        if self.engine.dialect.name == "sqlite":
            return (func.julianday(column) - 2440587.5) * 86400.0
        return func.extract("epoch", column)

    def _day(self, column, shift_seconds: int):
        """The learner's day number of a UTC timestamp column:
        floor((epoch seconds + shift_seconds) / 86400), where ``shift_seconds`` is the local
        offset minus the hour the day starts (see ``srs.clock.LearnerDay.shift_seconds``)."""
        if self.engine.dialect.name == "sqlite":
            # whole seconds: unixepoch() where SQLite has it (3.38), a third faster over a
            # million rows than strftime('%s'), which gives the same; SQLite's integer
            # division truncates, which is the floor for every time after 1970
            seconds = (func.unixepoch(column) if SQLITE_HAS_UNIXEPOCH
                       else cast(func.strftime("%s", column), Integer))
            return cast((seconds + shift_seconds) / 86400, Integer)
        return cast(func.floor((func.extract("epoch", column) + shift_seconds) / 86400), Integer)


__all__ = ["CARD_KINDS", "DatabaseError", "StoreBase", "STATE_COLUMNS", "available", "inserted_id", "memory_of",
           "plain_select", "review_entry", "state_values", "study_card"]
