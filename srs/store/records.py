"""What the store's writing methods take, as records (the table columns stay in the store):
a card's text, a new card, a change to a stored card, an attempt and its answers. A deck's
own values are ``srs.model.DeckRecord``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from srs.model import CardContent, CardKind


class CardText(NamedTuple):
    """What a card says: the content an import writes and compares. (A named tuple: an
    import makes one per card, a third of a frozen dataclass's cost.)"""

    kind: CardKind
    question: str
    choices: tuple[str, ...] | None
    answer: str
    explanation: str
    wrong_feedback: str
    tags: tuple[str, ...]

    def matches(self, row: CardContent) -> bool:
        """Whether a stored card (choices and tags read back as lists) says this."""
        choices = self.choices
        return (row.question == self.question and row.answer == self.answer and row.explanation == self.explanation
                and row.wrong_feedback == self.wrong_feedback and row.kind == self.kind.value
                and row.choices == (list(choices) if choices is not None else None) and row.tags == list(self.tags))

    def columns(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "question": self.question, "choices": self.choices, "answer": self.answer,
                "explanation": self.explanation, "wrong_feedback": self.wrong_feedback, "tags": self.tags}


class NewCard(NamedTuple):
    """A card to add (a named tuple, as CardText)."""

    deck_id: str
    card_id: str
    position: int
    text: CardText
    at: datetime                     # created (and so last updated)
    anki_guid: str | None = None     # the Anki note it came from


@dataclass(frozen=True, slots=True)
class CardChange:
    """What changes of a stored card; None: left as it is."""

    key: int
    text: CardText | None = None     # its whole content (its tags too)
    position: int | None = None
    retired: bool | None = None
    updated_at: datetime | None = None
    anki_guid: str | None = None

    def columns(self) -> dict[str, Any]:
        values = self.text.columns() if self.text is not None else {}
        for name in ("position", "retired", "updated_at", "anki_guid"):
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        return values


@dataclass(frozen=True, slots=True)
class NewAttempt:
    deck_id: str
    started_at: datetime
    finished_at: datetime
    questions: int
    correct: int
    score: float
    pass_mark: float
    passed: bool
    minutes: float | None            # None: no timer
    seed: int
    timed_out: bool
    forecast: float | None           # the pass probability forecast just before


@dataclass(frozen=True, slots=True)
class NewAnswer:
    position: int
    card_key: int
    chosen: str | None               # the card's own letter; None: unanswered
    correct: bool
    confidence: int | None
    seconds: float
    forecast: float | None           # its chance, forecast just before


def columns_of(record: Any) -> dict[str, Any]:
    """A flat record's fields by name (NewAttempt, NewAnswer, DeckRecord)."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


__all__ = ["CardChange", "CardText", "NewAnswer", "NewAttempt", "NewCard", "columns_of"]
