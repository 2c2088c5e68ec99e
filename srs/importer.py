"""Parsed decks -> store: an idempotent sync, retire / restore, one transaction per invocation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from srs.deckfile import CardSpec, DeckSpec, read_deck
from srs.errors import UserError, reading
from srs.formats import Reads, format_of
from srs.import_result import DeckResult, card_text
from srs.model import DeckRecord
from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK
from srs.store import Store
from srs.store.records import CardChange, NewCard

if TYPE_CHECKING:
    from srs.anki.apkg_read import AnkiPackage, PackageReader


def read_path(path: Path) -> DeckSpec | AnkiPackage:
    """What a file holds, by its format (``srs.formats``) and content: a whole deck (a
    DeckSpec) or cards to merge (an AnkiPackage: a file in Anki's text format, srs's CSV).
    Anki packages are opened by ``import_paths`` itself, to be read in batches."""
    fmt = format_of(path)
    if fmt.reads is Reads.TEXT:
        from srs.anki.textfile import read_anki_text, read_csv, sniff

        with reading(path):  # the reader's boundary: whatever the file's content causes is one line
            kind = sniff(path)
            if kind == "anki":
                return read_anki_text(path)
            if kind == "csv" or fmt.suffix == ".csv":
                return read_csv(path)
        return read_deck(path)
    if fmt.reads is Reads.DECK:
        return read_deck(path)
    raise UserError(f"{path}: {fmt.what} is read by srs import as a whole (import_paths)")


def sync_deck(store: Store, spec: DeckSpec, now: datetime) -> DeckResult:
    """Make the store's copy of ``spec`` equal to it. Cards are matched by id, so an edit
    keeps the card's history; cards missing from the file are retired, and restored if
    they return."""
    result = DeckResult(spec.id, spec.name)
    exam = spec.exam
    deck = DeckRecord(spec.id, spec.name, spec.description, exam is not None, exam.questions if exam else None,
                      exam.minutes if exam else DEFAULT_EXAM_MINUTES,
                      exam.pass_mark if exam else DEFAULT_PASS_MARK, spec.source, now)
    with store.atomic(write=True):
        existing_deck = store.deck(spec.id)
        if existing_deck is None:
            result.created = True
            store.save_deck(deck)
        elif replace(existing_deck, source=spec.source, updated_at=now) != deck:  # its values, source aside
            result.deck_changed = True
            store.save_deck(deck)
        existing = store.deck_cards(spec.id)
        new_cards: list[tuple[int, CardSpec]] = []
        updates: list[CardChange] = []
        new_text: list[int] = []  # cards whose text changes: any HTML kept from Anki would show the old card
        for position, card in enumerate(spec.cards):
            row = existing.pop(card.id, None) if existing else None
            if row is None:
                new_cards.append((position, card))
                result.added += 1
                continue
            text = card_text(card)
            same = text.matches(row)
            if not row.retired and row.position == position and same:
                result.unchanged += 1
                continue
            moved = position if row.position != position else None
            if not same:
                new_text.append(row.key)
            if row.retired:
                updates.append(CardChange(row.key, None if same else text, moved, retired=False, updated_at=now))
                result.restored += 1
            elif not same:
                updates.append(CardChange(row.key, text, moved, updated_at=now))
                result.updated += 1
            else:
                updates.append(CardChange(row.key, position=moved))
                result.unchanged += 1
        store.update_cards(updates)
        store.save_anki_html([(key, None) for key in new_text])
        # each card made as add_cards takes it (not all at once)
        store.add_cards(NewCard(spec.id, card.id, position, card_text(card), now) for position, card in new_cards)
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


def import_paths(store: Store, paths: Sequence[Path], now: datetime, with_history: bool = False,
                 scheduler=None, on_deck_file: Callable[[DeckSpec], object] | None = None) -> list[DeckResult]:
    """Check every file first (any error: nothing is written), then import them together, in
    one transaction. Deck files (.toml, quiz text, a plain CSV) are whole decks: they sync,
    retiring what they no longer hold. Anki packages, Anki's text format and srs's CSV
    merge (srs.merge): cards are added or updated, never retired. A package is read in
    batches as it is imported (its archive and collection checked before anything is
    written). With ``with_history``, a package's review log joins this learner's history.
    ``on_deck_file`` is given each deck read from a ``.toml`` file, as read (the import's lint
    hint looks at them without reading the files again)."""
    specs: list[DeckSpec] = []
    with ExitStack() as opened:
        packages: list[AnkiPackage | PackageReader] = []
        for path in paths:
            if not path.exists():
                raise UserError(f"{path}: no such file")
            if path.is_dir():
                raise UserError(f"{path}: is a folder (name the deck files)")
            if format_of(path).reads is Reads.PACKAGE:
                from srs.anki.apkg_read import open_package

                reader = opened.enter_context(open_package(path, with_history))
                if reader.is_empty():
                    raise UserError(f"{path}: the package holds no notes to import")
                packages.append(reader)
                continue
            read = read_path(path)
            if isinstance(read, DeckSpec):
                specs.append(read)
                if on_deck_file is not None and path.suffix.lower() == ".toml":
                    on_deck_file(read)
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
