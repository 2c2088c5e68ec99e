"""A review session as a state machine: next card, answer, undo, bury, suspend. No terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from srs.clock import day_start
from srs.records import NEW, StudyCard
from srs.scheduler import AGAIN, Queue, QueueCounts, build_queue, make_scheduler, next_card, preview, rate
from srs.settings import Settings
from srs.store import Store


@dataclass(frozen=True)
class Answered:
    card: StudyCard
    rating: int
    review_id: int
    due: datetime
    leech: bool = False  # this answer made the card a leech: it was suspended


@dataclass
class Summary:
    reviewed: int = 0
    right: int = 0
    seconds: float = 0.0
    leeches: list[str] = field(default_factory=list)

    @property
    def share_right(self) -> float | None:
        return self.right / self.reviewed if self.reviewed else None


class ReviewSession:
    """Answers go straight to the store, one short transaction each."""

    def __init__(self, store: Store, settings: Settings, deck: str | None = None, tag: str | None = None,
                 limit: int | None = None, fuzz: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.deck = deck
        self.tag = tag
        self.limit = limit
        self.scheduler = make_scheduler(settings, fuzz)
        self.summary = Summary()
        self._answered: list[tuple[Answered, bool]] = []  # with "was it right"
        self._since_new = 0
        self._queue: Queue | None = None

    # -------------------------------------------------------------- the queue
    def queue(self, now: datetime) -> Queue:
        self._queue = build_queue(self.store, self.settings, now, self.deck, self.tag)
        return self._queue

    def next(self, now: datetime) -> StudyCard | None:
        if self.limit is not None and self.summary.reviewed >= self.limit:
            return None
        return next_card(self.queue(now), self._since_new)

    def counts(self) -> QueueCounts:
        return self._queue.counts if self._queue else QueueCounts(0, 0, 0)

    def intervals(self, card: StudyCard, now: datetime) -> dict[int, timedelta]:
        return preview(self.scheduler, card.key, card.memory, now)

    # -------------------------------------------------------------- actions
    def answer(self, card: StudyCard, rating: int, now: datetime, duration_ms: int = 0,
               right: bool | None = None) -> Answered:
        """Record ``rating`` for ``card`` (committed before this returns). The new state is
        computed from the card's state as stored at that moment, not as it was shown."""
        threshold = self.settings.leech_threshold

        def compute(memory):
            after = rate(self.scheduler, card.key, memory, rating, now)
            if rating == AGAIN and after.lapses > memory.lapses and after.lapses >= threshold:
                after = after.with_(suspended=True, leech=True)
            return after

        review_id, before, after = self.store.apply_review(card.key, rating, now, duration_ms, "review", compute)
        leech = after.leech and not (before is not None and before.leech)
        answered = Answered(card, rating, review_id, after.due, leech)  # type: ignore[arg-type]
        was_right = rating != AGAIN if right is None else right
        self._answered.append((answered, was_right))
        self.summary.reviewed += 1
        self.summary.right += int(was_right)
        self.summary.seconds += duration_ms / 1000
        if leech:
            self.summary.leeches.append(card.name)
        self._since_new = 0 if before is None or before.state == NEW else self._since_new + 1
        return answered

    def undo(self) -> StudyCard | None:
        """Take back the last answer of this session: state and history as before it."""
        if not self._answered:
            return None
        answered, was_right = self._answered.pop()
        self.store.undo_review(answered.review_id)
        self.summary.reviewed -= 1
        self.summary.right -= int(was_right)
        if answered.leech:
            self.summary.leeches.remove(answered.card.name)
        return self.store.card(answered.card.key)

    def bury(self, card: StudyCard, now: datetime) -> datetime:
        """Hide the card until the learner's next day starts."""
        until = day_start(now, self.settings.day_starts_at) + timedelta(days=1)
        self.store.save_state(card.key, card.memory.with_(buried_until=until))
        return until

    def suspend(self, card: StudyCard) -> None:
        self.store.save_state(card.key, card.memory.with_(suspended=True))

    def next_due_overall(self, now: datetime) -> datetime | None:
        """When the learner next has something to review: now, a due time, or the next day
        (when only daily limits or burying hold the due cards back)."""
        queue = self.queue(now)
        if queue.learning or queue.reviews or queue.new:
            return now
        tomorrow = day_start(now, self.settings.day_starts_at) + timedelta(days=1)
        due = self.store.next_due(now, self.deck, self.tag)
        if due is not None and due <= now:
            due = tomorrow
        if self.store.count_new(tomorrow, self.deck, self.tag) and (due is None or due > tomorrow):
            due = tomorrow
        return due

    def can_undo(self) -> bool:
        return bool(self._answered)


__all__ = ["Answered", "ReviewSession", "Summary"]
