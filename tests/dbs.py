"""The engines the store and CLI tests run on: SQLite always, PostgreSQL when a server is
given in SRS_TEST_PG_URL (an admin URL; `.ci/postgres.sh` starts one and prints it).
Locally without a server the PostgreSQL cases skip with a message; with CI=true they fail."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest

PG_ADMIN_URL = os.environ.get("SRS_TEST_PG_URL", "")


def _pg_connect(url: str):
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def create_pg_database(template: str | None = None) -> tuple[str, str]:
    """A new database, empty or a copy of ``template``: (its SQLAlchemy URL, its name)."""
    name = f"srs_test_{uuid.uuid4().hex[:12]}"
    with _pg_connect(PG_ADMIN_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}", name


#: this process's migrated PostgreSQL database, the template of the others (each xdist worker
#: has its own: PostgreSQL copies a template only while nobody is connected to it)
_pg_template: list[str] = []
#: databases copied from it that srs has not opened yet (their first open is a first run)
_pg_unopened: set[str] = set()


def migrated_pg_database(real_migrate) -> tuple[str, str]:
    """A new database as ``migrate`` makes an empty one: a copy of one migrated once per run."""
    from srs.store import engine as engine_module

    if not _pg_template:
        url, name = create_pg_database()
        engine = engine_module.make_engine(url)
        try:
            real_migrate(engine)
        finally:
            engine.dispose()  # no connection left to it: it can be copied
        _pg_template.append(name)
    url, name = create_pg_database(_pg_template[0])
    _pg_unopened.add(name)
    return url, name


def drop_pg_database(name: str) -> None:
    with _pg_connect(PG_ADMIN_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def require_postgres() -> None:
    if PG_ADMIN_URL:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but SRS_TEST_PG_URL is not set: .ci/run must start PostgreSQL")
    pytest.skip("PostgreSQL tests need a server: set SRS_TEST_PG_URL (bash .ci/postgres.sh starts one)")


@pytest.fixture(autouse=True, scope="session")
def migrated_once(tmp_path_factory):
    """``migrate`` makes a new SQLite database once per test run; every other new SQLite
    database starts as a copy of that one (what ``migrate`` makes of an empty file is the same
    every time, and its run costs more than most tests). Existing files, URLs with a
    query, and other engines go through ``migrate`` itself; tests/test_migrations.py runs the
    migrations themselves."""
    from srs.store import engine as engine_module

    real = engine_module.migrate
    template = tmp_path_factory.mktemp("migrated") / "empty.db"

    def migrate(engine):
        if engine.dialect.name == "postgresql" and engine.url.database in _pg_unopened:
            _pg_unopened.discard(engine.url.database)
            return True  # a copy of the migrated database: as for any empty one, a first run
        path = engine.url.database if engine.dialect.name == "sqlite" and not engine.url.query else None
        if not path or path == ":memory:" or path.startswith("file:") or (
                os.path.exists(path) and os.path.getsize(path)):
            return real(engine)
        if not template.exists():
            made = engine_module.make_engine(f"sqlite:///{template}")
            real(made)
            with made.connect() as connection:  # everything in the file itself, no -wal beside it
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            made.dispose()
        shutil.copyfile(template, path)
        return True  # as for any empty database: a first run

    engine_module.migrate = migrate
    yield real
    engine_module.migrate = real
    if _pg_template:
        drop_pg_database(_pg_template.pop())


@pytest.fixture
def real_migrations(monkeypatch, migrated_once):
    """Alembic's own run on every new database of the test (no copy)."""
    from srs.store import engine as engine_module

    monkeypatch.setattr(engine_module, "migrate", migrated_once)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def db_url(request, tmp_path, migrated_once):
    """A fresh database URL (or SQLite path) on each engine, as srs finds an empty one: on
    PostgreSQL a copy of the migrated database (as ``migrate`` copies an SQLite one), but
    empty for a test that runs the migrations itself (``real_migrations`` or the mark
    ``empty_database``)."""
    if request.param == "sqlite":
        yield str(tmp_path / "srs.db")
        return
    require_postgres()
    empty = "real_migrations" in request.fixturenames or request.node.get_closest_marker("empty_database")
    url, name = create_pg_database() if empty else migrated_pg_database(migrated_once)
    yield url
    _pg_unopened.discard(name)
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


@pytest.fixture(autouse=True, scope="session")
def one_sqlite_dialect():
    """SQLAlchemy compiles each statement once per engine (its cache is the engine's, keyed by
    the dialect); a process opens one engine, and so pays it once, but a test run opens
    hundreds, a CliRunner invoke or a web app each one more. Every SQLite engine srs makes
    here shares the first initialized SQLite dialect (the same class, options and SQLite
    library) and so its compiled statements."""
    from srs.store import engine as engine_module

    made = engine_module.create_engine
    shared: dict[tuple, object] = {}

    def create_engine(url, **kwargs):
        engine = made(url, **kwargs)
        if engine.dialect.name != "sqlite":
            return engine
        key = (type(engine.dialect), *(id(kwargs.get(k)) for k in ("json_serializer", "json_deserializer")))
        first = shared.get(key)
        if first is None or first.dialect.server_version_info is None:  # none yet, or not yet connected
            shared[key] = engine
        else:
            engine.dialect = engine.pool._dialect = first.dialect
            engine._compiled_cache = first._compiled_cache
        return engine

    engine_module.create_engine = create_engine
    yield
    engine_module.create_engine = made
