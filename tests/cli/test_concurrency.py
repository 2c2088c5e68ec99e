"""Several processes at once, and processes killed mid-session: no acknowledged answer is
lost, nothing says "database is locked", and every card's state agrees with its review log."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from itertools import pairwise

import pytest

from srs.store import open_store
from tests.cli.terminal import srs_env
from tests.factories import deck
from tests.oracle import replay

pytestmark = pytest.mark.slow  # real srs processes

N_CARDS = 40


def big_deck_file(tmp_path) -> str:
    lines = ['[deck]\nid = "big"\nname = "Big"\n']
    for spec in deck("big", cards=N_CARDS).cards:
        choices = ", ".join(f'"{c}"' for c in spec.choices)
        lines.append(f'[[card]]\nid = "{spec.id}"\nquestion = "{spec.question}"\nchoices = [{choices}]\n'
                     f'answer = "{spec.answer}"\n')
    path = tmp_path / "big.toml"
    path.write_text("\n".join(lines))
    return str(path)


def prepared_env(tmp_path, db_url):
    env = srs_env(tmp_path, db_url, SRS_NOW="2026-11-02T09:00:00+00:00")
    subprocess.run([sys.executable, "-m", "srs", "import", big_deck_file(tmp_path)], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "srs", "config", "new_per_day", "1000"], env=env, check=True,
                   capture_output=True)
    return env


def check_log_agrees_with_states(db_url) -> int:
    """Replay each card's review log with fsrs and compare with its stored state."""
    store, _ = open_store(db_url, "tester")
    try:
        by_card: dict[int, list] = {}
        for _, entry in store.review_log():
            by_card.setdefault(entry.card_key, []).append(entry)
        for key, entries in by_card.items():
            card = replay([(e.rating, e.reviewed_at) for e in entries], card_id=key)
            stored = store.card(key).memory
            assert stored.reps == len(entries), key
            assert stored.stability == card.stability and stored.due == card.due, key
            # each log row's "before" is the previous row's "after": nothing was overwritten
            for previous, current in pairwise(entries):
                assert current.before == previous.after
        return sum(len(v) for v in by_card.values())
    finally:
        store.close()


def test_four_review_processes_at_once_lose_nothing(tmp_path, db_url):
    env = prepared_env(tmp_path, db_url)
    procs = []
    for _ in range(4):
        # every process answers A then Enter, over and over: 2 lines a card
        procs.append(subprocess.Popen([sys.executable, "-m", "srs", "review", "--limit", "25"], env=env,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True))
    acknowledged = 0
    for proc in procs:
        out, err = proc.communicate("A\n\n" * 40, timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
        acknowledged += out.count("Recorded ")
    assert acknowledged == 100
    assert check_log_agrees_with_states(db_url) == acknowledged


def test_kill_9_mid_session_keeps_every_acknowledged_answer(tmp_path, db_url):
    env = prepared_env(tmp_path, db_url)
    rng = random.Random(1234)
    acknowledged = 0
    for round_ in range(12):
        proc = subprocess.Popen([sys.executable, "-m", "srs", "review"], env=env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
        os.set_blocking(proc.stdout.fileno(), False)
        seen = b""
        answers = rng.randint(1, 6)
        deadline = time.monotonic() + 30
        for _ in range(answers):
            proc.stdin.write(b"A\n\n")
        # kill at a random moment after the session has started (a loaded machine starts
        # Python slowly): sometimes mid-answer, sometimes between answers
        kill_at = None
        while time.monotonic() < (deadline if kill_at is None else min(kill_at, deadline)):
            if kill_at is None and seen:
                kill_at = time.monotonic() + rng.uniform(0.05, 1.2)
            try:
                chunk = proc.stdout.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                seen += chunk
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        try:
            rest = proc.stdout.read()
        except BlockingIOError:
            rest = None
        seen += rest or b""
        proc.stdin.close()
        proc.stdout.close()
        acknowledged += seen.count(b"Recorded ")
        stored = check_log_agrees_with_states(db_url)
        # every answer the learner was told about is there; at most the one in flight more
        assert acknowledged <= stored <= acknowledged + round_ + 1
        acknowledged = stored
    assert acknowledged > 0
    if "://" not in db_url:
        import sqlite3

        with sqlite3.connect(db_url) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_four_first_runs_at_once_make_one_database(tmp_path, engine):
    """Four processes start on a database that does not exist yet: one makes it (at the head
    schema, then loads the bundled deck) while the others wait for its lock or find it made;
    none fails (no "tables srs did not make" from a schema made between two looks), each
    lists the decks as they stand (none yet, or the bundled one), and the bundled deck is
    there once."""
    with empty_database(tmp_path, engine) as db:
        first_runs(tmp_path, db)


@contextlib.contextmanager
def empty_database(tmp_path, engine: str):
    """The URL (or path) of a database that does not exist yet (SQLite) or is empty (a
    PostgreSQL database made for the test and dropped after it)."""
    if engine == "sqlite":
        yield str(tmp_path / "new.db")
        return
    from tests.dbs import create_pg_database, drop_pg_database, require_postgres

    require_postgres()
    db, name = create_pg_database()
    try:
        yield db
    finally:
        drop_pg_database(name)


def first_runs(tmp_path, db: str) -> None:
    env = srs_env(tmp_path, db)
    procs = [subprocess.Popen([sys.executable, "-m", "srs", "decks", "--json"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outs]
    import json

    from srs.store.engine import HEAD

    listed = [sorted(d["id"] for d in json.loads(out)) for out, _ in outs]
    store, fresh = open_store(db, "tester")
    try:
        bundled = [d.id for d in store.decks()]
        assert not fresh and bundled and all(decks in ([], bundled) for decks in listed)
        with store.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [HEAD]
    finally:
        store.close()


@pytest.mark.parametrize("engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_four_processes_upgrade_an_old_database_once(tmp_path, engine):
    """A database at an older schema (0013) opened by four processes at once: one upgrades it
    while the others wait for the schema lock, then find it at the head; none fails."""
    from srs.store.engine import HEAD
    from tests.test_migrations import upgrade_to

    with empty_database(tmp_path, engine) as db:
        upgrade_to(db, "0013")
        env = srs_env(tmp_path, db)
        procs = [subprocess.Popen([sys.executable, "-m", "srs", "decks", "--json"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0] * 4, [err for _, err in outs]
        store, fresh = open_store(db, "tester")
        try:
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == [HEAD]
        finally:
            store.close()
