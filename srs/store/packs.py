"""What the readiness forecast reads of the store: the review log of a deck's cards as
columns, kept packed per block of card keys (``review_packs``, migration 0014), and the
answered exam questions.

A pack is a cache of its block's rows of ``reviews``, right for every row up to the
learner's ``review_packs_seen`` id; an answer writes nothing for it (its row's id is larger):
the forecast finds the rows added since by their ids (a range of the primary key) and the
blocks they fall in are stale. Triggers drop a block's pack where a row is changed or
deleted (an undo, a merge's replay, a card deleted) or inserted at an id already seen. The
stale packs are written again before the forecast reads, in one write transaction, so that a
pack never misses a row committed before it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import compress
from operator import itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import Float, Integer, Text, and_, case, cast, delete, false, func, insert, select, text

from srs.model import CardKind
from srs.rules import KEY_FACTOR, code_key, review_code
from srs.store.base import DatabaseError, StoreBase, answered_right
from srs.store.driver import compiled_sql, insert_rows
from srs.store.models import cards, exam_answers, exam_attempts, review_packs, review_packs_seen
from srs.store.models import reviews as review_table

if TYPE_CHECKING:
    from numpy.typing import NDArray


class ReviewColumns(NamedTuple):
    """The review log of a deck's live multiple-choice cards as arrays, by card, time and id."""

    code: NDArray[Any]               # srs.rules.review_code: card key, rating, right, from an exam
    at: NDArray[Any]                 # epoch seconds
    stability: NDArray[Any]          # FSRS stability after, NaN for none


class ExamColumns(NamedTuple):
    """The answered exam questions of a deck's live multiple-choice cards, by card and time."""

    key: NDArray[Any]                # card key
    ended: NDArray[Any]              # epoch seconds the attempt ended
    right: NDArray[Any]              # bool


#: card keys whose review-log rows are read per statement (bounds the texts)
REVIEW_KEYS_AT_ONCE = 20_000
#: card keys (or blocks) per statement where they are listed (IN), not a range
LISTED_AT_ONCE = 2_000
#: card keys per pack: block = key // PACK_CARDS (migration 0014's triggers divide by the same)
PACK_CARDS = 32
#: review rows added since a learner's packs were written (other learners' among them) past
#: which the forecast takes the write lock to mark them seen, even with no pack to write
MANY_ADDED = 20_000

#: a pack as read and written: (block, codes as uint16: key offset * 16 + the code's low
#: part, times as float64, stabilities as float64), the numbers little-endian
Pack = tuple[int, bytes, bytes, bytes]


