"""The mock final: draw, shuffle, skip order, score, pass mark, calibration. No terminal.

Time comes in as numbers from an injected clock; the screen only renders and reads keys.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from srs.model import AGAIN, GOOD, LETTERS, CardKind, Rating, StudyCard, letter_index, needed

CONFIDENCE_LEVELS = {1: "guessing", 2: "unsure", 3: "fairly sure", 4: "certain"}
#: the probability of being right that each level states (1: chance among the choices)
STATED = {2: 0.50, 3: 0.80, 4: 1.00}


@dataclass(frozen=True)
class Question:
    """A card as shown in one attempt: ``order[i]`` is the card's own choice at displayed slot i."""

    card: StudyCard
    order: tuple[int, ...]

    @property
    def choices(self) -> list[str]:
        assert self.card.choices is not None
        return [self.card.choices[i] for i in self.order]

    def card_letter(self, shown: str) -> str:
        """The card's own letter for a displayed letter."""
        return LETTERS[self.order[letter_index(shown)]]

    def shown_letter(self, card_letter: str) -> str:
        return LETTERS[self.order.index(letter_index(card_letter))]

    @property
    def valid(self) -> str:
        return LETTERS[: len(self.order)]


def draw(cards: Sequence[StudyCard], count: int | None, seed: int) -> list[Question]:
    """``count`` multiple-choice cards in a seeded random order, each with shuffled choices."""
    pool = sorted((c for c in cards if c.kind is CardKind.MC and c.choices), key=lambda c: (c.deck_id, c.position, c.card_id))
    rng = random.Random(seed)
    n = len(pool) if count is None else min(count, len(pool))
    picked = rng.sample(pool, n)
    questions = []
    for card in picked:
        order = list(range(len(card.choices or ())))
        rng.shuffle(order)
        questions.append(Question(card, tuple(order)))
    return questions


@dataclass
class Answer:
    chosen: str | None = None  # the card's own letter; None: not answered
    confidence: int | None = None
    seconds: float = 0.0


class ExamRunState(TypedDict):
    """A running exam's progress as plain values (JSON), as ``ExamRun.state()`` gives it."""

    answers: list[list[Any]]        # [chosen letter or None, confidence or None, seconds]
    pending: list[int]              # the questions still to ask, in order
    started: float
    finished: float | None
    timed_out: bool
    shown_at: float | None


