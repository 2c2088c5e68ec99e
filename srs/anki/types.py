"""The records the Anki readers and writers share: a card as read (its schedule, its review
log, where it came from, the HTML its templates render), a package read whole, a note srs
skips, and a card on its way out."""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from srs.anki.ids import deck_id, guid
from srs.deckfile import CardSpec, DeckSpec
from srs.model import StudyCard


@dataclass(frozen=True)
class AnkiReview:
    rating: int
    at: datetime
    duration_ms: int


@dataclass(frozen=True)
class AnkiSchedule:
    """A card's scheduling as Anki keeps it: its type (0 new, 1 learning, 2 review,
    3 relearning), queue (-1 suspended, -2/-3 buried), due date, counts and, when the
    collection uses FSRS, its memory state."""

    type: int
    queue: int
    due: datetime | None
    reps: int
    lapses: int
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.queue == -1


#: a card no one has studied (what a text file's rows are)
NEW = AnkiSchedule(0, 0, None, 0, 0)


@dataclass(frozen=True)
class CardHtml:
    """A card as its note's templates render it (HTML from a stranger: shown only through a
    sanitiser): the question side, and the answer side below the question."""

    question: str
    answer: str
    css: str = ""  # its note type's style sheet (shown only through srs/web/card_style.py)


@dataclass(frozen=True)
class AnkiCard:
    """One Anki card as srs will keep it: the card as rendered by its note's templates (as
    text, and as HTML when that says more than the text), and where it came from (the
    note's GUID, the card's ord, the Anki deck's name)."""

    spec: CardSpec
    guid: str
    ord: int
    deck: str
    notetype: str
    schedule: AnkiSchedule
    reviews: tuple[AnkiReview, ...] = ()
    target: tuple[str, str] | None = None  # (srs deck id, card id) when the file carries them
    html: CardHtml | None = None  # None: the card shows its text (srs's own note types, plain cards)


@dataclass(frozen=True)
class Skipped:
    """A note (or one of its cards) that srs does not import, named, and why."""

    note: str
    reason: str
    deck: str = ""


@dataclass
class AnkiPackage:
    cards: list[AnkiCard] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    source: str = ""
    history: bool = True  # a package has a review log (a text file does not)
    media: dict[str, bytes | bytearray] = field(default_factory=dict)  # the media files the cards use, by name
    renders_html: bool = False  # its cards carry the HTML their templates render (an Anki package)
    ids_from_guids: bool = False  # each card's id is srs.anki.ids.card_id(its note's GUID, ord, many): a package's
    carries_targets = True  # placements() may name an srs card (a CSV's deck and id columns)

    # the reading interface of PackageReader, for a package already in memory
    def placements(self, known: Container[str] | None = None
                   ) -> Iterator[tuple[str, int, str, tuple[str, str] | None]]:
        """As PackageReader.placements: with ``known``, the cards a merge may recognise (those
        that carry a target, the first cards of the notes ``known`` names)."""
        for card in self.cards:
            if known is None or card.target is not None or (card.ord == 0 and card.guid in known):
                yield card.guid, card.ord, card.deck, card.target

    def batches(self, size: int = 5_000) -> Iterator[list[AnkiCard]]:
        for i in range(0, len(self.cards), size):
            yield self.cards[i:i + size]

    def read_media(self, used: set[str]) -> Iterator[tuple[str, bytes | bytearray]]:
        """(name, content) of each media file ``used`` names that the package holds."""
        for name in sorted(used):
            if name in self.media:
                yield name, self.media[name]

    @property
    def reviews(self) -> list[AnkiReview]:
        return [r for c in self.cards for r in c.reviews]

    @property
    def decks(self) -> list[DeckSpec]:
        """The cards grouped by Anki deck, each deck under its own id (``deck_id``)."""
        by_deck: dict[str, list[CardSpec]] = {}
        for card in self.cards:
            by_deck.setdefault(card.deck, []).append(card.spec)
        return [DeckSpec(deck_id(name), name, "", None, tuple({c.id: c for c in cards}.values()), self.source)
                for name, cards in by_deck.items()]


@dataclass(frozen=True)
class ExportCard:
    """A card on its way to Anki: when it changed, and the Anki note it came from."""

    card: StudyCard
    updated_at: datetime
    anki_guid: str | None = None  # the Anki note the card came from: exported as that note again

    @property
    def guid(self) -> str:
        return self.anki_guid or guid(self.card.deck_id, self.card.card_id)


__all__ = ["NEW", "AnkiCard", "AnkiPackage", "AnkiReview", "AnkiSchedule", "CardHtml", "ExportCard", "Skipped"]
