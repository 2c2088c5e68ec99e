"""What a deck file holds, as plain records: the deck, its exam settings, its cards; and
the rules for ids and choice counts that every reader of decks shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from srs.model import CardKind, letter_index, record_maker
from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK, MAX_CHOICES, MIN_CHOICES

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*\Z")
# a deck imported from Anki keeps its name's own script: lower-case letters and digits of
# any alphabet, and hyphens (srs.anki.ids.deck_id makes them)
DECK_ID_RE = re.compile(r"^[^\W_](?:[^\W_]|-)*\Z")


@dataclass(frozen=True)
class ExamSettings:
    questions: int | None = None  # None: all multiple-choice cards
    minutes: float = DEFAULT_EXAM_MINUTES
    pass_mark: float = DEFAULT_PASS_MARK


@dataclass(frozen=True)
class CardSpec:
    id: str
    question: str
    answer: str  # the right letter for a multiple-choice card, free text for a basic one
    choices: tuple[str, ...] | None = None
    explanation: str = ""
    wrong_feedback: str = ""
    tags: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)

    @property
    def kind(self) -> CardKind:
        return CardKind.of(self.choices)

    @property
    def answer_index(self) -> int | None:
        return letter_index(self.answer) if self.kind is CardKind.MC else None


#: CardSpec(id, question, answer, choices, explanation, wrong_feedback, tags, line) for the
#: values a deck file's checks have just passed, without the dataclass's __init__ (~4x the
#: time, for every card of a large file)
_card_spec = record_maker(CardSpec)


@dataclass(frozen=True)
class DeckSpec:
    id: str
    name: str
    description: str = ""
    exam: ExamSettings | None = None
    cards: tuple[CardSpec, ...] = ()
    source: str = ""


__all__ = ["DECK_ID_RE", "ID_RE", "MAX_CHOICES", "MIN_CHOICES", "CardSpec", "DeckSpec", "ExamSettings"]
