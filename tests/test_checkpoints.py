"""An interactive session's answers never wait for SQLite's write-ahead log to be checkpointed
(``Store.checkpoints_held``, what `srs review` runs its screen in): inside the block the log
only grows; at its end what it wrote is copied into the database."""

from __future__ import annotations

import os
import sqlite3

from srs.review import ReviewSession
from srs.settings import Settings
from tests.factories import T0, deck, make_store

ANSWERS = 250  # each writes a few pages: well past SQLite's 1,000-page automatic checkpoint


def frames(path: str) -> tuple[int, int]:
    """(frames in the log, frames checkpointed) after a passive checkpoint from another connection."""
    connection = sqlite3.connect(path)
    try:
        _, log, done = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return log, done
    finally:
        connection.close()


def answer_all(store) -> None:
    session = ReviewSession(store, Settings(new_per_day=ANSWERS), fuzz=False)
    for _ in range(ANSWERS):
        card = session.next(T0)
        session.answer(card, 3, T0)


def test_the_log_is_not_checkpointed_until_the_session_ends(tmp_path):
    held, plain = str(tmp_path / "held.db"), str(tmp_path / "plain.db")
    store = make_store(held, deck(cards=ANSWERS))
    with store.checkpoints_held():
        answer_all(store)
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        in_session, _ = frames(held)  # (this look checkpoints it: the end of the block's own is below)
    with store.engine.connect() as connection:  # as before after the block
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    store.close()
    other = make_store(plain, deck(cards=ANSWERS))
    answer_all(other)
    ungated, _ = frames(plain)
    other.close()
    assert in_session > 1000 > ungated  # every answer's pages kept in the log, against SQLite's own checkpoints


def test_the_end_of_the_block_checkpoints_what_it_wrote(tmp_path):
    """Even while another process has the database open (closing this one's connections is
    then no last close, which would checkpoint): the answers reach the database file itself."""
    path = str(tmp_path / "held.db")
    store = make_store(path, deck(cards=ANSWERS))
    elsewhere = sqlite3.connect(path)  # another reader, idle: it holds no snapshot
    elsewhere.execute("SELECT count(*) FROM cards").fetchone()
    try:
        with store.checkpoints_held():
            answer_all(store)
            before = os.path.getsize(path)
        after = os.path.getsize(path)
        log, done = frames(path)
    finally:
        elsewhere.close()
        store.close()
    assert after > before and log == done


def test_srs_review_runs_its_screen_with_checkpoints_held(tmp_path, monkeypatch):
    """`srs review` answers inside ``checkpoints_held`` (and the answers are kept)."""
    from srs.store.base import StoreBase
    from tests.cli.helpers import cli_on_one_deck

    run = cli_on_one_deck(tmp_path, monkeypatch)
    entered: list[bool] = []
    real = StoreBase.checkpoints_held

    def spy(self):
        entered.append(True)
        return real(self)

    monkeypatch.setattr(StoreBase, "checkpoints_held", spy)
    from typer.testing import CliRunner

    from srs.cli import app

    result = CliRunner().invoke(app, ["--db", str(run.db), "--learner", "tester", "review", "--deck", "mine"],
                                input="\n3\n")
    assert result.exit_code == 0, result.output
    assert entered == [True]
    connection = sqlite3.connect(run.db)
    try:
        assert connection.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    finally:
        connection.close()
