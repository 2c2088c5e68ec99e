"""Mock exams as use cases: take one (validate the options, draw the questions, forecast
just before), save it (the attempt, each answer with its forecast, and the answers as
reviews, in one transaction), and read one back as its report."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from srs import exam
from srs.errors import UserError
from srs.model import Attempt, AttemptAnswer, AttemptDetailDict, DeckRecord, MemoryState, Rating
from srs.settings import Settings
from srs.store import Store
from srs.store.records import NewAnswer, NewAttempt

if TYPE_CHECKING:
    from fsrs import Scheduler

MAX_MINUTES = 24 * 60


@dataclass
class Sitting:
    """An exam being taken: the deck, the drawn questions and their run, and the forecast
    from the answers given before it started (stored with the attempt, to check the forecasts
    later; None until ``forecast_before`` works it out)."""

    deck: DeckRecord
    run: exam.ExamRun
    seed: int
    minutes: float | None            # the time limit; None: no timer
    started_at: datetime
    forecast: float | None           # the pass probability forecast just before
    expected_score: float | None
    chances: dict[int, float] | None  # each card's chance of a right answer, forecast just before

    @property
    def questions(self) -> int:
        return len(self.run.questions)


def take(store: Store, settings: Settings, deck_id: str, now: datetime, *, questions: int | None = None,
         minutes: float | None = None, no_timer: bool = False, seed: int | None = None,
         clock: Callable[[], float] = time.monotonic, forecast: bool = True) -> Sitting:
    """Start an exam on ``deck_id``: ``questions`` drawn (the deck's exam setting by
    default), ``minutes`` allowed (the deck's, or none with ``no_timer``), shuffled by
    ``seed`` (random when None). ``clock`` gives the seconds the run is timed with. Without
    ``forecast`` the forecast before the attempt is left to ``forecast_before`` (at hand-in:
    the exam starts without loading the forecast's NumPy)."""
    if questions is not None and questions < 1:
        raise UserError(f"--questions {questions}: must be at least 1")
    if minutes is not None and not 0 < minutes <= MAX_MINUTES:
        raise UserError(f"--minutes {minutes:g}: give a time limit above 0 and at most {MAX_MINUTES}")
    if minutes is not None and no_timer:
        raise UserError("--minutes and --no-timer contradict each other: give one")
    deck = store.deck(deck_id)
    if deck is None:
        raise UserError(f"unknown deck {deck_id!r}")
    pool = store.mc_cards(deck_id)
    if not pool:
        raise UserError(f"deck {deck_id!r} has no multiple-choice cards to examine")
    count = questions or deck.exam_questions or len(pool)
    if count > len(pool):
        raise UserError(f"--questions {count}: deck {deck_id!r} has only {len(pool)} multiple-choice cards")
    limit = None if no_timer else (minutes if minutes is not None else deck.exam_minutes)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    run = exam.ExamRun(exam.draw(pool, count, seed), limit * 60 if limit is not None else None, clock)
    sitting = Sitting(deck, run, seed, limit, now, None, None, None)
    if forecast:
        forecast_before(store, settings, sitting)
    return sitting


def forecast_before(store: Store, settings: Settings, sitting: Sitting) -> Sitting:
    """``sitting`` with its forecast (pass probability, expected score, each card's chance),
    from the learner's answers, for the time it started, as ``srs readiness`` would have said
    then. Called at hand-in, before the attempt's answers are saved, it gives what ``take``
    would have given: answers saved elsewhere while the exam ran (another window) are later
    than its start, and a forecast for a moment leaves out what came after it."""
    from srs.forecast import assess

    if sitting.forecast is None:
        before = assess(store, settings, sitting.deck.id, sitting.started_at, sitting.started_at, value=False,
                        past=True)
        sitting.forecast, sitting.expected_score = before.pass_probability, before.expected_score
        sitting.chances = {q.key: q.p for q in before.cards}
    return sitting


def hand_in(store: Store, sitting: Sitting, with_confidence: bool = False, scheduler=None) -> tuple[exam.Report, int]:
    """Score the sitting and save it (with a scheduler, the answers also count as reviews).
    Returns the report and the attempt's number."""
    run = sitting.run
    run.hand_in()
    report = exam.report(sitting.deck.id, [q.card for q in run.questions], run.answers, sitting.deck.exam_pass_mark,
                         run.elapsed, run.timed_out, with_confidence)
    number = save(store, sitting.deck.id, run, report, sitting.started_at, sitting.seed, sitting.minutes,
                      scheduler, sitting.forecast, sitting.chances)
    return report, number


def _rated(scheduler: Scheduler, key: int, rating: Rating, when: datetime, memory: MemoryState) -> MemoryState:
    from srs.scheduler import rate

    return rate(scheduler, key, memory, rating, when)


def save(store: Store, deck_id: str, run: exam.ExamRun, report: exam.Report, started_at: datetime, seed: int,
         minutes: float | None, scheduler: Scheduler | None = None, forecast: float | None = None,
         chances: dict[int, float] | None = None) -> int:
    """Store the attempt and every answer, with the pass probability and each question's
    chance forecast just before (``forecast``, ``chances`` by card key); with a scheduler,
    each answered question is also a review (source "exam"). One transaction: all or nothing.
    Returns the attempt's number among the learner's attempts."""
    finished_at = started_at + timedelta(seconds=run.elapsed)
    attempt = NewAttempt(deck_id, started_at, finished_at, report.questions, report.correct, report.score,
                         report.pass_mark, report.passed, minutes, seed, report.timed_out, forecast)
    answers = [NewAnswer(i, q.card.key, a.chosen, q.card.is_right(a.chosen), a.confidence, round(a.seconds, 3),
                         (chances or {}).get(q.card.key))
               for i, (q, a) in enumerate(zip(run.questions, run.answers, strict=True))]
    with store.atomic(write=True):
        number = store.save_attempt(attempt, answers)
        if scheduler is not None:
            cards = [q.card for q in run.questions]
            given = {q.card.key: a for q, a in zip(run.questions, run.answers, strict=True)}
            for card, rating in exam.scheduling_ratings(cards, run.answers):
                answer = given[card.key]
                store.apply_review(card.key, rating, finished_at, int(answer.seconds * 1000), "exam",
                                   partial(_rated, scheduler, card.key, rating, finished_at),
                                   card.is_right(answer.chosen))
    return number


@dataclass(frozen=True)
class Past:
    """A saved attempt read back: the attempt, its answers, its report, the deck's name."""

    attempt: Attempt
    answers: list[AttemptAnswer]
    report: exam.Report
    deck_name: str

    def to_dict(self) -> AttemptDetailDict:
        return {**self.attempt.to_dict(), "answers": [a.to_dict() for a in self.answers]}


def read(store: Store, number: int, deck: str | None = None) -> Past:
    """The learner's attempt ``number`` (in ``deck``, when given), with its report."""
    found = store.attempt(number)
    if found is None or (deck is not None and found[0].deck_id != deck):
        raise UserError(f"no exam attempt #{number}" + (f" in deck {deck!r}" if deck else ""))
    attempt, answers = found
    report = exam.report(attempt.deck_id, [a.card for a in answers],
                         [exam.Answer(a.chosen, a.confidence, a.seconds or 0.0) for a in answers],
                         attempt.pass_mark, attempt.seconds, attempt.timed_out,
                         with_confidence=any(a.confidence is not None for a in answers))
    deck_row = store.deck(attempt.deck_id)
    return Past(attempt, answers, report, deck_row.name if deck_row else attempt.deck_id)


__all__ = ["Past", "Sitting", "hand_in", "read", "save", "take"]
