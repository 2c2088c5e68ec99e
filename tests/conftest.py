"""Shared fixtures: the database engines (tests/dbs.py), an isolated environment, and what
keeps the quick loop quick.

Every test runs without the developer's ``SRS_*`` variables (``SRS_TEST_PG_URL`` aside,
which names the test server) and with a home and data folder of its own, so no test reads
or writes a real database. Hypothesis keeps its example database in the system's temporary
folder, not in the repository.

What keeps the quick loop quick (the first five give what the slow way gives):
- a new SQLite database is a copy of one migrated once per run (tests/dbs.py:
  ``migrated_once``; ``real_migrations`` runs Alembic itself, as tests/test_migrations.py does),
  and a new PostgreSQL one a copy (``CREATE DATABASE ... TEMPLATE``) of one migrated once per
  xdist worker (``migrated_pg_database``);
- every SQLite engine shares one SQLAlchemy dialect and so its compiled statements
  (tests/dbs.py: ``one_sqlite_dialect``), as the one engine of a process does;
- a store made with the same decks is a copy of the first one (tests/factories.py: ``make_store``);
- Typer's Click command tree is built once per run, not once per CliRunner invoke;
- the web apps share Jinja's bytecode cache (tests/web/conftest.py);
- compiled Python is kept even under PYTHONDONTWRITEBYTECODE (outside the tree), and temporary
  files (every test's databases, Anki's exports) are in memory (/dev/shm) when the caller names
  no TMPDIR: an SQLite database closed in write-ahead mode is synced to disk otherwise;
- Python's cycle collector runs as ``srs`` sets it (``srs.__main__.GC_YOUNG``), and what importing
  and collecting made is frozen out of its passes once collection is done (``gc.freeze``): a
  worker's full passes otherwise walk every module and test item again, ~1.5 s of its CPU;
- the web tests' accounts, and the CLI tests where the cost is not what they check
  (``cheap_scrypt``), hash passwords at a lower scrypt cost (tests/factories.py: ``TEST_SCRYPT_N``);
- anyio's pytest plugin is off (pyproject.toml's ``addopts``: srs has no async tests), so no
  process imports trio;
- under ``-m "not slow"`` each hypothesis test runs a tenth of its examples (at least 5, or all
  when fewer); the whole suite runs every example. Where a test's size is its point, it runs at
  full size in the whole suite and scaled down in the quick loop (tests/test_deckfile_two_parsers.py).
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from srs.__main__ import GC_YOUNG

pytest_plugins = ["tests.dbs"]

settings.register_profile(
    "srs", database=DirectoryBasedExampleDatabase(Path(tempfile.gettempdir()) / "srs-hypothesis"))
settings.load_profile("srs")


def _keep_compiled_code() -> None:
    """With PYTHONDONTWRITEBYTECODE set, every run (and every xdist worker, and every ``python
    -m srs`` a slow test starts) compiles srs, the tests and pytest's assertion rewrites anew:
    seconds of CPU each time. They are kept instead outside the tree, in the temporary folder."""
    if not sys.dont_write_bytecode:
        return
    prefix = sys.pycache_prefix or str(Path(tempfile.gettempdir()) / f"srs-pycache-{os.getuid()}")
    sys.pycache_prefix, sys.dont_write_bytecode = prefix, False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = prefix  # the same for the processes the tests start


def _temporary_files_in_memory(root: str = "/dev/shm") -> None:
    """Test databases and files in memory (tmpfs) when the machine has it and the caller named
    no temporary folder: closing an SQLite database in write-ahead mode syncs it to disk, which
    on a busy disk takes longer than most tests (and checks nothing a test checks)."""
    if os.environ.get("TMPDIR") or os.environ.get("PYTEST_DEBUG_TEMPROOT") or not os.path.isdir(root):
        return
    if not os.access(root, os.W_OK) or shutil.disk_usage(root).free < 2 << 30:
        return
    os.environ["TMPDIR"] = tempfile.tempdir = root  # for pytest's tmp_path and the processes tests start


_keep_compiled_code()
_temporary_files_in_memory()
gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])  # as ``srs`` sets it at its start


def pytest_collection_finish(session):
    """What importing and collecting made lives for the whole run: out of the collector's way
    (``gc.freeze``), so that each full pass looks only at what the tests made since. Garbage
    left so far is collected first."""
    gc.collect()
    gc.freeze()


def quick_examples(n: int) -> int:
    """How many of a hypothesis test's ``n`` examples the quick loop runs."""
    return max(min(n, 5), n // 10)


def _quick_loop(config) -> bool:
    """``-m "not slow"`` without a hypothesis profile of the caller's own."""
    return "not slow" in (config.option.markexpr or "") and not config.getoption("hypothesis_profile", None)


def pytest_collection_modifyitems(config, items):
    if not _quick_loop(config):
        return
    done = set()
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)  # what @settings gave it
        if own is None or id(test) in done:  # one function, many parameters: scaled once
            continue
        done.add(id(test))
        test._hypothesis_internal_use_settings = settings(own, max_examples=quick_examples(own.max_examples))


@pytest.fixture(autouse=True, scope="session")
def one_command_tree():
    """Typer's CliRunner builds the Click commands from the app on every invoke (as a process
    does once at its start): built once per app for the whole run."""
    import typer.main
    import typer.testing

    built = typer.testing._get_command
    cache: dict[int, object] = {}

    def get_command(app):
        if id(app) not in cache:
            cache[id(app)] = (app, built(app))  # the app kept, so its id stays its own
        return cache[id(app)][1]

    typer.testing._get_command = get_command
    yield
    typer.testing._get_command = built


@pytest.fixture
def cheap_scrypt(monkeypatch):
    """Passwords hashed at the tests' scrypt cost (tests/factories.py: ``TEST_SCRYPT_N``) where
    the cost is not what a test checks."""
    import srs.accounts
    from tests.factories import TEST_SCRYPT_N

    monkeypatch.setattr(srs.accounts, "SCRYPT_N", TEST_SCRYPT_N)


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path_factory):
    """No SRS_* variable of the developer's, and a fresh home and user data folder."""
    for key in list(os.environ):
        if key.startswith("SRS_") and key != "SRS_TEST_PG_URL":
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
