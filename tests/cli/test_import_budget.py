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

#: never needed by a command that opens a database at the head schema (the store is Core:
#: no ORM; migrations only when the schema is behind)
ALWAYS_NEVER = ("sqlalchemy.orm", "alembic", "pydantic", "fsrs_rs_python", "zstandard", "tomli_w", "platformdirs",
                "srs.optimize", "srs.anki", "srs.importer", "srs.deckfile", "srs.export", "srs.merge", "srs.lint",
                "srs.web", "starlette", "jinja2", "uvicorn", "multipart")
#: never needed to list decks or cards or to show a review card; asyncio and importlib.metadata
#: (which SQLAlchemy imports) are deferred by the command line (srs.lazy_stdlib) and never used
NEVER = ALWAYS_NEVER + ("numpy", "rich.progress", "rich.live", "srs.forecast", "srs.exam_report",
                        "srs.ui.exam_screen", "asyncio", "importlib.metadata", "email", "ssl", "zipfile")
#: what each command must not import on top of NEVER
BUDGET = {
    ("decks",): ("fsrs", "srs.scheduler", "srs.review", "srs.queue", "srs.ui.review_screen"),
    ("decks", "--json"): ("fsrs", "srs.scheduler", "rich"),
    ("cards",): ("srs.review", "srs.queue", "srs.ui.review_screen"),  # FSRS: each card's recall now
    ("cards", "--json"): ("srs.review", "srs.queue", "srs.ui.review_screen", "rich"),
    ("review",): (),
    ("stats",): ("fsrs", "srs.scheduler", "srs.review", "srs.ui.review_screen"),  # its defaults need no Pydantic
}


