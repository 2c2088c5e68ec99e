"""Mock exam attempts: saving one with its answers, listing them, the forecasts made
before them with what happened."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from srs.model import Attempt, AttemptAnswer
from srs.store.base import StoreBase, plain_select, study_card
from srs.store.models import Card, ExamAnswer, ExamAttempt

_ATTEMPT_FIELDS = ("id", "deck_id", "started_at", "finished_at", "questions", "correct", "score", "pass_mark",
                   "passed", "minutes", "seed", "timed_out", "forecast")


def _attempt(number: int, row: ExamAttempt) -> Attempt:
    return Attempt(number, **{name: getattr(row, name) for name in _ATTEMPT_FIELDS})


class AttemptQueries(StoreBase):
    def _ordered(self):
        return select(ExamAttempt).where(ExamAttempt.learner == self.learner).order_by(
            ExamAttempt.started_at, ExamAttempt.id)

    def save_attempt(self, values: dict[str, Any], answers: Sequence[dict[str, Any]]) -> int:
        """Save an attempt with its answers; returns its number among the learner's attempts."""
        with self.atomic(write=True) as s:
            attempt = ExamAttempt(learner=self.learner, **values)
            s.add(attempt)
            s.flush()
            for answer in answers:
                s.add(ExamAnswer(attempt_id=attempt.id, **answer))
            s.flush()
            ids = list(s.scalars(self._ordered().with_only_columns(ExamAttempt.id)))
            return ids.index(attempt.id) + 1

    def attempts(self, deck: str | None = None) -> list[Attempt]:
        """The learner's attempts in the order taken (numbered over all decks), of ``deck`` if given."""
        with self.atomic() as s:
            found = [_attempt(n, row) for n, row in enumerate(s.scalars(self._ordered()), 1)]
            return [a for a in found if deck is None or a.deck_id == deck]

    def attempt(self, number: int) -> tuple[Attempt, list[AttemptAnswer]] | None:
        """The learner's attempt ``number`` with its answers."""
        with self.atomic() as s:
            ids = list(s.scalars(self._ordered().with_only_columns(ExamAttempt.id)))
            if not 1 <= number <= len(ids):
                return None
            attempt_id = ids[number - 1]
            row = s.get(ExamAttempt, attempt_id)
            stmt = self._with_state(plain_select().add_columns(
                ExamAnswer.position, ExamAnswer.chosen, ExamAnswer.correct, ExamAnswer.confidence,
                ExamAnswer.seconds, ExamAnswer.forecast).select_from(ExamAnswer).join(
                Card, Card.key == ExamAnswer.card_key)).where(ExamAnswer.attempt_id == attempt_id)
            answers = [AttemptAnswer(position, study_card(r[:-6]), chosen, bool(correct), confidence, seconds, forecast)
                       for r in s.connection().execute(stmt.order_by(ExamAnswer.position))
                       for position, chosen, correct, confidence, seconds, forecast in [r[-6:]]]
            return _attempt(number, row), answers

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


__all__ = ["AttemptQueries"]
