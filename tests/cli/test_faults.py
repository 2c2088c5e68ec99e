"""Faults a user can meet, each one clear line and exit 1 with nothing half-written:
a database locked for a while (waited for) or too long by another process (real processes,
slow), read-only, a bad busy timeout, an unreachable server, a full disk (in-process)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from typer.testing import CliRunner

import srs.store.engine as engine_mod
from tests.cli.helpers import srs, srs_process
from tests.cli.terminal import srs_env
from tests.cli.test_concurrency import big_deck_file



def run(env, *args, input=None):
    """``srs ARGS`` in-process (Typer's CliRunner), whatever its exit code."""
    return srs(env, *args, input=input, check=False)


def hold_lock(path: str, seconds: float, ready: threading.Event, done: threading.Event) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    ready.set()
    done.wait(seconds)
    connection.execute("ROLLBACK")
    connection.close()


def with_lock_held(env, seconds: float, *args):
    """``srs ARGS`` as a real process while this one holds the database's lock for ``seconds``
    (or until the process ends, if sooner: on a busy machine its start alone may take seconds)."""
    ready, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(env["SRS_DB"], seconds, ready, done))
    holder.start()
    ready.wait(5)
    try:
        return srs_process(env, *args, check=False)
    finally:
        done.set()
        holder.join()


@pytest.fixture
def env(tmp_path):
    e = srs_env(tmp_path)
    assert run(e, "decks").returncode == 0
    return e


@pytest.mark.slow  # a real process waiting seconds for the lock
def test_a_lock_held_for_two_seconds_is_waited_for(env, tmp_path):
    started = time.monotonic()
    result = with_lock_held(env, 2.0, "import", big_deck_file(tmp_path))
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started >= 1.5
    assert "big: 40 added" in result.stdout


@pytest.mark.slow  # a real process waiting for the lock
def test_a_lock_held_too_long_is_one_line_and_nothing_written(env, tmp_path):
    env = dict(env, SRS_BUSY_TIMEOUT="0.5")
    result = with_lock_held(env, 60.0, "import", big_deck_file(tmp_path))  # longer than it waits
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip()] and "locked by another process" in result.stderr
    assert "big" not in run(env, "decks", "--json").stdout


def test_bad_busy_timeout(env):
    result = run(dict(env, SRS_BUSY_TIMEOUT="soon"), "decks")
    assert result.returncode == 1 and result.stderr.startswith("error: SRS_BUSY_TIMEOUT")


def test_read_only_database(env, tmp_path):
    url = f"sqlite:///file:{env['SRS_DB']}?mode=ro&uri=true"
    assert run(dict(env, SRS_DB=url), "decks").returncode == 0  # reading works
    result = run(dict(env, SRS_DB=url), "import", big_deck_file(tmp_path))
    assert result.returncode == 1 and "read-only" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_postgres_server(env):
    result = run(dict(env, SRS_DB="postgresql+psycopg://nobody@127.0.0.1:9/none"), "decks")
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_full_disk_leaves_the_database_as_it_was(env, tmp_path, monkeypatch):
    """Simulated with SQLite's page limit: the import fails whole, one line, exit 1."""
    from srs.cli import app

    original = engine_mod._sqlite_setup

    def tiny_disk(engine, *args):
        original(engine, *args)
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _limit(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    before = run(env, "cards", "--json").stdout
    monkeypatch.setattr(engine_mod, "_sqlite_setup", tiny_disk)
    monkeypatch.setenv("SRS_DB", env["SRS_DB"])
    result = CliRunner().invoke(app, ["import", big_deck_file(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "disk full" in result.output
    monkeypatch.undo()
    assert run(env, "cards", "--json").stdout == before
