"""The plain records every layer shares: card kinds, ratings and states, a card with one
learner's memory state, decks, review-log entries, exam attempts. No SQL, no terminal."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from enum import IntEnum, StrEnum
from typing import Any, NamedTuple, TypedDict, TypeVar

# the letters of multiple-choice answers (LETTERS) and a deck's default exam: srs.rules
from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK, LETTERS


class State(IntEnum):
    """A card's scheduling state for one learner (the values are stored)."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


NEW, LEARNING, REVIEW, RELEARNING = State.NEW, State.LEARNING, State.REVIEW, State.RELEARNING
STATE_NAMES = {s: s.name.lower() for s in State}


class Rating(IntEnum):
    """How an answer went (FSRS's four ratings; the values are stored)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY
RATING_NAMES = {r: r.name.capitalize() for r in Rating}


class CardKind(StrEnum):
    """What a card asks: pick one of its lettered choices, or recall a free answer."""

    MC = "mc"
    BASIC = "basic"

    @classmethod
    def of(cls, choices: Sequence[str] | None) -> "CardKind":
        """The one place that decides: a card with choices is multiple choice."""
        return cls.MC if choices is not None else cls.BASIC


def letter_index(letter: str) -> int:
    """0 for "A", 1 for "B", ..."""
    return LETTERS.index(letter.upper())


def needed(pass_mark: float, questions: int) -> int:
    """Right answers needed to pass; the pass mark is inclusive (14 of 20 at 0.70)."""
    return max(0, math.ceil(pass_mark * questions - 1e-9))


R = TypeVar("R")


def replaced(record: R, **changes: Any) -> R:
    """``dataclasses.replace(record, **changes)`` of a frozen dataclass: the same record, made by
    copying its fields (``replace`` calls ``__init__``, which sets every field through
    ``object.__setattr__``: about five times slower, and an answer makes three). A class with a
    ``__post_init__``, or a name that is not a field, goes through ``replace`` itself."""
    cls = type(record)
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    if hasattr(cls, "__post_init__") or not all(name in names for name in changes):
        return replace(record, **changes)  # type: ignore[type-var]
    new = object.__new__(cls)
    fields_of = new.__dict__
    fields_of.update(record.__dict__)
    fields_of.update(changes)
    return new


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class MemoryState:
    """One learner's scheduling state of one card (what the store keeps in card_states)."""

    state: State = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0
    suspended: bool = False
    buried_until: datetime | None = None
    leech: bool = False

    def to_dict(self) -> dict[str, Any]:
        # by hand, not dataclasses.asdict (which deep-copies): this runs for every review row
        return {"state": int(self.state), "step": self.step, "stability": self.stability,
                "difficulty": self.difficulty, "due": _iso(self.due), "last_review": _iso(self.last_review),
                "reps": self.reps, "lapses": self.lapses, "suspended": self.suspended,
                "buried_until": _iso(self.buried_until), "leech": self.leech}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MemoryState":
        values = dict(data)
        for key in ("due", "last_review", "buried_until"):
            values[key] = _dt(values.get(key))
        values["state"] = State(values.get("state", NEW))
        return cls(**values)

    def with_(self, **changes: Any) -> "MemoryState":
        return replaced(self, **changes)


@dataclass(frozen=True)
class StudyCard:
    """A card's content with one learner's memory state."""

    key: int
    deck_id: str
    card_id: str
    kind: CardKind
    question: str
    answer: str
    choices: tuple[str, ...] | None = None
    explanation: str = ""
    wrong_feedback: str = ""
    tags: tuple[str, ...] = ()
    memory: MemoryState = field(default_factory=MemoryState)
    has_state: bool = False  # a card_states row exists
    position: int = 0

    @property
    def name(self) -> str:
        return f"{self.deck_id}/{self.card_id}"

    @property
    def answer_index(self) -> int | None:
        """The right choice's index for a multiple-choice card (None for a basic one)."""
        return letter_index(self.answer) if self.kind is CardKind.MC else None

    @property
    def right_choice(self) -> str:
        """The right choice's text (multiple choice), or the answer (basic)."""
        return self.choices[letter_index(self.answer)] if self.kind is CardKind.MC and self.choices else self.answer

    def is_right(self, chosen: str | None) -> bool:
        """Whether the card's own letter ``chosen`` is its answer (None: not answered)."""
        return chosen is not None and chosen == self.answer


@dataclass(frozen=True)
class ReviewEntry:
    """One row of the review log."""

    id: int
    card_key: int
    rating: int
    reviewed_at: datetime
    duration_ms: int
    source: str
    state_before: int
    before: MemoryState | None
    after: MemoryState
    correct: bool | None = None  # what was answered: the right letter or not (None: not known)


@dataclass(frozen=True)
class DeckRecord:
    """A deck's own values (its cards aside)."""

    id: str
    name: str
    description: str = ""
    exam_enabled: bool = False
    exam_questions: int | None = None
    exam_minutes: float = DEFAULT_EXAM_MINUTES
    exam_pass_mark: float = DEFAULT_PASS_MARK
    source: str = ""
    updated_at: datetime | None = None