class ExamRun:
    """The order questions are asked in: first to last, then skipped ones in the order
    skipped (again and again), until all are answered, the exam is handed in, or time is up.
    ``clock`` gives seconds (monotonic); ``limit`` is the time allowed in seconds (None: no timer)."""

    def __init__(self, questions: Sequence[Question], limit: float | None, clock: Callable[[], float]) -> None:
        self.questions = list(questions)
        self.answers = [Answer() for _ in questions]
        self.limit = limit
        self.clock = clock
        self.started = clock()
        self.finished: float | None = None
        self.timed_out = False
        self._pending: deque[int] = deque(range(len(questions)))
        self._shown_at: float | None = None

    def remaining(self) -> float | None:
        if self.limit is None:
            return None
        return max(0.0, self.limit - (self.clock() - self.started))

    def time_up(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def current(self) -> int | None:
        """The index of the question to ask now; None when the exam is over."""
        if self.finished is not None:
            return None
        if self.time_up():
            self.timed_out = True
            self.hand_in()
            return None
        if not self._pending:
            self.hand_in()
            return None
        if self._shown_at is None:
            self._shown_at = self.clock()
        return self._pending[0]

    def position(self) -> int:
        """How many questions are answered (for 'question k of N')."""
        return sum(1 for a in self.answers if a.chosen is not None)

    def _spent(self) -> float:
        spent = self.clock() - (self._shown_at if self._shown_at is not None else self.clock())
        self._shown_at = None
        return spent

    def answer(self, shown_letter: str, confidence: int | None = None) -> None:
        index = self._pending.popleft()
        q = self.questions[index]
        if shown_letter.upper() not in q.valid:
            self._pending.appendleft(index)
            raise ValueError(f"{shown_letter!r} is not one of {', '.join(q.valid)}")
        a = self.answers[index]
        a.chosen = q.card_letter(shown_letter)
        a.confidence = confidence
        a.seconds += self._spent()

    @property
    def unanswered(self) -> int:
        """Questions still to answer (skipped ones among them)."""
        return len(self._pending)

    def skip(self) -> None:
        index = self._pending.popleft()
        self.answers[index].seconds += self._spent()
        self._pending.append(index)

    def hand_in(self) -> None:
        """End the run. A timed run ends at its limit at the latest (handed in later, as an
        exam left open in a browser is, it took no more than the time allowed)."""
        if self.finished is None:
            end = self.clock()
            if self.limit is not None:
                end = min(end, self.started + self.limit)
            if self._shown_at is not None and self._pending:
                self.answers[self._pending[0]].seconds += max(0.0, end - self._shown_at)
            self._shown_at = None
            self.finished = end

    def state(self) -> ExamRunState:
        """The run's progress as plain values (JSON): answers, the order still to ask, times."""
        return {"answers": [[a.chosen, a.confidence, a.seconds] for a in self.answers],
                "pending": list(self._pending), "started": self.started, "finished": self.finished,
                "timed_out": self.timed_out, "shown_at": self._shown_at}

    @classmethod
    def resumed(cls, questions: Sequence[Question], limit: float | None, clock: Callable[[], float],
                state: ExamRunState) -> ExamRun:
        """The run ``state()`` described, carried on with ``clock``."""
        run = cls(questions, limit, clock)
        run.answers = [Answer(chosen, confidence, float(seconds)) for chosen, confidence, seconds in state["answers"]]
        run._pending = deque(int(i) for i in state["pending"])
        run.started, run.finished = float(state["started"]), state["finished"]
        run.timed_out, run._shown_at = bool(state["timed_out"]), state["shown_at"]
        if len(run.answers) != len(run.questions) or any(not 0 <= i < len(run.questions) for i in run._pending):
            raise ValueError("a kept exam run that does not fit its questions")
        return run

    @property
    def elapsed(self) -> float:
        end = self.finished if self.finished is not None else self.clock()
        return end - self.started


# ---------------------------------------------------------------- the report
@dataclass(frozen=True)
class TagRow:
    tag: str
    right: int
    total: int

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass(frozen=True)
class Miss:
    card: StudyCard
    chosen: str | None  # the card's own letter
    confidence: int | None


#: answers at a confidence level below which no verdict on calibration is given
FEW_FOR_CALIBRATION = 5
#: how far accuracy may be from the stated confidence and still be "about right"
ABOUT_RIGHT = 0.15


@dataclass(frozen=True)
class CalibrationRow:
    level: int
    label: str
    stated: float
    answered: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def verdict(self) -> str | None:
        """"about right" (accuracy within ``ABOUT_RIGHT`` of the stated confidence),
        "underconfident", "overconfident", or "too few to judge" (fewer than
        ``FEW_FOR_CALIBRATION`` answers); None with no answer at this level."""
        if self.accuracy is None:
            return None
        if self.answered < FEW_FOR_CALIBRATION:
            return "too few to judge"
        gap = self.accuracy - self.stated
        return "about right" if abs(gap) < ABOUT_RIGHT else ("underconfident" if gap > 0 else "overconfident")


@dataclass(frozen=True)
class Report:
    deck: str
    questions: int
    correct: int
    pass_mark: float
    seconds: float
    timed_out: bool
    tags: list[TagRow]
    misses: list[Miss]
    calibration: list[CalibrationRow] = field(default_factory=list)
    unanswered: int = 0

    @property
    def score(self) -> float:
        return self.correct / self.questions if self.questions else 0.0

    @property
    def needed(self) -> int:
        return needed(self.pass_mark, self.questions)

    @property
    def passed(self) -> bool:
        return self.correct >= self.needed

    def study_next(self, limit: int = 3) -> list[str]:
        """The weakest tags, worst first (those with a miss)."""
        weak = [t for t in self.tags if t.right < t.total]
        weak.sort(key=lambda t: (t.share, -t.total, t.tag))
        return [t.tag for t in weak[:limit]]


def report(deck: str, cards: Sequence[StudyCard], answers: Sequence[Answer], pass_mark: float, seconds: float,
           timed_out: bool = False, with_confidence: bool = False) -> Report:
    """Score an attempt: unanswered questions count as wrong."""
    correct = 0
    by_tag: dict[str, list[int]] = {}
    misses: list[Miss] = []
    levels: dict[int, list[int]] = {level: [0, 0] for level in CONFIDENCE_LEVELS}
    chance = [1 / len(c.choices) for c in cards if c.kind is CardKind.MC and c.choices]
    for card, answer in zip(cards, answers, strict=True):
        right = card.is_right(answer.chosen)
        correct += right
        for tag in card.tags or ("untagged",):
            row = by_tag.setdefault(tag, [0, 0])
            row[0] += right
            row[1] += 1
        if not right:
            misses.append(Miss(card, answer.chosen, answer.confidence))
        if answer.chosen is not None and answer.confidence in levels:
            levels[answer.confidence][0] += right
            levels[answer.confidence][1] += 1
    tags = sorted((TagRow(t, r, n) for t, (r, n) in by_tag.items()), key=lambda t: (t.share, t.tag))
    # confidently wrong answers first: they show what was learned wrongly
    misses.sort(key=lambda m: -(m.confidence or 0))
    calibration = []
    if with_confidence:
        guess = sum(chance) / len(chance) if chance else 0.25
        for level, label in CONFIDENCE_LEVELS.items():
            got, n = levels[level]
            calibration.append(CalibrationRow(level, label, STATED.get(level, guess), n, got))
    unanswered = sum(1 for a in answers if a.chosen is None)
    return Report(deck, len(cards), correct, pass_mark, seconds, timed_out, tags, misses, calibration, unanswered)


def scheduling_ratings(cards: Sequence[StudyCard], answers: Sequence[Answer]) -> list[tuple[StudyCard, Rating]]:
    """What the exam tells the scheduler: right -> Good, wrong -> Again, unanswered -> nothing."""
    return [(card, GOOD if card.is_right(answer.chosen) else AGAIN)
            for card, answer in zip(cards, answers, strict=True) if answer.chosen is not None]


__all__ = ["ABOUT_RIGHT", "Answer", "CalibrationRow", "FEW_FOR_CALIBRATION", "ExamRun", "Miss", "Question", "Report", "TagRow", "draw", "report",
           "scheduling_ratings", "CONFIDENCE_LEVELS"]
