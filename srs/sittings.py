"""Mock exams kept in the store while they are sat (the browser's, through `srs serve`): the
drawn questions and the order of their choices, the server's clock, the answers, skips and
confidence so far. Every request for an exam reads it under a lock, carries the run on
(srs.exam.ExamRun) and writes it back in one transaction, so any worker process of the
server, or the server restarted, continues the same exam with the time really left, and
two requests for one exam (a double submit, two workers) take turns.

Handing in saves the attempt and marks the exam with it in the same transaction: a second
hand-in finds the mark and gives the same attempt, never a second one.

The timer runs on ``ticks``: wall-clock seconds (``time.time``), the same in every process
and across a restart. Exams nobody comes back to (the rule ``settle`` applies, README: "In a
browser"):
- a timed exam past its deadline is handed in, timed out, with the answers it has, by the
  next request for it, or when its learner opens or starts a mock exam or the results;
- an untimed exam untouched for ABANDONED is dropped, unsaved (never handed in: no attempt);
- a handed-in exam is kept KEEP_FINISHED after its last request (a late double submit finds
  its attempt), then dropped;
- beyond MAX_RUNNING open exams of one learner, the oldest is handed in.

The terminal's `srs exam` runs in one process and keeps its run in memory, as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from srs import attempts, exam
from srs.attempts import Sitting
from srs.errors import UserError
from srs.settings import Settings
from srs.store import Store

ABANDONED = timedelta(days=7)
KEEP_FINISHED = timedelta(days=1)
MAX_RUNNING = 16


class NoSuchExam(UserError):
    """No such running exam of this learner (never started, someone else's, or dropped)."""


@dataclass
class Kept:
    """A kept exam as one request sees it."""

    id: str
    sitting: Sitting
    confidence: bool
    attempt_id: int | None  # set once handed in

    @property
    def run(self) -> exam.ExamRun:
        return self.sitting.run


def _at(tick: float) -> datetime:
    return datetime.fromtimestamp(tick, timezone.utc)


def start(store: Store, settings: Settings, deck_id: str, now: datetime, ticks: Callable[[], float], *,
          questions: int | None = None, minutes: float | None = None, no_timer: bool = False,
          confidence: bool = False, seed: int | None = None) -> str:
    """Draw an exam (srs.attempts.take: the same checks and forecast as `srs exam`) and keep
    it; returns its id, a random token (the exam's address)."""
    sitting = attempts.take(store, settings, deck_id, now, questions=questions, minutes=minutes, no_timer=no_timer,
                            seed=seed, clock=ticks)
    run = sitting.run
    exam_id = secrets.token_urlsafe(12)
    store.add_running_exam({
        "id": exam_id, "deck_id": deck_id, "started_at": now, "seed": sitting.seed, "minutes": sitting.minutes,
        "confidence": confidence, "forecast": sitting.forecast, "expected_score": sitting.expected_score,
        "chances": {str(k): p for k, p in (sitting.chances or {}).items()},
        "questions": [[q.card.key, list(q.order)] for q in run.questions],
        "timer_started": _at(run.started), "deadline": _at(run.started + run.limit) if run.limit is not None else None,
        "run": run.state(), "touched": _at(ticks()),
    })
    return exam_id


def _restore(store: Store, row: dict, ticks: Callable[[], float]) -> Kept | None:
    """The kept exam, or None when its deck or a card of it is gone."""
    deck = store.deck(row["deck_id"])
    found = store.cards_by_key([key for key, _ in row["questions"]])
    if deck is None or len(found) != len(row["questions"]):
        return None
    questions = [exam.Question(found[key], tuple(order)) for key, order in row["questions"]]
    limit = row["minutes"] * 60 if row["minutes"] is not None else None
    run = exam.ExamRun.resumed(questions, limit, ticks, row["run"])
    sitting = Sitting(deck, run, row["seed"], row["minutes"], row["started_at"], row["forecast"],
                      row["expected_score"], {int(k): p for k, p in row["chances"].items()})
    return Kept(row["id"], sitting, bool(row["confidence"]), row["attempt_id"])


@contextmanager
def opened(store: Store, exam_id: str, ticks: Callable[[], float]) -> Iterator[Kept]:
    """The exam ``exam_id`` of the store's learner, held for one request: what the block does
    to its run is written back when the block ends (nothing, if it raises)."""
    with store.atomic(write=True):
        row = store.running_exam(exam_id, lock=True)
        if row is None:
            raise NoSuchExam(f"no running exam {exam_id[:40]!r}")
        kept = _restore(store, row, ticks)
        if kept is not None:
            yield kept
            if kept.attempt_id is None and kept.run.state() != row["run"]:
                store.update_running_exam(exam_id, run=kept.run.state(), touched=_at(ticks()))
            return
        store.drop_running_exams([exam_id])
    raise NoSuchExam("a card of this exam was removed from its deck while it was open: the exam was dropped")


def hand_in(store: Store, kept: Kept, scheduler=None) -> int:
    """Hand the held exam in and save it as an attempt, once (inside ``opened``): the
    attempt's number among the learner's attempts."""
    if kept.attempt_id is None:
        _, number = attempts.hand_in(store, kept.sitting, kept.confidence, scheduler)
        kept.attempt_id = store.attempt_id(number)
        store.update_running_exam(kept.id, run=kept.run.state(), attempt_id=kept.attempt_id,
                                  touched=_at(kept.run.clock()))
        return number
    found = store.attempt_number(kept.attempt_id)
    if found is None:  # the attempt was removed since
        raise NoSuchExam("this exam's attempt is gone")
    return found


def settle(store: Store, ticks: Callable[[], float], scheduler_of: Callable[[str], object]) -> int:
    """Apply the rule for exams nobody came back to (the module's docstring) to the store's
    learner; ``scheduler_of(deck id)`` gives the scheduler a hand-in counts answers with.
    Returns how many exams were handed in."""
    now = _at(ticks())
    kept = store.running_exams()
    drop = [i for i, deadline, touched, done in kept
            if (done and touched < now - KEEP_FINISHED) or (not done and deadline is None and touched < now - ABANDONED)]
    store.drop_running_exams(drop)
    open_ = [(i, deadline) for i, deadline, _, done in kept if not done and i not in drop]
    due = [i for i, deadline in open_ if deadline is not None and deadline <= now]
    due += [i for i, _ in open_[:max(0, len(open_) - MAX_RUNNING)] if i not in due]
    handed = 0
    for exam_id in due:
        try:
            with opened(store, exam_id, ticks) as held:
                if held.run.current() is not None:  # time is up: current() has handed it in
                    held.run.hand_in()
                hand_in(store, held, scheduler_of(held.sitting.deck.id))
                handed += 1
        except NoSuchExam:  # handed in or dropped by another request meanwhile
            continue
    return handed


__all__ = ["ABANDONED", "KEEP_FINISHED", "MAX_RUNNING", "Kept", "NoSuchExam", "hand_in", "opened", "settle", "start"]