def record_maker(cls: type) -> Any:
    """A function making ``cls(*values)`` of a frozen dataclass from every field's value, in
    field order: the same record without the dataclass's ``__init__``, which sets each field
    through ``object.__setattr__`` (for the records the store reads by the hundred thousand).
    Written out for ``cls`` as dataclasses write ``__init__`` (each field one store into the
    new record's ``__dict__``): a third of the ``__init__``'s time at nine fields."""
    from dataclasses import fields

    names = [f.name for f in fields(cls)]
    if not all(name.isidentifier() for name in names):  # pragma: no cover - a dataclass's fields are
        raise TypeError(f"{cls.__name__}: field names must be identifiers")
    args = [f"_{i}" for i in range(len(names))]  # (positional: no field name can shadow new or cls)
    body = "".join(f"    d[{name!r}] = {arg}\n" for name, arg in zip(names, args, strict=True))
    source = f"def make({', '.join(args)}):\n    record = new(cls)\n    d = record.__dict__\n{body}    return record\n"
    scope: dict[str, Any] = {"new": object.__new__, "cls": cls}
    exec(source, scope)  # noqa: S102 - the source is built above from the dataclass's own field names
    make = scope["make"]
    make.__qualname__ = f"record_maker.<{cls.__name__}>"
    return make


@dataclass(frozen=True)
class CardContent:
    """A stored card's content, retired cards too (what the importer compares a file with)."""

    key: int
    card_id: str
    position: int
    kind: CardKind
    question: str
    choices: list[str] | None
    answer: str
    explanation: str
    wrong_feedback: str
    tags: list[str]
    retired: bool
    anki_guid: str | None = None


@dataclass(frozen=True)
class DeckSummary:
    """Per deck counts for one learner."""

    id: str
    name: str
    cards: int
    new: int
    learning: int
    review: int
    due: int
    suspended: int
    exam: bool


class ExamCard(NamedTuple):
    """A multiple-choice card with one learner's memory state as plain numbers (times in
    seconds since 1970 UTC): what readiness needs of every question of an exam deck. A
    tuple, so that 100,000 of them load quickly."""

    key: int
    deck_id: str
    card_id: str
    choices: int
    state: int                  # NEW for a card never studied
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float | None
    last_review: float | None
    reps: int = 0
    lapses: int = 0

    @property
    def name(self) -> str:
        return f"{self.deck_id}/{self.card_id}"

    def memory(self) -> MemoryState:
        def at(seconds: float | None) -> datetime | None:
            return None if seconds is None else datetime.fromtimestamp(round(seconds, 3), timezone.utc)

        return MemoryState(state=State(self.state), step=self.step, stability=self.stability,
                           difficulty=self.difficulty, due=at(self.due), last_review=at(self.last_review),
                           reps=self.reps, lapses=self.lapses)


class AttemptDict(TypedDict):
    """An attempt in `srs results --json` (docs/json.md)."""

    id: int                      # its number among the learner's attempts
    deck: str
    started_at: str
    finished_at: str
    questions: int
    correct: int
    score: float
    passed: bool
    pass_mark: float
    seed: int
    timed_out: bool
    forecast: float | None       # the pass probability srs gave before it


@dataclass(frozen=True)
class Attempt:
    """One saved mock exam. ``number`` counts the learner's attempts (1, 2, ...) in the order
    they were taken: what `srs results N` and the reports call them."""

    number: int
    id: int
    deck_id: str
    started_at: datetime
    finished_at: datetime
    questions: int
    correct: int
    score: float
    pass_mark: float
    passed: bool
    minutes: float | None
    seed: int
    timed_out: bool
    forecast: float | None

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def to_dict(self) -> AttemptDict:
        return {"id": self.number, "deck": self.deck_id, "started_at": self.started_at.isoformat(),
                "finished_at": self.finished_at.isoformat(), "questions": self.questions, "correct": self.correct,
                "score": self.score, "passed": self.passed, "pass_mark": self.pass_mark, "seed": self.seed,
                "timed_out": self.timed_out, "forecast": self.forecast}


@dataclass(frozen=True)
class AttemptAnswer:
    """One question of a saved attempt: the card's own letter chosen (None: not answered)."""

    position: int
    card: StudyCard
    chosen: str | None
    correct: bool
    confidence: int | None
    seconds: float | None
    forecast: float | None

    def to_dict(self) -> AttemptAnswerDict:
        return {"card": self.card.name, "chosen": self.chosen, "correct": self.correct,
                "confidence": self.confidence, "seconds": self.seconds, "answer": self.card.answer,
                "forecast": self.forecast}


class AttemptAnswerDict(TypedDict):
    """A question of an attempt in `srs results ID --json`."""

    card: str                    # DECK/CARD
    chosen: str | None           # the card's own letter (None: not answered)
    correct: bool
    confidence: int | None
    seconds: float | None
    answer: str                  # the right letter
    forecast: float | None       # the chance srs gave that question


class AttemptDetailDict(AttemptDict):
    """`srs results ID --json`: the attempt and its answers."""

    answers: list[AttemptAnswerDict]


class AccountDict(TypedDict):
    """An account in `srs user list --json` (never the password's hash)."""

    name: str
    teacher: bool
    created_at: str


class Account(NamedTuple):
    """A user of `srs serve`; ``name`` is their learner."""

    name: str
    teacher: bool
    created_at: datetime
    password_hash: str

    def to_dict(self) -> AccountDict:
        return {"name": self.name, "teacher": self.teacher, "created_at": self.created_at.isoformat()}


class Missed(NamedTuple):
    """A question of a deck's mock exams with how often the class got it wrong."""

    card_key: int
    name: str
    question: str
    wrong: int
    answers: int
    learners: int


__all__ = ["Account", "Missed", "LETTERS", "State", "Rating", "CardKind", "NEW", "LEARNING", "REVIEW", "RELEARNING", "STATE_NAMES",
           "AGAIN", "HARD", "GOOD", "EASY", "RATING_NAMES", "letter_index", "needed", "MemoryState", "StudyCard",
           "ReviewEntry", "DeckRecord", "CardContent", "record_maker", "DeckSummary", "ExamCard", "Attempt", "AttemptAnswer",
           "AccountDict", "AttemptAnswerDict", "AttemptDetailDict", "AttemptDict"]
