"""Parsed decks -> store: an idempotent sync, retire / restore, one transaction per invocation."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from srs.deckfile import CardSpec, DeckSpec, read_deck
from srs.errors import UserError, reading
from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK
from srs.store import Store


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
    skipped: list[dict[str, str]] = field(default_factory=list)  # notes not imported: {"note", "reason"}

    def to_dict(self) -> dict[str, object]:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self.__dict__.items()}


def read_path(path: Path):
    """What a file holds, by its extension and content: a whole deck (a DeckSpec) or cards
    to merge (an AnkiPackage: a file in Anki's text format, srs's CSV). Anki packages are
    opened by ``import_paths`` itself, to be read in batches."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        from srs.anki.textfile import read_anki_text, read_csv, sniff

        with reading(path):  # the reader's boundary: whatever the file's content causes is one line
            kind = sniff(path)
            if kind == "anki":
                return read_anki_text(path)
            if kind == "csv" or suffix == ".csv":
                return read_csv(path)
        return read_deck(path)
    if suffix == ".toml":
        return read_deck(path)
    raise UserError(f"{path}: cannot import {suffix or 'a file without extension'} "
                    "(known: .toml, .txt, .apkg, .colpkg, .csv)")


def content_of(spec: CardSpec, as_written: bool = False) -> dict[str, object]:
    """A card's content as the cards table's column values: choices and tags as the lists
    stored rows read back as (to compare with them), or ``as_written`` the card's own
    tuples, for a new row (a JSON column writes a tuple as the list it was copied to)."""
    choices, tags = spec.choices, spec.tags
    if not as_written:
        choices, tags = (list(choices) if choices is not None else None), list(tags)
    return {"kind": spec.kind.value, "question": spec.question, "choices": choices, "answer": spec.answer,
            "explanation": spec.explanation, "wrong_feedback": spec.wrong_feedback, "tags": tags}


def _same(row, card: CardSpec) -> bool:
    """Whether a stored card's content is ``content_of(card)``, compared as sync_deck does."""
    choices = card.choices
    return (row.question == card.question and row.answer == card.answer and row.explanation == card.explanation
            and row.wrong_feedback == card.wrong_feedback and row.kind == card.kind.value
            and row.choices == (list(choices) if choices is not None else None) and row.tags == list(card.tags))


def sync_deck(store: Store, spec: DeckSpec, now: datetime) -> DeckResult:
    """Make the store's copy of ``spec`` equal to it. Cards are matched by id, so an edit
    keeps the card's history; cards missing from the file are retired, and restored if
    they return."""
    result = DeckResult(spec.id, spec.name)
    deck_values = {
        "name": spec.name,
        "description": spec.description,
        "exam_enabled": spec.exam is not None,
        "exam_questions": spec.exam.questions if spec.exam else None,
        "exam_minutes": spec.exam.minutes if spec.exam else DEFAULT_EXAM_MINUTES,
        "exam_pass_mark": spec.exam.pass_mark if spec.exam else DEFAULT_PASS_MARK,
    }
    with store.atomic(write=True):
        existing_deck = store.deck(spec.id)
        if existing_deck is None:
            result.created = True
            store.save_deck(spec.id, source=spec.source, updated_at=now, **deck_values)
        elif any(getattr(existing_deck, k) != v for k, v in deck_values.items()):
            result.deck_changed = True
            store.save_deck(spec.id, source=spec.source, updated_at=now, **deck_values)
        existing = store.deck_cards(spec.id)
        new_cards, updates = [], []
        for position, card in enumerate(spec.cards):
            row = existing.pop(card.id, None) if existing else None
            if row is None:
                new_cards.append((position, card))
                result.added += 1
                continue
            if not row.retired and row.position == position and _same(row, card):
                result.unchanged += 1
                continue
            content = content_of(card)
            changed = {k: v for k, v in content.items() if getattr(row, k) != v}
            if row.position != position:
                changed["position"] = position
            if row.retired:
                updates.append((row.key, dict(changed, retired=False, updated_at=now)))
                result.restored += 1
            elif any(k != "position" for k in changed):
                updates.append((row.key, dict(changed, updated_at=now)))
                result.updated += 1
            else:
                if changed:
                    updates.append((row.key, changed))
                result.unchanged += 1
        store.update_cards(updates)
        # each row made as add_cards takes it (not all at once)
        store.add_cards({"deck_id": spec.id, "card_id": card.id, "position": position, "retired": False,
                         "created_at": now, "updated_at": now, **content_of(card, as_written=True)}
                        for position, card in new_cards)
        gone = [row.key for row in existing.values() if not row.retired]
        store.retire_cards(gone, now)
        result.retired = len(gone)
    return result


def import_decks(store: Store, specs: Sequence[DeckSpec], now: datetime) -> list[DeckResult]:
    """Sync every deck in one transaction: all of them or none."""
    seen: dict[str, str] = {}
    for spec in specs:
        if spec.id in seen and seen[spec.id] != spec.source:
            raise UserError(f"deck id {spec.id!r} comes from both {seen[spec.id]} and {spec.source}")
        seen[spec.id] = spec.source
    with store.atomic(write=True):
        return [sync_deck(store, spec, now) for spec in specs]


PACKAGES = (".apkg", ".colpkg")  # a deck package or a whole collection


def import_paths(store: Store, paths: Sequence[Path], now: datetime, with_history: bool = False,
                 scheduler=None) -> list[DeckResult]:
    """Check every file first (any error: nothing is written), then import them together, in
    one transaction. Deck files (.toml, quiz text, a plain CSV) are whole decks: they sync,
    retiring what they no longer hold. Anki packages, Anki's text format and srs's CSV
    merge (srs.merge): cards are added or updated, never retired. A package is read in
    batches as it is imported (its archive and collection checked before anything is
    written). With ``with_history``, a package's review log joins this learner's history."""
    specs: list[DeckSpec] = []
    with ExitStack() as opened:
        packages = []
        for path in paths:
            if not path.exists():
                raise UserError(f"{path}: no such file")
            if path.is_dir():
                raise UserError(f"{path}: is a folder (name the deck files)")
            if path.suffix.lower() in PACKAGES:
                from srs.anki.apkg_read import open_package

                reader = opened.enter_context(open_package(path, with_history))
                if reader.is_empty():
                    raise UserError(f"{path}: the package holds no notes to import")
                packages.append(reader)
                continue
            read = read_path(path)
            if isinstance(read, DeckSpec):
                specs.append(read)
            else:
                packages.append(read)
        if with_history and not any(p.history for p in packages):
            raise UserError("--with-history reads the review log of Anki packages (.apkg, .colpkg)")
        with store.atomic(write=True):
            results = import_decks(store, specs, now)
            if packages:
                from srs.merge import Merger

                merger = Merger(store, now)
                for package in packages:
                    merger.merge(package, with_history and package.history, scheduler)
                results += list(merger.results.values())
    return results


def bundled_paths() -> list[Path]:
    """The deck files shipped with srs (inside the wheel, or the checkout's decks/)."""
    packaged = resources.files("srs") / "decks"
    folder = Path(str(packaged))
    if not folder.is_dir():
        folder = Path(__file__).resolve().parent.parent / "decks"
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_bundled(store: Store, now: datetime) -> list[DeckResult]:
    return import_paths(store, bundled_paths(), now)


__all__ = ["DeckResult", "bundled_paths", "import_decks", "import_paths", "load_bundled", "read_path", "sync_deck"]
