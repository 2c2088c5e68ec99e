"""Building collections and packages with Anki's own engine (the `anki` package), for the
tests that use it as the oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from anki.collection import Collection, DeckIdLimit
from anki.import_export_pb2 import (
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
)


def new_collection(path: Path, fsrs: bool = False) -> Collection:
    col = Collection(str(path))
    if fsrs:
        col.set_config("fsrs", True)
    return col


def add(col: Collection, notetype: str, deck: str, tags: tuple[str, ...] = (), **fields: str) -> int:
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name.replace("_", " ")] = value
    note.tags = list(tags)
    col.add_note(note, col.decks.id(deck))
    return note.id


def package(col: Collection, out: Path, scheduling: bool = True, legacy: bool = False, deck: str | None = None) -> Path:
    limit = DeckIdLimit(col.decks.id(deck)) if deck else None
    col.export_anki_package(out_path=str(out), options=ExportAnkiPackageOptions(
        with_scheduling=scheduling, with_deck_configs=False, with_media=True, legacy=legacy), limit=limit)
    return out


def answer_due(col: Collection, deck: str, n: int, rating: int = 3) -> int:
    """Answer up to ``n`` queued cards of ``deck`` with Anki's scheduler."""
    col.decks.select(col.decks.id(deck))
    done = 0
    while done < n:
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            break
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        col.sched.answer_card(col.sched.build_answer(card=card, states=top.states, rating=rating))
        done += 1
    return done


def anki_import(col: Collection, path: Path, scheduling: bool) -> None:
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(
        with_scheduling=scheduling, merge_notetypes=True,
        update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER)))


#: real packages people made with Anki and published (not kept in the repository): the folder
#: ANKI_REAL_DIR names, else ``shared/anki-real`` beside the checkout
REAL_PACKAGES = Path(os.environ.get("ANKI_REAL_DIR") or Path(__file__).resolve().parents[2] / "shared" / "anki-real")


def real_package(name: str) -> Path:
    """One of the real packages, or the test is skipped when they are not at hand."""
    path = REAL_PACKAGES / name
    if not path.is_file():
        pytest.skip(f"the real Anki packages are not at hand ({path}): set ANKI_REAL_DIR")
    return path
