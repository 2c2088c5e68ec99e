"""What an import did to each deck (``DeckResult`` and its JSON shape), and a card's text as
an import writes it: shared by the importer (deck files) and srs.merge (Anki's formats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict

from srs.deckfile import CardSpec
from srs.store.records import CardText


def card_text(spec: CardSpec) -> CardText:
    return CardText(spec.kind, spec.question, spec.choices, spec.answer, spec.explanation, spec.wrong_feedback,
                    spec.tags)


class SkippedDict(TypedDict):
    note: str                 # the note's id in the package (or its first field)
    reason: str


class DeckResultDict(TypedDict):
    """A deck in `srs import --json` (docs/json.md)."""

    deck: str
    name: str
    added: int
    updated: int
    unchanged: int
    retired: int
    restored: int
    deck_changed: bool
    created: bool
    left_retired: int
    suspended: int
    reviews_added: int
    media: int
    skipped: list[SkippedDict]


@dataclass
class DeckResult:
    deck: str
    name: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    deck_changed: bool = False
    created: bool = False
    left_retired: int = 0     # in a package, retired here: left retired
    suspended: int = 0        # suspended as the package has them
    reviews_added: int = 0    # reviews taken from a package's log (--with-history)
    media: int = 0            # media files kept with the deck, new or changed
    skipped: list[SkippedDict] = field(default_factory=list)  # notes not imported

    def to_dict(self) -> DeckResultDict:
        return {"deck": self.deck, "name": self.name, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "retired": self.retired, "restored": self.restored,
                "deck_changed": self.deck_changed, "created": self.created, "left_retired": self.left_retired,
                "suspended": self.suspended, "reviews_added": self.reviews_added, "media": self.media,
                "skipped": [{"note": s["note"], "reason": s["reason"]} for s in self.skipped]}


__all__ = ["DeckResult", "DeckResultDict", "SkippedDict", "card_text"]
