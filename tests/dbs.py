"""The engines the store and CLI tests run on: SQLite always, PostgreSQL when a server is
given in SRS_TEST_PG_URL (an admin URL; `.ci/postgres.sh` starts one and prints it).
Locally without a server the PostgreSQL cases skip with a message; with CI=true they fail."""

from __future__ import annotations

import os
import uuid

import pytest

PG_ADMIN_URL = os.environ.get("SRS_TEST_PG_URL", "")


def _pg_connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def create_pg_database() -> tuple[str, str]:
    """A new empty database: (its SQLAlchemy URL, its name)."""
    name = f"srs_test_{uuid.uuid4().hex[:12]}"
    with _pg_connect(PG_ADMIN_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}", name


def drop_pg_database(name: str) -> None:
    with _pg_connect(PG_ADMIN_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_postgres() -> None:
    if PG_ADMIN_URL:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but SRS_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
    pytest.skip("PostgreSQL tests need a server: set SRS_TEST_PG_URL (bash .ci/postgres.sh starts one)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request, tmp_path):
    """A fresh, empty database URL (or SQLite path) on each engine."""
    if request.param == "sqlite":
        yield str(tmp_path / "srs.db")
        return
    require_postgres()
    url, name = create_pg_database()
    yield url
    drop_pg_database(name)


@pytest.fixture
def sqlite_only(db_url):
    if "://" in db_url:
        pytest.skip("SQLite-specific")
    return db_url


@pytest.fixture
def make_store(db_url):
    """Build a store on the test's database with some decks; closed at teardown."""
    from tests import factories

    stores = []

    def make(*decks, learner: str = "alice"):
        store = factories.make_store(db_url, *decks, learner=learner)
        stores.append(store)
        return store

    yield make
    for store in stores:
        store.close()