def imported(args: list[str], db: str, stdin: str = "") -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=db, SRS_LEARNER="alice", HOME=os.environ["HOME"])
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "srs", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """``python -c code`` in a fresh process, with no SRS_ setting of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


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


def test_import_and_export_take_their_paths_without_pydantic(small_db, tmp_path):
    """Typer would make ``srs import PATH...`` and ``srs export PATH`` from text (and ``srs
    lint``'s none) through Pydantic (about 0.1 s); srs/cli/coercion.py makes them itself
    (tests/cli/test_app_coercion.py)."""
    from srs.deckfile import dump_toml
    from tests.factories import deck as make_deck

    path = tmp_path / "more.toml"
    path.write_text(dump_toml(make_deck("more", cards=3)))
    for args in (["import", str(path)], ["export", str(tmp_path / "out.toml"), "--deck", "d"], ["lint", "--deck", "d"]):
        modules = imported(args, small_db)
        assert "srs.store" in modules
        assert not loaded(modules, "pydantic") and not loaded(modules, "sqlalchemy.orm"), args


def test_a_first_run_makes_its_database_without_alembic(tmp_path):
    """A new database is made at the head schema at once (srs.store.engine.create_schema):
    the first run imports neither Alembic nor the ORM, and leaves a database at the head."""
    db = tmp_path / "first.db"
    modules = imported(["decks"], str(db))
    assert "srs.store" in modules and db.exists()
    assert not loaded(modules, "alembic") and not loaded(modules, "sqlalchemy.orm")
    from srs.store.engine import HEAD

    assert run_python(f"import sqlite3; print(sqlite3.connect({str(db)!r}).execute("
                      "'SELECT version_num FROM alembic_version').fetchall())").stdout.strip() == f"[('{HEAD}',)]"


def test_the_deferred_modules_work_when_used_after_sqlalchemy():
    """As the command line runs: asyncio and importlib.metadata deferred, SQLAlchemy imported
    (and an engine used) without them, then each works as itself when used."""
    code = (
        "import sys\n"
        "from srs.lazy_stdlib import defer, loaded\n"
        "defer()\n"
        "import sqlalchemy\n"
        "engine = sqlalchemy.create_engine('sqlite://')\n"
        "with engine.connect() as c:\n"
        "    assert c.execute(sqlalchemy.text('select 1')).scalar() == 1\n"
        "assert not loaded('asyncio') and not loaded('importlib.metadata'), sorted(sys.modules)\n"
        "from sqlalchemy.util.concurrency import iscoroutine\n"
        "import asyncio\n"
        "async def three():\n"
        "    return 3\n"
        "coroutine = three()\n"
        "assert iscoroutine(coroutine) and asyncio.run(coroutine) == 3 and loaded('asyncio')\n"
        "import importlib.metadata\n"
        "from importlib.metadata import version\n"
        "assert version('sqlalchemy') == sqlalchemy.__version__ == importlib.metadata.version('sqlalchemy')\n"
        "print('ok')\n")
    proc = run_python(code)
    assert (proc.returncode, proc.stdout) == (0, "ok\n"), proc.stderr[-2000:]


def test_cards_loads_the_forecast_only_for_its_chance_column(small_db):
    """`srs cards --chance` adds the forecast's "chance now" (NumPy); plain `srs cards` not."""
    modules = imported(["cards", "--chance"], small_db)
    assert loaded(modules, "srs.forecast") and loaded(modules, "numpy")


def run_merged(args: list[str], db: str, stdin: str) -> str:
    """What the process wrote, its output and its ``-X importtime`` lines in the order written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=db, SRS_LEARNER="alice", HOME=os.environ["HOME"], PYTHONUNBUFFERED="1")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "srs", *args], input=stdin, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:]
    return proc.stdout


def test_an_exam_shows_its_first_question_before_loading_the_forecast(small_db):
    """A whole mock exam, handed in at once: no ORM nor migrations at all, and nothing of the
    forecast (NumPy) until it is handed in (its forecast before the attempt is worked out
    then); the process's own output and its imports, in the order it wrote them."""
    lines = run_merged(["exam", "--deck", "d"], small_db, "q\n").splitlines()
    modules = [line.rsplit("|", 1)[1].strip() for line in lines if line.startswith("import time:") and "|" in line]
    assert "srs.ui.exam_screen" in modules and "srs.store" in modules
    over = {package: loaded(set(modules), package) for package in ALWAYS_NEVER if loaded(set(modules), package)}
    assert not over, f"srs exam imported {over}"
    first_question = next(i for i, line in enumerate(lines) if "Question 1 of 5" in line)
    forecast = next(i for i, line in enumerate(lines) if line.startswith("import time:") and
                    line.rsplit("|", 1)[1].strip() in ("numpy", "srs.forecast"))
    handed_in = next(i for i, line in enumerate(lines) if line.startswith("Before this attempt srs gave you"))
    assert first_question < forecast < handed_in


def test_version_alone_loads_no_command_line_library(small_db):
    """``srs --version`` answers before Typer, Rich or the store load (same words as Typer's)."""
    modules = imported(["--version"], small_db)
    assert not [m for m in modules if m.split(".")[0] in ("typer", "click", "rich", "sqlalchemy")]
    assert not loaded(modules, "srs.cli") and not loaded(modules, "srs.store")
    from srs import __version__

    out = subprocess.run([sys.executable, "-m", "srs", "--version"], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout, out.stderr) == (0, f"srs {__version__}\n", "")


def test_the_web_decks_page_imports_no_forecast_without_an_exam_date(small_db):
    """`srs serve`'s first page is the `srs decks` view: without an exam date it needs no
    forecast (NumPy), at start-up nor for the page."""
    code = (
        "import sys\n"
        "from starlette.testclient import TestClient\n"
        "from srs.store import open_store\n"
        "from srs.web.app import create_app\n"
        "from srs.web.security import Guard\n"
        f"app = create_app(lambda: open_store({small_db!r}, 'alice')[0], Guard('127.0.0.1', 8765), fuzz=False)\n"
        "with TestClient(app, base_url='http://127.0.0.1:8765') as client:\n"
        "    page = client.get('/')\n"
        "assert page.status_code == 200 and 'Deck d' in page.text, page.text[:500]\n"
        "print(' '.join(m for m in sys.modules if m.split('.')[0] in ('numpy', 'sqlalchemy', 'alembic')\n"
        "               and (m == 'numpy' or m.startswith(('sqlalchemy.orm', 'alembic')))))\n"
        "print('srs.forecast' in sys.modules)\n")
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split("\n")[:2] == ["", "False"], proc.stdout
