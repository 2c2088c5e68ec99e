"""Plain records that cross module boundaries: a card with one learner's state, its
memory-state snapshot, and review-log entries. No SQL, no terminal."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

NEW, LEARNING, REVIEW, RELEARNING = 0, 1, 2, 3
STATE_NAMES = {NEW: "new", LEARNING: "learning", REVIEW: "review", RELEARNING: "relearning"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class MemoryState:
    """One learner's scheduling state of one card (what the store keeps in card_states)."""

    state: int = NEW
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
        data = asdict(self)
        for key in ("due", "last_review", "buried_until"):
            data[key] = _iso(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MemoryState":
        values = dict(data)
        for key in ("due", "last_review", "buried_until"):
            values[key] = _dt(values.get(key))
        return cls(**values)

    def with_(self, **changes: Any) -> "MemoryState":
        return replace(self, **changes)


@dataclass(frozen=True)
class StudyCard:
    """A card's content with one learner's memory state."""

    key: int
    deck_id: str
    card_id: str
    kind: str
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
        return "ABCDEF".index(self.answer) if self.choices is not None else None


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


__all__ = ["MemoryState", "StudyCard", "ReviewEntry", "NEW", "LEARNING", "REVIEW", "RELEARNING", "STATE_NAMES"]
