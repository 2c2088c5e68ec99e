"""Small builders shared by the tests: decks, stores, times."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from srs.deckfile import CardSpec, DeckSpec, ExamSettings
from srs.importer import import_decks
from srs.store import Store, open_store

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

#: scrypt's N for the tests' passwords (the fixture ``cheap_scrypt``, the web tests' accounts):
#: a hash or a sign-in costs ~50 ms at srs's own N (2**14), under 1 ms here; the stored text names
#: its N, which the check reads (tests/cli/test_users_cli.py checks the N that ``srs user add`` stores)
TEST_SCRYPT_N = 2**10


def mc_card(card_id: str, answer: str = "B", tags: tuple[str, ...] = ("t",), n: int = 4) -> CardSpec:
    choices = tuple(f"{card_id} choice {i}" for i in range(n))
    return CardSpec(card_id, f"Question {card_id}?", answer, choices, f"why {card_id}", f"wrong {card_id}", tags)


def basic_card(card_id: str) -> CardSpec:
    return CardSpec(card_id, f"Basic {card_id}?", f"answer {card_id}")


#: the exam a test deck has unless it says otherwise
EXAM = ExamSettings(None, 30, 0.7)


def deck(deck_id: str = "d", cards: int = 10, exam: ExamSettings | None = EXAM,
         basic: int = 0) -> DeckSpec:
    specs = [mc_card(f"c{i:03d}", "ABCD"[i % 4], (("even",) if i % 2 == 0 else ("odd",))) for i in range(cards)]
    specs += [basic_card(f"b{i:03d}") for i in range(basic)]
    return DeckSpec(deck_id, f"Deck {deck_id}", "", exam, tuple(specs), f"{deck_id}.toml")


_BUILT: dict[tuple, Path] = {}  # (decks, learner) -> an SQLite file that holds just them
_BUILT_IN = tempfile.TemporaryDirectory(prefix="srs-test-stores-")


def make_store(db: str | Path, *decks: DeckSpec, learner: str = "alice") -> Store:
    """A store on ``db`` (a database URL, an SQLite path, or a folder for a new SQLite file).

    A new SQLite file is a copy of the first one made with the same decks and learner (the
    import at T0 - 1 day writes the same database every time)."""
    if isinstance(db, Path) and db.is_dir():
        db = db / "test.db"
    path = str(db)
    if "://" in path or os.path.exists(path):
        store, _ = open_store(path, learner)
        import_decks(store, list(decks), T0 - timedelta(days=1))
        return store
    key = (decks, learner)
    if key not in _BUILT:
        built = Path(_BUILT_IN.name) / f"{len(_BUILT)}.db"
        store, _ = open_store(str(built), learner)
        import_decks(store, list(decks), T0 - timedelta(days=1))
        store.close()  # the last connection closed: the write-ahead log is in the file
        assert not Path(f"{built}-wal").exists()
        _BUILT[key] = built
    shutil.copyfile(_BUILT[key], path)
    return open_store(path, learner)[0]


def mutated(parts: list[str], rnd, marks: tuple[str, ...]) -> str:
    """Deck-file fragments joined, and half the time one character replaced by one of
    ``marks`` (or dropped): text close to a deck, for parsers' property tests."""
    text = "".join(parts)
    if text and rnd.random() < 0.5:
        cut = rnd.randrange(len(text))
        text = text[:cut] + rnd.choice(marks) + text[cut + 1:]
    return text
