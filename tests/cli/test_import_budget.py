"""The import budget of the hot commands: `srs decks` and `srs review` up to its first card
start in a fraction of a second only while they import what they use. Each command runs
as a real process under ``python -X importtime`` on a small database already at the head
schema, and the modules it loaded are checked against what it must not need. An import-set
test, not a timing test: it fails on the import, whatever the machine's speed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.factories import deck, make_store

pytestmark = pytest.mark.slow

#: never needed to list decks or to show a review card (the store keeps its typed ORM models, so
#: sqlalchemy.orm is in; every hot read is Core)
NEVER = ("alembic", "pydantic", "numpy", "fsrs_rs_python", "zstandard", "tomli_w",
         "platformdirs", "rich.progress", "rich.live", "srs.forecast", "srs.optimize", "srs.anki", "srs.importer",
         "srs.deckfile", "srs.export", "srs.merge", "srs.lint", "srs.exam_report", "srs.ui.exam_screen",
         "srs.web", "starlette", "jinja2", "uvicorn", "multipart")
#: what each command must not import on top of NEVER
BUDGET = {
    ("decks",): ("fsrs", "srs.scheduler", "srs.review", "srs.queue", "srs.ui.review_screen"),
    ("decks", "--json"): ("fsrs", "srs.scheduler", "rich"),
    ("review",): (),
}


def imported(args: list[str], db: str, stdin: str = "") -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=db, SRS_LEARNER="alice", HOME=os.environ["HOME"])
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "srs", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def loaded(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.fixture
def small_db(tmp_path) -> str:
    path = str(tmp_path / "budget.db")
    make_store(path, deck("d", cards=5)).close()
    return path


@pytest.mark.parametrize("args", list(BUDGET), ids=" ".join)
def test_hot_commands_import_only_what_they_need(args, small_db):
    stdin = "q\n" if args[0] == "review" else ""
    modules = imported(list(args), small_db, stdin)
    assert "srs.store" in modules  # the command did open the database
    if args[0] == "review":
        assert "srs.ui.review_screen" in modules  # and showed a card
    over = {package: loaded(modules, package) for package in NEVER + BUDGET[args] if loaded(modules, package)}
    assert not over, f"srs {' '.join(args)} imported {over}"
