"""A review session as a state machine: next card, answer, undo, bury, suspend. No terminal."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from srs.clock import LearnerDay
from srs.errors import UserError
from srs.exam import Question
from srs.model import AGAIN, LEARNING, NEW, RELEARNING, MemoryState, Rating, StudyCard, replaced
from srs.queue import LEARN_AHEAD, Queue, QueueCounts, build_queue
from srs.rules import answered_right
from srs.scheduler import make_scheduler, preview, rate
from srs.settings import Settings
from srs.store import Store


def choice_order(card_name: str, reps: int, n: int) -> tuple[int, ...]:
    """The order a card's ``n`` choices are shown in at one showing: ``order[i]`` is the
    card's own choice at shown slot i. Seeded by the card's name and how many times it has
    been reviewed, so the same card state always shows the same order (an undo or a bury
    shows it again as it was) and each new review shuffles anew: the learner cannot learn
    the letter instead of the answer."""
    order = list(range(n))
    random.Random(f"review:{card_name}:{reps}").shuffle(order)
    return tuple(order)


def showing(card: StudyCard) -> Question:
    """A multiple-choice card as review shows it now: shuffled choices and the mapping
    between shown letters and the card's own (``Question.card_letter``, ``shown_letter``)."""
    return Question(card, choice_order(card.name, card.memory.reps, len(card.choices or ())))


@dataclass(frozen=True)
class Answered:
    card: StudyCard
    rating: Rating
    review_id: int
    due: datetime
    at: datetime              # when it was answered
    leech: bool = False  # this answer made the card a leech: it was suspended
    lapses: int = 0      # the card's lapses after this answer (this one included)


@dataclass
class Summary:
    reviewed: int = 0                # answers
    right: int = 0
    seconds: float = 0.0
    leeches: list[str] = field(default_factory=list)
    cards: set[int] = field(default_factory=set)  # the cards answered

    @property
    def share_right(self) -> float | None:
        return self.right / self.reviewed if self.reviewed else None

    def copy(self) -> "Summary":
        return replace(self, leeches=list(self.leeches), cards=set(self.cards))


@dataclass
class _Undo:
    """What a step changed in the working queue, to take it back without a copy of the queue
    (which made every answer cost in proportion to the session's size): the limits left, the
    answers since the last new card, when new cards ran out, stale, the summary's numbers,
    the card taken from a list (the list, where, the card) and the learning card added.
    ``loads`` is how many times the queue had been loaded: when it was loaded again since,
    the lists are read again from the store instead."""

    left: dict[str, int]
    since_new: int
    no_new: datetime | None
    stale: bool
    loads: int
    reviewed: int
    right: int
    seconds: float
    leeches: int
    new_card: bool                          # the summary's set of cards had no such card yet
    taken: tuple[list[StudyCard], int, StudyCard] | None = None
    added: StudyCard | None = None


@dataclass(frozen=True)
class Step:
    """One undoable action of a session (an answer, a bury, a suspend): the card as it was
    stored before it, the log row an answer wrote, and the working queue before it."""

    action: str                      # "answer", "bury", "suspend"
    card: StudyCard
    review_id: int | None
    queue: _Undo


