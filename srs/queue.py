"""Which cards are due now: learning cards, reviews by the end of the learner's day within
the daily limit, new cards within theirs, learning cards a little ahead when nothing else is,
and, studying for an exam date, the cards recall would lose by then (``--until``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Scheduler

from srs.clock import LearnerDay
from srs.model import StudyCard
from srs.scheduler import elapsed_factor, make_scheduler
from srs.settings import Settings
from srs.store import Store

LEARN_AHEAD = timedelta(minutes=20)


def cram_candidates(store: Store, settings: Settings, now: datetime, until: datetime, deck: str | None = None,
                    tag: str | None = None, limit: int = 200, *, scheduler: Scheduler | None = None
                    ) -> list[StudyCard]:
    """Studying for an exam on ``until``: review cards not yet due (due after the end of the
    learner's day, so not in today's queue) whose FSRS recall on ``until`` -- exactly what
    ``retrievability`` computes -- is below the desired retention. Lowest recall on that
    date first: a review now raises those cards' recall on the day the most. Suspended and
    buried cards are left out; at most ``limit`` cards, found by one indexed query."""
    end = LearnerDay.of(now, settings.day_starts_at).end
    if until <= end or limit <= 0:
        return []
    factor = elapsed_factor(scheduler or make_scheduler(settings, fuzz=False), settings.desired_retention)
    return store.cram_candidates(now, end, until, factor, deck, tag, limit)


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
    day = LearnerDay.of(now, settings.day_starts_at)
    end = day.end
    new_done, reviews_done = store.reviews_since(day.start)
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


__all__ = ["LEARN_AHEAD", "Queue", "QueueCounts", "build_queue", "cram_candidates"]
