"""FSRS through the ``fsrs`` package: rate a card, preview the intervals, build the queue."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler, State

from srs.clock import day_start
from srs.records import LEARNING, NEW, RELEARNING, REVIEW, MemoryState, StudyCard
from srs.settings import Settings, parse_steps
from srs.store import Store

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
RATING_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
LEARN_AHEAD = timedelta(minutes=20)

_TO_FSRS = {LEARNING: State.Learning, REVIEW: State.Review, RELEARNING: State.Relearning}
_FROM_FSRS = {State.Learning: LEARNING, State.Review: REVIEW, State.Relearning: RELEARNING}


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
        return FsrsCard(card_id=key, state=State.Learning, step=0, due=now.astimezone(timezone.utc))
    return FsrsCard(
        card_id=key, state=_TO_FSRS[memory.state], step=memory.step, stability=memory.stability,
        difficulty=memory.difficulty, due=memory.due, last_review=memory.last_review,
    )


def rate(scheduler: Scheduler, key: int, memory: MemoryState, rating: int, now: datetime) -> MemoryState:
    """The state after answering ``rating`` at ``now``. Fuzz, when on, is seeded by the card
    and the moment, so the same history always gives the same state."""
    when = now.astimezone(timezone.utc)
    saved = random.getstate()
    random.seed(f"{key}:{memory.reps}:{when.isoformat()}")
    try:
        card, _log = scheduler.review_card(to_fsrs(key, memory, when), Rating(rating), when)
    finally:
        random.setstate(saved)
    lapse = rating == AGAIN and memory.state == REVIEW
    return memory.with_(
        state=_FROM_FSRS[card.state], step=card.step, stability=card.stability, difficulty=card.difficulty,
        due=card.due, last_review=card.last_review, reps=memory.reps + 1,
        lapses=memory.lapses + (1 if lapse else 0), buried_until=None,
    )


def preview(scheduler: Scheduler, key: int, memory: MemoryState, now: datetime) -> dict[int, timedelta]:
    """The interval each rating would give."""
    return {r: rate(scheduler, key, memory, r, now).due - now for r in (AGAIN, HARD, GOOD, EASY)}


def retrievability(scheduler: Scheduler, memory: MemoryState, at: datetime) -> float | None:
    """FSRS's predicted recall at ``at``; None for a card never studied."""
    if memory.state == NEW or memory.stability is None or memory.last_review is None:
        return None
    card = FsrsCard(card_id=1, state=_TO_FSRS[memory.state], step=memory.step, stability=memory.stability,
                    difficulty=memory.difficulty, due=memory.due, last_review=memory.last_review)
    return scheduler.get_card_retrievability(card, at.astimezone(timezone.utc))


def elapsed_factor(scheduler: Scheduler, retention: float) -> float:
    """Recall falls below ``retention`` once the days since the last review exceed
    stability × this factor (FSRS's forgetting curve solved for the elapsed time)."""
    decay = -scheduler.parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (retention ** (1 / decay) - 1) / factor


def cram_candidates(store: Store, settings: Settings, now: datetime, until: datetime, deck: str | None = None,
                    tag: str | None = None, limit: int = 200, *, scheduler: Scheduler | None = None
                    ) -> list[StudyCard]:
    """Studying for an exam on ``until``: review cards not yet due (due after the end of the
    learner's day, so not in today's queue) whose FSRS recall on ``until`` -- exactly what
    ``retrievability`` computes -- is below the desired retention. Lowest recall on that
    date first: a review now raises those cards' recall on the day the most. Suspended and
    buried cards are left out; at most ``limit`` cards, found by one indexed query."""
    end = day_start(now, settings.day_starts_at) + timedelta(days=1)
    if until <= end or limit <= 0:
        return []
    factor = elapsed_factor(scheduler or make_scheduler(settings, fuzz=False), settings.desired_retention)
    return store.cram_candidates(now, end, until, factor, deck, tag, limit)


def format_interval(delta: timedelta) -> str:
    seconds = max(0, delta.total_seconds())
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


# ---------------------------------------------------------------- the queue
@dataclass(frozen=True)
class QueueCounts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Queue:
    """What is due for a learner now (only the heads of each list are loaded)."""

    learning: list[StudyCard]
    reviews: list[StudyCard]
    new: list[StudyCard]
    counts: QueueCounts
    learn_ahead: bool = False


def build_queue(store: Store, settings: Settings, now: datetime, deck: str | None = None,
                tag: str | None = None, head: int = 200, new_known_empty: bool = False,
                until: datetime | None = None, scheduler: Scheduler | None = None) -> Queue:
    """Learning cards due now, reviews due by the end of the learner's day (within the
    daily review limit), and new cards within the daily new-card limit. Learning cards
    due within 20 minutes are brought forward when nothing else is due."""
    start = day_start(now, settings.day_starts_at)
    end = start + timedelta(days=1)
    new_done, reviews_done = store.reviews_since(start)
    review_left = max(0, settings.reviews_per_day - reviews_done)
    new_left = max(0, settings.new_per_day - new_done)
    learning = store.due_learning(now, now, deck, tag, head)
    reviews = store.due_reviews(now, end, deck, tag, min(head, review_left))
    # ``new_known_empty``: the caller saw no new cards left, so the deck need not be scanned again
    new = [] if new_known_empty else store.new_cards(now, deck, tag, min(head, new_left))
    n_learning, n_review = store.count_due(now, now, end, deck, tag, cap=max(review_left, head))
    if until is not None and until > end and len(reviews) < min(head, review_left):
        # studying for an exam date: also the cards whose recall on that date would fall
        # below the desired retention, lowest recall first, within the day's review limit
        cram = cram_candidates(store, settings, now, until, deck, tag, min(head, review_left) - len(reviews),
                               scheduler=scheduler)
        reviews = reviews + cram
        n_review += len(cram)
    # fewer new cards than asked for: that is all of them; otherwise count up to the day's limit
    n_new = len(new) if new_known_empty or len(new) < min(head, new_left) else min(
        new_left, store.count_new(now, deck, tag))
    counts = QueueCounts(n_new, n_learning, min(review_left, n_review))
    if not learning and not reviews and not new:
        ahead = store.due_learning(now, now + LEARN_AHEAD, deck, tag, head)
        if ahead:
            return Queue(ahead, [], [], QueueCounts(0, len(ahead), 0), learn_ahead=True)
    return Queue(learning, reviews, new, counts)


__all__ = ["AGAIN", "HARD", "GOOD", "EASY", "RATING_NAMES", "Queue", "QueueCounts", "build_queue", "cram_candidates",
           "format_interval", "elapsed_factor", "make_scheduler", "preview", "rate", "retrievability", "to_fsrs"]