class ReviewSession:
    """Answers go straight to the store, one short transaction each."""

    def __init__(self, store: Store, settings: Settings, deck: str | None = None, tag: str | None = None,
                 limit: int | None = None, fuzz: bool = True, until: datetime | None = None) -> None:
        self.store = store
        self.settings = settings
        self.deck = deck
        self.tag = tag
        self.limit = limit
        self.until = until  # studying for an exam on this date
        self.scheduler = make_scheduler(settings, fuzz)
        self.summary = Summary()
        self._steps: list[Step] = []  # what undo takes back, last first
        self._since_new = 0
        # the session's working queue: loaded from the store, then kept up to date in memory
        self._learning: list[StudyCard] = []
        self._reviews: list[StudyCard] = []
        self._new: list[StudyCard] = []
        self._left = {"new": 0, "review": 0}
        self._stale = True
        self._no_new: datetime | None = None
        self._loads = 0  # how many times the working queue was loaded

    # -------------------------------------------------------------- the queue
    def queue(self, now: datetime) -> Queue:
        """What is due now, from the store (and the session's working queue reloaded)."""
        today = LearnerDay.of(now, self.settings.day_starts_at).start
        queue = build_queue(self.store, self.settings, now, self.deck, self.tag,
                            new_known_empty=self._no_new == today and not self._stale, until=self.until,
                            scheduler=self.scheduler)
        # no new card left within the day's limit: not looked for again today in this session
        self._no_new = today if not queue.new else None
        self._learning = sorted(queue.learning, key=lambda c: c.memory.due)  # type: ignore[arg-type,return-value]
        self._reviews, self._new = list(queue.reviews), list(queue.new)
        self._left = {"new": queue.counts.new, "review": queue.counts.review}
        self._stale = False
        self._loads += 1
        return queue

    def next(self, now: datetime) -> StudyCard | None:
        """The next card to show. Answers update the working queue in memory; the store is
        asked again when it runs dry, after an undo, bury or suspend, and before saying
        that nothing is left."""
        if self.limit is not None and self.summary.reviewed >= self.limit:
            return None
        if self._stale or (not self._reviews and self._left["review"]) or (not self._new and self._left["new"]):
            self.queue(now)
            return self._pick(now)
        card = self._pick(now)
        if card is None:
            self.queue(now)
            card = self._pick(now)
        return card

    def _pick(self, now: datetime) -> StudyCard | None:
        if self._learning and self._learning[0].memory.due <= now:  # type: ignore[operator]
            return self._learning[0]
        reviews_left, new_left = self._left["review"], self._left["new"]
        if self._new and (not self._reviews or self._since_new >= max(1, reviews_left // max(1, new_left))):
            return self._new[0]
        if self._reviews:
            return self._reviews[0]
        if self._learning and self._learning[0].memory.due <= now + LEARN_AHEAD:  # type: ignore[operator]
            return self._learning[0]
        return None

    def counts(self) -> QueueCounts:
        return QueueCounts(self._left["new"], len(self._learning), self._left["review"])

    def _take(self, key: int, undo: _Undo) -> None:
        """Remove a card from the working queue (``undo`` notes where it was)."""
        for name, cards in (("learning", self._learning), ("review", self._reviews), ("new", self._new)):
            for i, c in enumerate(cards):
                if c.key == key:
                    del cards[i]
                    undo.taken = (cards, i, c)
                    if name in self._left:
                        self._left[name] = max(0, self._left[name] - 1)
                    return

    def queued(self, key: int) -> StudyCard | None:
        """The card ``key`` if it is in the session's working queue (due now, or ahead)."""
        return next((c for cards in (self._learning, self._reviews, self._new) for c in cards if c.key == key), None)

    def _snapshot(self, key: int) -> _Undo:
        """What undoing a step on card ``key`` needs, before the step (O(1): no copy)."""
        summary = self.summary
        return _Undo(dict(self._left), self._since_new, self._no_new, self._stale, self._loads, summary.reviewed,
                     summary.right, summary.seconds, len(summary.leeches), key not in summary.cards)

    def _restore(self, undo: _Undo, key: int) -> None:
        if undo.loads == self._loads:  # the same lists: the step's changes taken back
            if undo.added is not None:
                self._learning.remove(undo.added)
            if undo.taken is not None:
                cards, i, card = undo.taken
                cards.insert(i, card)
            self._stale = undo.stale
        else:  # loaded again since: read again (the store is as it was before the step)
            self._stale = True
        self._left, self._since_new, self._no_new = undo.left, undo.since_new, undo.no_new
        summary = self.summary
        summary.reviewed, summary.right, summary.seconds = undo.reviewed, undo.right, undo.seconds
        del summary.leeches[undo.leeches:]
        if undo.new_card:
            summary.cards.discard(key)

    def intervals(self, card: StudyCard, now: datetime) -> dict[Rating, timedelta]:
        return preview(self.scheduler, card.key, card.memory, now)

    # -------------------------------------------------------------- actions
    def answer(self, card: StudyCard, rating: Rating | int, now: datetime, duration_ms: int = 0,
               right: bool | None = None, check: Callable[[MemoryState], None] | None = None) -> Answered:
        """Record ``rating`` for ``card`` (committed before this returns). The new state is
        computed from the card's state as stored at that moment, not as it was shown.
        ``right``: what was answered (a multiple-choice card: the right letter or not), kept
        in the review log and counted by it, whatever the rating; None (a basic card): the
        rating says (any but Again is right). ``check``: called with the stored state in the
        answer's transaction before anything is written; what it raises rolls the answer back."""
        threshold = self.settings.leech_threshold
        rating = Rating(rating)

        def compute(memory: MemoryState) -> MemoryState:
            if check is not None:  # in the answer's own transaction, the card's row locked: may refuse
                check(memory)
            after = rate(self.scheduler, card.key, memory, rating, now)
            if rating == AGAIN and after.lapses > memory.lapses and after.lapses >= threshold:
                after = after.with_(suspended=True, leech=True)
            return after

        snapshot = self._snapshot(card.key)
        review_id, before, after = self.store.apply_review(card.key, rating, now, duration_ms, "review", compute,
                                                           right)
        leech = after.leech and not (before is not None and before.leech)
        answered = Answered(card, rating, review_id, after.due, now, leech, after.lapses)  # type: ignore[arg-type]
        was_right = answered_right(rating, right)
        stored = replaced(card, memory=before or card.memory, has_state=before is not None)
        self._steps.append(Step("answer", stored, review_id, snapshot))
        self.summary.reviewed += 1
        self.summary.cards.add(card.key)
        self.summary.right += int(was_right)
        self.summary.seconds += duration_ms / 1000
        if leech:
            self.summary.leeches.append(card.name)
        self._since_new = 0 if before is None or before.state == NEW else self._since_new + 1
        self._take(card.key, snapshot)
        if after.state in (LEARNING, RELEARNING) and not after.suspended:
            snapshot.added = replaced(card, memory=after, has_state=True)
            self._learning.append(snapshot.added)
            self._learning.sort(key=lambda c: c.memory.due)  # type: ignore[arg-type,return-value]
        return answered

    def undo(self) -> Step | None:
        """Take back the session's last answer, bury or suspend: the card's state, the
        review log and the working queue (learning cards due later in the session too)
        exactly as they were before it. Returns what was undone (None: nothing)."""
        if not self._steps:
            return None
        step = self._steps.pop()
        if step.action == "answer":
            assert step.review_id is not None
            self.store.undo_review(step.review_id)
        else:
            self.store.restore_state(step.card.key, step.card.memory if step.card.has_state else None)
        self._restore(step.queue, step.card.key)
        return step

    def _set_aside(self, action: str, card: StudyCard, change: dict[str, Any]) -> None:
        """Bury or suspend ``card`` as it is stored now (an answer just given included)."""
        current = self.store.card(card.key) or card
        snapshot = self._snapshot(card.key)
        self.store.save_state(card.key, current.memory.with_(**change))
        self._steps.append(Step(action, current, None, snapshot))
        self._take(card.key, snapshot)

    def bury(self, card: StudyCard, now: datetime) -> datetime:
        """Hide the card until the learner's next day starts."""
        until = LearnerDay.of(now, self.settings.day_starts_at).end
        self._set_aside("bury", card, {"buried_until": until})
        return until

    def suspend(self, card: StudyCard) -> None:
        self._set_aside("suspend", card, {"suspended": True})

    def next_due_overall(self, now: datetime) -> datetime | None:
        """When the learner next has something to review: now, a due time, or the next day
        (when only daily limits or burying hold the due cards back)."""
        if not self._stale and self._pick(now) is not None:
            return now  # the session's working queue (kept up to date by its answers) has one due
        queue = self.queue(now)
        if queue.learning or queue.reviews or queue.new:
            return now
        tomorrow = LearnerDay.of(now, self.settings.day_starts_at).end
        due = self.store.next_due(now, self.deck, self.tag)
        if due is not None and due <= now:
            due = tomorrow
        if self.store.count_new(tomorrow, self.deck, self.tag) and (due is None or due > tomorrow):
            due = tomorrow
        return due


def set_suspended(store: Store, names: Sequence[str], flag: bool) -> list[StudyCard]:
    """Suspend (or unsuspend) the cards named DECK/CARD, all or none; unsuspending a leech
    also clears its leech mark. Returns the cards."""
    found = []
    for name in names:
        deck_id, sep, card_id = name.partition("/")
        if not sep or not deck_id or not card_id:
            raise UserError(f"card {name!r}: name cards as DECK/CARD")
        card = store.find_card(deck_id, card_id)
        if card is None:
            raise UserError(f"unknown card {name!r}")
        found.append(card)
    with store.atomic(write=True):
        for card in found:
            store.save_state(card.key, card.memory.with_(suspended=flag, leech=card.memory.leech and flag))
    return found


__all__ = ["Answered", "ReviewSession", "Step", "Summary", "choice_order", "set_suspended", "showing"]
