"""Accounts, signed-in sessions, failed sign-ins, and what a teacher reads of the whole
class (the only queries that read every learner's rows)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    Integer,
    case,
    cast,
    delete,
    distinct,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from srs.errors import UserError
from srs.model import Account, Missed
from srs.store.base import StoreBase
from srs.store.models import (
    card_states,
    cards,
    exam_answers,
    exam_attempts,
    reviews,
    running_exams,
    settings,
    sign_in_failures,
    users,
    web_sessions,
)


def _account(row) -> Account:
    return Account(row.name, bool(row.teacher), row.created_at, row.password_hash)


class UserQueries(StoreBase):
    # ------------------------------------------------------------ accounts
    def add_user(self, name: str, password_hash: str, teacher: bool, now: datetime) -> None:
        try:
            with self.atomic(write=True) as s:
                if s.execute(select(users.c.name).where(users.c.name == name)).first() is not None:
                    raise UserError(f"user {name!r} exists already (srs user passwd {name} changes the password)")
                s.execute(insert(users).values(name=name, password_hash=password_hash, teacher=teacher,
                                               created_at=now))
        except IntegrityError:  # added by another process between the check and the insert
            raise UserError(f"user {name!r} exists already") from None

    def user(self, name: str) -> Account | None:
        with self.atomic() as s:
            row = s.execute(select(users).where(users.c.name == name)).first()
            return _account(row) if row is not None else None

    def users(self) -> list[Account]:
        with self.atomic() as s:
            return [_account(r) for r in s.execute(select(users).order_by(users.c.name))]

    def has_users(self) -> bool:
        with self.atomic() as s:
            return s.execute(select(users.c.name).limit(1)).first() is not None

    def set_password(self, name: str, password_hash: str) -> bool:
        """A new password; every session of the user ends. False: no such user."""
        with self.atomic(write=True) as s:
            if not s.execute(update(users).where(users.c.name == name).values(password_hash=password_hash)).rowcount:
                return False
            s.execute(delete(web_sessions).where(web_sessions.c.user_name == name))
            return True

    def remove_user(self, name: str, purge: bool) -> bool:
        """Remove the account and its sessions; with ``purge`` also its learner's progress
        (states, review log, settings, attempts). False: no such user."""
        with self.atomic(write=True) as s:
            s.execute(delete(web_sessions).where(web_sessions.c.user_name == name))
            if not s.execute(delete(users).where(users.c.name == name)).rowcount:
                return False
            if purge:
                mine = select(exam_attempts.c.id).where(exam_attempts.c.learner == name)
                s.execute(delete(exam_answers).where(exam_answers.c.attempt_id.in_(mine)))
                for table in (running_exams, exam_attempts, reviews, card_states, settings):
                    s.execute(delete(table).where(table.c.learner == name))
            return True

    # ------------------------------------------------------------ sessions
    def start_session(self, digest: str, name: str, now: datetime, expires: datetime) -> None:
        """A signed-in session, by the SHA-256 of its id; expired sessions are dropped."""
        with self.atomic(write=True) as s:
            s.execute(delete(web_sessions).where(web_sessions.c.expires_at <= now))
            s.execute(insert(web_sessions).values(id=digest, user_name=name, created_at=now, expires_at=expires))

    def session_account(self, digest: str, now: datetime) -> Account | None:
        """The account signed in with the session, while it has not expired."""
        with self.atomic() as s:
            row = s.execute(select(users).join(web_sessions, web_sessions.c.user_name == users.c.name).where(
                web_sessions.c.id == digest, web_sessions.c.expires_at > now)).first()
            return _account(row) if row is not None else None

    def end_session(self, digest: str) -> None:
        with self.atomic(write=True) as s:
            s.execute(delete(web_sessions).where(web_sessions.c.id == digest))

    # ------------------------------------------------------------ failed sign-ins
    def failures_since(self, subjects: Sequence[str], since: datetime) -> dict[str, int]:
        with self.atomic() as s:
            rows = s.execute(select(sign_in_failures.c.subject, func.count()).where(
                sign_in_failures.c.subject.in_(list(subjects)), sign_in_failures.c.at > since).group_by(
                sign_in_failures.c.subject))
            found: dict[str, int] = {subject: count for subject, count in rows.all()}
            return {subject: found.get(subject, 0) for subject in subjects}

    def add_failure(self, subjects: Sequence[str], now: datetime, forget_before: datetime) -> None:
        with self.atomic(write=True) as s:
            s.execute(delete(sign_in_failures).where(sign_in_failures.c.at < forget_before))
            s.execute(insert(sign_in_failures), [{"subject": x, "at": now} for x in subjects])

    def clear_failures(self, subject: str) -> None:
        with self.atomic(write=True) as s:
            s.execute(delete(sign_in_failures).where(sign_in_failures.c.subject == subject))

    # ------------------------------------------------------------ the class, for a teacher
    def last_reviews(self, deck: str) -> dict[str, datetime]:
        """Each learner's latest review of a card of ``deck``."""
        with self.atomic() as s:
            rows = s.execute(select(reviews.c.learner, func.max(reviews.c.reviewed_at)).join(
                cards, cards.c.key == reviews.c.card_key).where(cards.c.deck_id == deck).group_by(reviews.c.learner))
            return dict(rows.all())  # max() keeps the column type: aware UTC datetimes

    def most_missed(self, deck: str, limit: int = 20) -> list[Missed]:
        """The questions of ``deck``'s mock exams answered wrong most often, over every
        learner's attempts (unanswered counts as wrong, as in the score)."""
        wrong = func.sum(case((exam_answers.c.correct == False, 1), else_=0))
        stmt = (select(cards.c.key, cards.c.deck_id, cards.c.card_id, cards.c.question,
                       cast(wrong, Integer).label("wrong"), func.count().label("answers"),
                       func.count(distinct(exam_attempts.c.learner)))
                .select_from(exam_answers)
                .join(exam_attempts, exam_attempts.c.id == exam_answers.c.attempt_id)
                .join(cards, cards.c.key == exam_answers.c.card_key)
                .where(exam_attempts.c.deck_id == deck)
                .group_by(cards.c.key, cards.c.deck_id, cards.c.card_id, cards.c.question)
                .having(wrong > 0)
                .order_by(wrong.desc(), cards.c.key)
                .limit(limit))
        with self.atomic() as s:
            return [Missed(key, f"{deck_id}/{card_id}", question, int(w), int(n), int(people))
                    for key, deck_id, card_id, question, w, n, people in s.execute(stmt)]


__all__ = ["UserQueries"]
