"""What the worker processes of one server share about a learner's work in progress: mock
exams being sat in the browser (srs.sittings: one row each, read under a lock and written
back by the request that changes it, so any worker carries the exam on), and the latest
review answer (a worker's review session in memory is current only while it matches)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from srs.model import ReviewEntry, StudyCard
from srs.store.base import StoreBase, plain_select, review_entry, study_card
from srs.store.models import cards, exam_attempts, reviews, running_exams


class RunningExamQueries(StoreBase):
    def add_running_exam(self, values: dict[str, Any]) -> None:
        with self.atomic(write=True) as s:
            s.execute(insert(running_exams).values(learner=self.learner, **values))

    def running_exam(self, exam_id: str, lock: bool = False) -> dict[str, Any] | None:
        """The learner's running exam ``exam_id`` as column values; ``lock``: the row is held
        (SELECT … FOR UPDATE; SQLite's write transaction holds the whole database) until the
        transaction ends, so two requests for one exam take turns."""
        with self.atomic(write=lock) as s:
            stmt = select(running_exams).where(running_exams.c.id == exam_id, running_exams.c.learner == self.learner)
            row = s.execute(stmt.with_for_update() if lock else stmt).first()
            return dict(row._mapping) if row is not None else None

    def update_running_exam(self, exam_id: str, **values: Any) -> None:
        with self.atomic(write=True) as s:
            s.execute(update(running_exams).where(running_exams.c.id == exam_id,
                                                  running_exams.c.learner == self.learner).values(**values))

    def drop_running_exams(self, exam_ids: Sequence[str]) -> None:
        if exam_ids:
            with self.atomic(write=True) as s:
                s.execute(delete(running_exams).where(running_exams.c.id.in_(list(exam_ids)),
                                                      running_exams.c.learner == self.learner))

    def running_exams(self) -> list[tuple[str, datetime | None, datetime, bool]]:
        """The learner's kept exams, oldest first: (id, deadline, last touched, handed in)."""
        with self.atomic() as s:
            rows = s.execute(select(running_exams.c.id, running_exams.c.deadline, running_exams.c.touched,
                                    running_exams.c.attempt_id).where(running_exams.c.learner == self.learner)
                             .order_by(running_exams.c.timer_started, running_exams.c.id))
            return [(i, deadline, touched, attempt is not None) for i, deadline, touched, attempt in rows]

    def cards_by_key(self, keys: Sequence[int]) -> dict[int, StudyCard]:
        """Cards (retired ones too) with this learner's state, by key."""
        with self.atomic() as s:
            stmt = self._with_state(plain_select().select_from(cards)).where(cards.c.key.in_(list(keys)))
            return {card.key: card for card in map(study_card, s.execute(stmt))}

    def attempt_id(self, number: int) -> int | None:
        """The row id of the learner's attempt ``number``."""
        with self.atomic() as s:
            ids = list(s.scalars(self._attempt_ids()))
            return ids[number - 1] if 1 <= number <= len(ids) else None

    def attempt_number(self, attempt_id: int) -> int | None:
        """The number (among the learner's attempts) of the attempt with row id ``attempt_id``."""
        with self.atomic() as s:
            ids = list(s.scalars(self._attempt_ids()))
            return ids.index(attempt_id) + 1 if attempt_id in ids else None

    def last_review_id(self) -> int | None:
        """The id of the learner's latest review-log row: how a worker process of the server
        tells that its review session in memory missed an answer given through another."""
        with self.atomic() as s:
            return s.scalar(select(func.max(reviews.c.id)).where(reviews.c.learner == self.learner))

    def latest_review(self) -> ReviewEntry | None:
        """The learner's latest review-log row (a verdict another worker process showed)."""
        with self.atomic() as s:
            row = s.execute(select(reviews).where(reviews.c.learner == self.learner)
                            .order_by(reviews.c.id.desc()).limit(1)).first()
            return review_entry(row) if row is not None else None

    def _attempt_ids(self):
        return select(exam_attempts.c.id).where(exam_attempts.c.learner == self.learner).order_by(
            exam_attempts.c.started_at, exam_attempts.c.id)


__all__ = ["RunningExamQueries"]