class PackQueries(StoreBase):
    _added = 0  # rows of the log added since the learner's packs were written, as the last read found
    def forecast_columns(self, deck: str, keys: Sequence[int] | None = None) -> tuple[ReviewColumns, ExamColumns]:
        """What the readiness forecast learns from, as arrays, without a Python object per
        value: the review log (``ReviewColumns``; its code is ``srs.rules.review_code``: card
        key, rating, right as ``answered_right``, from an exam) and the answered exam questions
        (``ExamColumns``). ``keys``: the deck's live multiple-choice cards, when the caller has
        them (``exam_cards``): not read again. The log comes from the packs of the cards'
        blocks; those missing are written first (in a write transaction; where none can be
        taken, read from the log and not kept)."""
        import numpy as np  # only readiness needs it: not every command that opens the store

        with self.atomic() as connection:
            if keys is None:
                mc = and_(cards.c.deck_id == deck, cards.c.kind == CardKind.MC.value, cards.c.retired == false())
                keys = [k for k, in connection.exec_driver_sql(*compiled_sql(select(cards.c.key).where(mc),
                                                                             connection)).cursor.fetchall()]
            wanted = np.array(keys, dtype=np.int64).reshape(-1)
            if len(wanted) and not np.all(wanted[1:] > wanted[:-1]):
                wanted = np.unique(wanted)
            if not len(wanted):
                return (ReviewColumns(np.zeros(0, np.int64), np.zeros(0), np.zeros(0)),
                        ExamColumns(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool)))
            blocks = np.unique(wanted // PACK_CARDS)
            _, stale, _ = self._packs(connection, blocks, data=False)
            # others' rows since read too many times over: the write below moves the mark past them
            behind = self._added > MANY_ADDED
            if (not len(stale) and not behind) or self._depth > 1:  # inside a caller's transaction: keep nothing
                packs, stale, _ = self._packs(connection, blocks)
                return self._read(connection, deck, wanted, packs, stale)
        try:
            with self.atomic(write=True) as connection:
                if connection.dialect.name == "postgresql":  # answers wait: none commits a row unseen here
                    connection.execute(text("LOCK TABLE reviews IN SHARE ROW EXCLUSIVE MODE"))
                packs, stale, newer = self._packs(connection, blocks)
                return self._read(connection, deck, wanted, packs, stale, newer)
        except DatabaseError:  # no write lock to be had (a read-only database, a long lock): read only
            with self.atomic() as connection:
                packs, stale, _ = self._packs(connection, blocks)
                return self._read(connection, deck, wanted, packs, stale)

    def _read(self, connection, deck: str, wanted, packs: list[Pack], stale,
              newer: Any = None) -> tuple[ReviewColumns, ExamColumns]:
        """The columns of the ``wanted`` cards from ``packs`` and the ``stale`` blocks' rows
        of the log. With ``newer`` (the blocks of every row added since the packs were
        written; the caller holds the write lock) the stale packs are written and the rest
        of ``newer`` dropped, and every id so far is seen."""
        import numpy as np

        built = self._built(connection, stale)
        if newer is not None:
            p = review_packs.c
            gone = np.union1d(stale, newer).tolist()
            for start in range(0, len(gone), LISTED_AT_ONCE):
                connection.execute(delete(review_packs).where(p.learner == self.learner,
                                                              p.block.in_(gone[start:start + LISTED_AT_ONCE])))
            insert_rows(connection, review_packs, [
                {"learner": self.learner, "block": block, "code": code, "at": at, "stability": stability}
                for block, code, at, stability in built])
            top = connection.execute(select(func.max(review_table.c.id))).scalar()
            seen = review_packs_seen.c
            connection.execute(delete(review_packs_seen).where(seen.learner == self.learner))
            connection.execute(insert(review_packs_seen).values(learner=self.learner, seen=top or 0))
        if built:
            packs = sorted(packs + built, key=itemgetter(0))
        blocks = np.fromiter(map(itemgetter(0), packs), dtype=np.int64, count=len(packs))
        counts = np.fromiter((len(p[1]) // 2 for p in packs), dtype=np.int64, count=len(packs))
        code = np.frombuffer(b"".join(map(itemgetter(1), packs)), dtype="<u2").astype(np.int64)
        at = np.frombuffer(b"".join(map(itemgetter(2), packs)), dtype="<f8").astype(float)
        stability = np.frombuffer(b"".join(map(itemgetter(3), packs)), dtype="<f8").astype(float)
        if not len(code) == len(at) == len(stability) == counts.sum():
            raise AssertionError("a review pack does not parse")
        key = np.repeat(blocks * PACK_CARDS, counts) + code // KEY_FACTOR
        lo, hi = int(wanted[0]), int(wanted[-1])
        mine = (key >= lo) & (key <= hi) if hi - lo + 1 == len(wanted) else np.isin(key, wanted)
        code = key * KEY_FACTOR + code % KEY_FACTOR
        reviews = ReviewColumns(code, at, stability) if mine.all() else ReviewColumns(code[mine], at[mine],
                                                                                     stability[mine])
        return reviews, self._exam_columns(connection, deck)

    def _packs(self, connection, blocks, data: bool = True) -> tuple[list[Pack], Any, Any]:
        """The packs of ``blocks`` (sorted, distinct) that are right, by block (without
        ``data``: none, only which they are); the blocks whose pack is missing or stale; the
        blocks of every row of the learner's log added since the packs were written (all of
        them stale where among ``blocks``)."""
        import numpy as np

        seen = connection.execute(select(review_packs_seen.c.seen).where(
            review_packs_seen.c.learner == self.learner)).scalar()
        self._added = 0
        if seen is None:  # no pack written yet
            return [], blocks, np.zeros(0, np.int64)
        # every learner's rows added since: a range of the primary key (with the learner in the
        # condition SQLite would scan the learner's whole log in an index instead)
        log = review_table.c
        added = connection.exec_driver_sql(*compiled_sql(select(log.card_key, log.learner).where(log.id > seen),
                                                         connection)).cursor.fetchall()
        self._added = len(added)
        newer = np.unique(np.array([key for key, learner in added if learner == self.learner],
                                   dtype=np.int64) // PACK_CARDS)
        p = review_packs.c
        found: list[Pack] = []
        for which in _key_filters(p.block, blocks):
            columns = (p.block, p.code, p.at, p.stability) if data else (p.block,)
            stmt = select(*columns).where(p.learner == self.learner, which).order_by(p.block)
            found += connection.exec_driver_sql(*compiled_sql(stmt, connection)).cursor.fetchall()
        have = np.fromiter(map(itemgetter(0), found), dtype=np.int64, count=len(found))
        mine = np.isin(have, blocks) & ~np.isin(have, newer)
        if not mine.all():  # a range: blocks of other decks' cards among; or stale
            found, have = list(compress(found, mine.tolist())), have[mine]
        return found if data else [], np.setdiff1d(blocks, have, assume_unique=True), newer

    def _built(self, connection, stale) -> list[Pack]:
        """The packs of the ``stale`` blocks (sorted, distinct), read from the log, by block."""
        import numpy as np

        if not len(stale):
            return []
        keys = (stale[:, None] * PACK_CARDS + np.arange(PACK_CARDS)[None, :]).reshape(-1)
        parts = [self._packed_reviews(connection, which) for which in _key_filters(review_table.c.card_key, keys)]
        codes, at, stability = (np.concatenate(column) for column in zip(*parts, strict=True))
        block = code_key(codes) // PACK_CARDS
        mine = np.isin(block, stale)
        codes, at, stability, block = codes[mine], at[mine], stability[mine], block[mine]
        bounds = np.searchsorted(block, np.append(stale, stale[-1] + 1)).tolist()
        small = (code_key(codes) % PACK_CARDS * KEY_FACTOR + codes % KEY_FACTOR).astype("<u2")
        at, stability = at.astype("<f8"), stability.astype("<f8")
        return [(block, small[lo:hi].tobytes(), at[lo:hi].tobytes(), stability[lo:hi].tobytes())
                for block, lo, hi in zip(stale.tolist(), bounds[:-1], bounds[1:], strict=True)]

    def _exam_columns(self, connection, deck: str) -> ExamColumns:
        import numpy as np

        k, t, c = zip(*answers, strict=True) if (answers := self._exam_evidence(connection, deck)) else ((), (), ())
        return ExamColumns(np.array(k, dtype=np.int64), np.array(t, dtype=float), np.array(c, dtype=bool))

    def _exam_evidence(self, s, deck: str) -> list[tuple[int, float, bool]]:
        mc = select(cards.c.key).where(cards.c.deck_id == deck, cards.c.kind == CardKind.MC.value, cards.c.retired == false())
        answers = s.execute(select(exam_answers.c.card_key, cast(self._epoch(exam_attempts.c.finished_at), Float),
                                   exam_answers.c.correct).join(exam_attempts, exam_attempts.c.id == exam_answers.c.attempt_id)
                            .where(exam_attempts.c.learner == self.learner, exam_attempts.c.deck_id == deck,
                                   exam_answers.c.chosen.is_not(None), exam_answers.c.card_key.in_(mc))
                            .order_by(exam_answers.c.card_key, exam_attempts.c.finished_at))
        return [(int(k), float(t), bool(c)) for k, t, c in answers]

    def _packed_reviews(self, connection, keys: Any) -> tuple[Any, Any, Any]:
        """The (code, epoch seconds, stability or NaN) columns of the log rows of the card keys
        ``keys`` selects (a range may hold other decks' rows: the caller drops them), by card,
        time and id. One range scan of the (learner, card, time, id, rating, source, stability,
        correct) index; each column comes back as one comma-separated text, aggregated in the
        index's order, and is parsed by numpy: a row per review costs more in the driver than
        the SQL (~1 µs each, a million of them). Codes and times are exact; on SQLite a
        stability comes in whole ten-thousandths of a day (within 4.3 seconds of the stored
        value: an integer costs a third of a REAL's 15 digits to write and a tenth to parse);
        PostgreSQL's text is exact."""
        import numpy as np

        sqlite = connection.dialect.name == "sqlite"
        log = review_table.c
        code = review_code(log.card_key, log.rating, answered_right(), case((log.source == "exam", 1), else_=0))
        if sqlite:
            # julianday's own integer milliseconds (exact: well below 2**53, off by < 0.1 before
            # rounding); turned into epoch seconds below with the arithmetic of ``_epoch``
            when = cast(func.julianday(log.reviewed_at) * 86400000.0 + 0.5, Integer)
        else:
            when = cast(self._epoch(log.reviewed_at), Float)
        logged = func.coalesce(log.stability, -1.0)  # never negative: -1 marks NULL
        stability: Any = cast(func.round(logged * 10000.0), Integer) if sqlite else logged
        mine = and_(log.learner == self.learner, keys)
        order = (log.card_key, log.reviewed_at, log.id)
        if sqlite:
            # SQLite before 3.44 has no ORDER BY inside group_concat: it concatenates the rows in
            # the order the subquery yields them (SQLite keeps a FROM subquery's ORDER BY when the
            # outer query aggregates with anything but count, min or max)
            rows = select(code.label("code"), when.label("at"), stability.label("stability")).where(mine) \
                .order_by(*order).subquery()
            stmt = select(func.count(), *(func.aggregate_strings(rows.c[name], ",")
                                          for name in ("code", "at", "stability")))
        else:
            stmt = select(func.count(), *(func.aggregate_strings(cast(value, Text), ",").aggregate_order_by(*order)
                                          for value in (code, when, stability))).where(mine)
        count, *texts = connection.exec_driver_sql(*compiled_sql(stmt, connection)).cursor.fetchone()
        if not count:
            return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
        codes, at, stabilities = (np.fromstring(text, dtype=dtype, sep=",")
                                  for text, dtype in zip(texts, (np.int64, np.int64 if sqlite else float,
                                                                 np.int64 if sqlite else float), strict=True))
        if not len(codes) == len(at) == len(stabilities) == count:
            raise AssertionError("the review log's packed columns do not parse")
        if sqlite:
            at = (at / 86400000.0 - 2440587.5) * 86400.0
            stabilities = stabilities / 10000.0
        stabilities[stabilities < 0] = np.nan
        return codes, at, stabilities


def _key_filters(column: Any, keys) -> Iterator[Any]:
    """Conditions on ``column`` that together select the card keys ``keys`` (sorted, distinct;
    others among them where a range is cheaper than a list): ranges of ``REVIEW_KEYS_AT_ONCE``
    keys where ``keys`` fill most of their span (a deck imported at once), else lists."""
    lo, hi = int(keys[0]), int(keys[-1])
    if hi - lo + 1 <= 2 * len(keys):
        for start in range(lo, hi + 1, REVIEW_KEYS_AT_ONCE):
            yield and_(column >= start, column <= min(hi, start + REVIEW_KEYS_AT_ONCE - 1))
    else:
        listed = keys.tolist()
        for start in range(0, len(listed), LISTED_AT_ONCE):
            yield column.in_(listed[start:start + LISTED_AT_ONCE])


__all__ = ["ExamColumns", "PackQueries", "ReviewColumns"]
