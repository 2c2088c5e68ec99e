"""Helpers for the end-to-end tests: a small deck, running srs, reading its database."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from srs.review import choice_order
from srs.store import open_store

LETTERS = "ABCDEF"

MINI = """
[deck]
id = "mini"
name = "Mini deck"

[deck.exam]
questions = 4
minutes = 5
pass_mark = 0.75

[[card]]
id = "one"
question = "One plus one?"
choices = ["Three", "Two", "Eleven"]
answer = "B"
explanation = "Because 1 + 1 = 2."
wrong_feedback = "Count on your fingers."
tags = ["math"]

[[card]]
id = "capital"
question = "Capital of France? [not markup]"
choices = ["Paris", "Rome"]
answer = "A"
explanation = "Paris."
tags = ["geo"]

[[card]]
id = "six"
question = "Two times three?"
choices = ["Five", "Eight", "Nine", "Six"]
answer = "D"
tags = ["math"]

[[card]]
id = "blue"
question = "Colour of a clear sky?"
choices = ["Green", "Blue"]
answer = "B"
tags = ["nature"]

[[card]]
id = "basic"
question = "Say hi"
answer = "hi"
"""


def errors(stderr: str) -> str:
    """stderr without the simulated-time notice (SRS_NOW is set in the tests' environment)."""
    return "".join(line for line in stderr.splitlines(keepends=True) if not line.startswith("simulated time: "))


class Ran:
    """What ``subprocess.run`` gives (returncode, stdout, stderr), from an in-process run."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def srs(env, *args, input=None, check=True):
    """``srs ARGS`` in-process (Typer's CliRunner) with ``env`` as its environment, as the
    quick loop runs it; a bug's exception is raised, not turned into an exit code."""
    from typer.testing import CliRunner

    from srs.cli import app

    import os

    exactly = {key: None for key in os.environ if key not in env}  # as a process given ``env`` alone
    result = CliRunner().invoke(app, list(args), input=input, env={**exactly, **env})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    ran = Ran(result.exit_code, result.stdout, result.stderr)
    if check and ran.returncode != 0:
        raise AssertionError(f"srs {' '.join(args)} exited {ran.returncode}: {ran.stderr}")
    return ran


def srs_process(env, *args, input=None, check=True):
    """``python -m srs ARGS`` as a real process (for what only a process shows: start-up,
    exit codes of the interpreter, signals, several processes at once)."""
    result = subprocess.run([sys.executable, "-m", "srs", *args], env=env, input=input, capture_output=True,
                            text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"srs {' '.join(args)} exited {result.returncode}: {result.stderr}")
    return result


def cards_json(env, deck="mini"):
    return {c["card"]: c for c in json.loads(srs(env, "cards", "--deck", deck, "--json").stdout)}


def review_log(env):
    """(card name, rating, time) of every review, read straight from the database."""
    store, _ = open_store(env["SRS_DB"], env["SRS_LEARNER"])
    try:
        return [(name, e.rating, e.reviewed_at) for name, e in store.review_log()]
    finally:
        store.close()


def shown_letter(card: dict, letter: str | None = None) -> str:
    """The letter a review shows the card's own choice ``letter`` (default: the right one)
    under now, for a row of `srs cards --json`: review shuffles the choices per showing."""
    order = choice_order(card["card"], card["reps"], len(card["choices"]))
    return LETTERS[order.index(LETTERS.index(letter or card["answer"]))]


def letters(db: str, learner: str, name: str) -> tuple[str, str]:
    """(the key that answers card ``name`` (DECK/CARD) right in a review now, and one that answers
    it wrong), from its choices and answers so far in the database (what `srs cards` shows
    without the forecast that `srs cards` computes)."""
    store, _ = open_store(db, learner)
    try:
        card = store.find_card(*name.split("/", 1))
    finally:
        store.close()
    order = choice_order(name, card.memory.reps, len(card.choices))
    right = LETTERS[order.index(card.answer_index)]
    return right, next(letter for letter in LETTERS[: len(card.choices)] if letter != right)


def right_letter(env, name: str) -> str:
    """The key that answers card ``name`` (DECK/CARD) right in a review now."""
    return letters(env["SRS_DB"], env["SRS_LEARNER"], name)[0]


def wrong_letter(env, name: str) -> str:
    """A key that answers card ``name`` wrong in a review now."""
    return letters(env["SRS_DB"], env["SRS_LEARNER"], name)[1]


def next_card(env, *args) -> str:
    """The card `srs review ARGS` would show first (its name), found by quitting at once."""
    out = srs(env, "review", *args, input="q\n").stdout
    return re.search(r"─ ([a-z0-9-]+/[a-z0-9-]+) ─", out).group(1)


def cli_on_one_deck(tmp_path, monkeypatch):
    """``srs ARGS`` in-process (Typer's CliRunner) on a database that already holds one
    imported deck, "mine"; ``.db`` is its path."""
    from typer.testing import CliRunner

    from srs.cli import app

    monkeypatch.setenv("SRS_NOW", "2026-11-02T09:00:00+00:00")
    db = tmp_path / "srs.db"
    deck = tmp_path / "mine.toml"
    deck.write_text('[deck]\nid = "mine"\nname = "Mine"\n\n[[card]]\nid = "a"\nquestion = "Q?"\nanswer = "A"\n')

    def invoke(*args: str):
        return CliRunner().invoke(app, ["--db", str(db), "--learner", "tester", *args])

    assert invoke("import", str(deck)).exit_code == 0
    invoke.db = db
    return invoke


def table_rows(db) -> dict[str, int]:
    """How many rows every table of a SQLite database has (to show that nothing was written)."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        tables = [r[0] for r in con.execute("select name from sqlite_master where type = 'table'")]
        return {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()
