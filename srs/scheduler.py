"""The FSRS adapter (the ``fsrs`` package): a scheduler from the settings, rate a card,
preview the intervals, recall at a moment. Nothing else: the queue is ``srs.queue``."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import fsrs.scheduler as _fsrs_scheduler
from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler
from fsrs import State as FsrsState

from srs.model import AGAIN, LEARNING, NEW, RELEARNING, REVIEW, MemoryState, Rating
from srs.settings import Settings, parse_steps

_TO_FSRS = {LEARNING: FsrsState.Learning, REVIEW: FsrsState.Review, RELEARNING: FsrsState.Relearning}
_FROM_FSRS = {FsrsState.Learning: LEARNING, FsrsState.Review: REVIEW, FsrsState.Relearning: RELEARNING}
#: fsrs's rating for each of ours, by a dict look-up (the enum's call costs more, per answer)
_TO_FSRS_RATING = {int(r): r for r in FsrsRating}


#: the fuzz's own generator. fsrs draws its fuzz from ``random()`` of the random module (the
#: shared generator), so each rating would save, seed and restore the shared state (two copies
#: of 625 words); fsrs is given this generator's ``random`` instead, seeded alone. With an fsrs
#: that draws otherwise, ``rate`` seeds the shared one and puts its state back, as before.
_FUZZ = random.Random()
_OWN_FUZZ = getattr(_fsrs_scheduler, "random", None) is random.random
if _OWN_FUZZ:
    _fsrs_scheduler.random = _FUZZ.random


def make_scheduler(settings: Settings, fuzz: bool = True) -> Scheduler:
    kwargs = {}
    if settings.parameters is not None:
        kwargs["parameters"] = settings.parameters
    return Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=parse_steps(settings.learning_steps),
        relearning_steps=parse_steps(settings.relearning_steps),
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=fuzz,
        **kwargs,
    )


def to_fsrs(key: int, memory: MemoryState, now: datetime) -> FsrsCard:
    """Our memory state as an fsrs Card (a new card is fsrs's fresh Learning card)."""
    if memory.state == NEW:
        return FsrsCard(card_id=key, state=FsrsState.Learning, step=0, due=now.astimezone(timezone.utc))
    return FsrsCard(
        card_id=key, state=_TO_FSRS[memory.state], step=memory.step, stability=memory.stability,
        difficulty=memory.difficulty, due=memory.due, last_review=memory.last_review,
    )


def rate(scheduler: Scheduler, key: int, memory: MemoryState, rating: Rating | int, now: datetime) -> MemoryState:
    """The state after answering ``rating`` at ``now``. Fuzz, when on, is seeded by the card
    and the moment, so the same history always gives the same state."""
    when = now.astimezone(timezone.utc)
    seed = f"{key}:{memory.reps}:{when.isoformat()}"
    fsrs_rating = _TO_FSRS_RATING.get(int(rating)) or FsrsRating(int(rating))
    if _OWN_FUZZ:
        _FUZZ.seed(seed)  # the same numbers as the shared generator seeded alike
        card, _log = scheduler.review_card(to_fsrs(key, memory, when), fsrs_rating, when)
    else:
        saved = random.getstate()
        random.seed(seed)
        try:
            card, _log = scheduler.review_card(to_fsrs(key, memory, when), fsrs_rating, when)
        finally:
            random.setstate(saved)
    lapse = rating == AGAIN and memory.state == REVIEW
    return memory.with_(
        state=_FROM_FSRS[card.state], step=card.step, stability=card.stability, difficulty=card.difficulty,
        due=card.due, last_review=card.last_review, reps=memory.reps + 1,
        lapses=memory.lapses + (1 if lapse else 0), buried_until=None,
    )


def preview(scheduler: Scheduler, key: int, memory: MemoryState, now: datetime) -> dict[Rating, timedelta]:
    """The interval each rating would give."""
    intervals = {}
    for r in Rating:
        due = rate(scheduler, key, memory, r, now).due
        assert due is not None  # FSRS dates every card it rates
        intervals[r] = due - now
    return intervals


def retrievability(scheduler: Scheduler, memory: MemoryState, at: datetime) -> float | None:
    """FSRS's predicted recall at ``at``; None for a card never studied."""
    if memory.state == NEW or memory.stability is None or memory.last_review is None:
        return None
    card = FsrsCard(card_id=1, state=_TO_FSRS[memory.state], step=memory.step, stability=memory.stability,
                    difficulty=memory.difficulty, due=memory.due, last_review=memory.last_review)
    return float(scheduler.get_card_retrievability(card, at.astimezone(timezone.utc)))


def elapsed_factor(scheduler: Scheduler, retention: float) -> float:
    """Recall falls below ``retention`` once the days since the last review exceed
    stability × this factor (FSRS's forgetting curve solved for the elapsed time)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return float((retention ** (1 / decay) - 1) / factor)


__all__ = ["make_scheduler", "preview", "rate", "retrievability", "elapsed_factor", "to_fsrs"]
