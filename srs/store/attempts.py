"""Mock exam attempts: saving one with its answers, listing them, the forecasts made
before them with what happened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select

from srs.model import Attempt, AttemptAnswer
from srs.store.base import StoreBase, inserted_id, plain_select, study_card
from srs.store.models import cards, exam_answers, exam_attempts
from srs.store.records import NewAnswer, NewAttempt, columns_of

_ATTEMPT_FIELDS = ("id", "deck_id", "started_at", "finished_at", "questions", "correct", "score", "pass_mark",
                   "passed", "minutes", "seed", "timed_out", "forecast")


def _attempt(number: int, row: Any) -> Attempt:
    return Attempt(number, **{name: getattr(row, name) for name in _ATTEMPT_FIELDS})


class AttemptQueries(StoreBase):
    def _ordered(self):
        return select(exam_attempts).where(exam_attempts.c.learner == self.learner).order_by(
            exam_attempts.c.started_at, exam_attempts.c.id)

    def save_attempt(self, attempt: NewAttempt, answers: Sequence[NewAnswer]) -> int:
        """Save an attempt with its answers; returns its number among the learner's attempts."""
        with self.atomic(write=True) as s:
            attempt_id = inserted_id(s.execute(insert(exam_attempts).values(learner=self.learner,
                                                                             **columns_of(attempt))))
            if answers:
                s.execute(insert(exam_answers), [{"attempt_id": attempt_id, **columns_of(a)} for a in answers])
            ids = list(s.scalars(self._ordered().with_only_columns(exam_attempts.c.id)))
            return ids.index(attempt_id) + 1

    def attempts(self, deck: str | None = None) -> list[Attempt]:
        """The learner's attempts in the order taken (numbered over all decks), of ``deck`` if given."""
        with self.atomic() as s:
            found = [_attempt(n, row) for n, row in enumerate(s.execute(self._ordered()), 1)]
            return [a for a in found if deck is None or a.deck_id == deck]

    def attempt(self, number: int) -> tuple[Attempt, list[AttemptAnswer]] | None:
        """The learner's attempt ``number`` with its answers."""
        with self.atomic() as s:
            ids = list(s.scalars(self._ordered().with_only_columns(exam_attempts.c.id)))
            if not 1 <= number <= len(ids):
                return None
            attempt_id = ids[number - 1]
            row = s.execute(select(exam_attempts).where(exam_attempts.c.id == attempt_id)).one()
            stmt = self._with_state(plain_select().add_columns(
                exam_answers.c.position, exam_answers.c.chosen, exam_answers.c.correct, exam_answers.c.confidence,
                exam_answers.c.seconds, exam_answers.c.forecast).select_from(exam_answers).join(
                cards, cards.c.key == exam_answers.c.card_key)).where(exam_answers.c.attempt_id == attempt_id)
            answers = [AttemptAnswer(position, study_card(r[:-6]), chosen, bool(correct), confidence, seconds, forecast)
                       for r in s.execute(stmt.order_by(exam_answers.c.position))
                       for position, chosen, correct, confidence, seconds, forecast in [r[-6:]]]
            return _attempt(number, row), answers

    def forecast_outcomes(self, deck: str) -> tuple[list[tuple[float, bool]], list[tuple[float, bool]]]:
        """The forecasts made before this learner's attempts on the deck, with what happened:
        (chance forecast for the question, answered right?) for every exam answer that has
        one, and (pass probability forecast, passed?) for every attempt that has one."""
        with self.atomic() as s:
            answers = s.execute(select(exam_answers.c.forecast, exam_answers.c.correct).join(
                exam_attempts, exam_attempts.c.id == exam_answers.c.attempt_id).where(
                exam_attempts.c.learner == self.learner, exam_attempts.c.deck_id == deck, exam_answers.c.forecast.is_not(None)))
            attempts = s.execute(select(exam_attempts.c.forecast, exam_attempts.c.passed).where(
                exam_attempts.c.learner == self.learner, exam_attempts.c.deck_id == deck, exam_attempts.c.forecast.is_not(None)))
            return ([(float(p), bool(y)) for p, y in answers], [(float(p), bool(y)) for p, y in attempts])


__all__ = ["AttemptQueries"]
