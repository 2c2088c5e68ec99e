"""Opening a database: URL or path, SQLite pragmas, schema migrations on open."""

from __future__ import annotations

import json
import os
from json.encoder import c_make_encoder  # type: ignore[attr-defined]
from json.encoder import encode_basestring_ascii as _json_string
from json.scanner import make_scanner
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from srs.errors import UserError

#: every schema revision this version of srs knows, oldest first: the files of
#: migrations/versions (tests/test_migrations.py checks the two agree; Alembic is not
#: imported to read them on every start)
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013", "0014")
HEAD = REVISIONS[-1]
DEFAULT_BUSY_TIMEOUT = 10.0  # seconds a write waits for another process's lock


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("srs", appauthor=False)) / "srs.db"


def database_url(db: str | None) -> tuple[str, bool]:
    """(SQLAlchemy URL, is it the default location)."""
    if not db:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}", True
    if "://" in db:
        return db, False
    return f"sqlite:///{Path(db).expanduser().resolve()}", False


def _sqlite_setup(engine: Engine, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
    timeout_ms = int(busy_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # pragma: no cover - exercised through every test
        dbapi_connection.isolation_level = None  # srs emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # A write transaction takes the write lock up front, so two processes never
        # deadlock upgrading a read lock; the busy timeout makes the other one wait.
        sql = "BEGIN IMMEDIATE" if connection.get_execution_options().get("srs_write", False) else "BEGIN"
        # on the driver's connection: SQLAlchemy's statement machinery (a result object, its
        # events) costs more than the BEGIN itself, once per transaction (each answer is one)
        try:
            connection.connection.dbapi_connection.execute(sql)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(sql, (), exc, connection.dialect.loaded_dbapi.Error,
                                      dialect=connection.dialect) from exc


# what json.loads scans with (typeshed calls the argument a make_scanner: it is the decoder)
_scan_json = make_scanner(json.JSONDecoder())  # type: ignore[arg-type]


def _not_json(value: object) -> object:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


#: json.dumps' own C encoder with its default options, made once (json.dumps makes one per
#: call, which costs as much as encoding a review's memory state); without its check for
#: circular containers, which json.dumps then makes (and words)
_ENCODE = c_make_encoder(None, _not_json, _json_string, None, ": ", ", ", False, False, True) \
    if c_make_encoder is not None else None


def json_dumps(value: object) -> str:
    """``json.dumps(value)``, the same text; a list (or tuple) of strings, a card's choices or
    tags, and a dict, a review's memory state before and after, without the encoder's set-up
    per call, which costs more than the encoding itself."""
    if type(value) is list or type(value) is tuple:
        try:
            return "[" + ", ".join(map(_json_string, value)) + "]"
        except TypeError:  # not all strings: the encoder says what it makes of them
            pass
    elif type(value) is dict and _ENCODE is not None:
        try:
            return "".join(_ENCODE(value, 0))
        except (TypeError, ValueError, RecursionError):  # json.dumps says what it makes of it
            pass
    return json.dumps(value)


def json_loads(text: object) -> object:
    """``json.loads(text)``, the same value (or error); a document with no space around it
    is scanned directly, without the decoder's two whitespace matches per call."""
    if type(text) is str:
        try:
            value, end = _scan_json(text, 0)
        except Exception:  # noqa: BLE001 - json.loads below words (or forgives) it as ever
            pass
        else:
            if end == len(text):
                return value
    return json.loads(text)  # type: ignore[arg-type]


def make_engine(url: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Engine:
    """An engine for ``url``; a write waits up to ``busy_timeout`` seconds for another's lock."""
    connect_args: dict = {}
    options: dict = {}
    if url.startswith("postgresql"):
        timeout_ms = int(busy_timeout * 1000)
        connect_args = {"connect_timeout": 10, "options": f"-c lock_timeout={timeout_ms}"}
    elif url.startswith("sqlite"):  # JSON columns are text SQLAlchemy encodes and decodes itself
        options = {"json_serializer": json_dumps, "json_deserializer": json_loads}
    try:
        engine = create_engine(url, connect_args=connect_args, **options)
    except (SQLAlchemyError, ValueError) as exc:
        raise UserError(f"bad database URL {url!r}: {exc}") from None
    except ModuleNotFoundError as exc:
        raise UserError(f"database driver {exc.name!r} is not installed (pip install 'srs[postgres]')") from None
    if engine.dialect.name == "sqlite":
        _sqlite_setup(engine, busy_timeout)
    return engine


def describe(url: str) -> str:
    return url[len("sqlite:///"):] if url.startswith("sqlite:///") else url.split("@")[-1]


def check_file(url: str) -> None:
    """Refuse a path that is a directory or a file that is not SQLite, before opening it."""
    if not url.startswith("sqlite:///"):
        return
    raw = url[len("sqlite:///"):]
    if raw.startswith("file:"):  # an SQLite URI (e.g. ?mode=ro): check the file part
        raw = raw[len("file:"):].split("?", 1)[0]
    path = Path(raw)
    if str(path) in ("", ":memory:", "."):
        return
    if path.is_dir():
        raise UserError(f"database {path} is a directory")
    if not path.parent.is_dir():
        raise UserError(f"cannot open database {path}: folder {path.parent} does not exist")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise UserError(f"cannot read database {path}: permission denied")
        size = path.stat().st_size
        if size:
            with path.open("rb") as f:
                header = f.read(16)
            if header != b"SQLite format 3\x00":
                raise UserError(f"database {path} is not an SQLite database (or is corrupt); it was left untouched")


def migrate(engine: Engine) -> bool:
    """Bring the schema to HEAD. True when the database was empty (a first run): then it is
    made at HEAD at once (``create_schema``); an older one runs Alembic's migrations.

    The usual case, a database already at HEAD, costs one query of ``alembic_version``
    compared with REVISIONS: no schema inspection and no Alembic import."""
    with engine.connect() as connection:
        try:
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no such table (or worse: the inspection below says what)
            connection.rollback()
            current = None
        if current == HEAD:
            connection.rollback()
            return False
        tables = set(inspect(connection).get_table_names())
        if "alembic_version" not in tables:
            current = None
        elif current is None:  # made by another process since the first look: read it in this snapshot
            current = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.rollback()
        if current == HEAD:
            return False
    fresh = not (tables - {"alembic_version"})
    if current is not None and current not in REVISIONS:
        raise UserError(
            f"the database has schema version {current}, newer than this srs knows ({HEAD}); "
            "upgrade srs to open it (the database was left untouched)"
        )
    if current is None and not fresh:
        raise UserError("the database holds tables srs did not make; it was left untouched")
    if fresh:
        return create_schema(engine)
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect().execution_options(srs_write=True) as connection:
        _lock_schema(connection)  # (Alembic reads the version after it: one upgrade at a time)
        config.attributes["connection"] = connection
        command.upgrade(config, HEAD)
        connection.commit()
    return fresh


#: the PostgreSQL advisory lock under which a schema is made or upgraded, one process at a time
_SCHEMA_LOCK = 0x5E5_0001


def _lock_schema(connection) -> None:
    """Wait for the schema lock until the transaction ends: PostgreSQL's advisory lock (SQLite's
    write lock is taken by the transaction's BEGIN IMMEDIATE, the first statement)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
    else:
        connection.exec_driver_sql("SELECT 1")  # begins the transaction: takes the write lock


def create_schema(engine: Engine) -> bool:
    """An empty database made at HEAD in one write transaction: the tables of
    ``models.metadata``, the review packs' triggers, and Alembic's version row, as ``alembic
    stamp`` writes it. What running every migration makes (tests/test_migrations.py compares
    the two schemas), without importing Alembic or replaying every step on a first run.
    False when another process made the schema first (it holds the write lock meanwhile)."""
    from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table

    from srs.store.models import metadata
    from srs.store.pack_triggers import create_statements

    version = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    with engine.connect().execution_options(srs_write=True) as connection:
        _lock_schema(connection)
        tables = set(inspect(connection).get_table_names())
        if tables - {"alembic_version"}:  # made while this one waited for the lock
            connection.rollback()
            return False
        metadata.create_all(connection, checkfirst=False)
        for statement in create_statements(engine.dialect.name):
            connection.exec_driver_sql(statement)
        if tables:  # an empty version table (a stamp undone): its row is written below
            connection.execute(version.delete())
        else:
            version.create(connection)
        connection.execute(version.insert().values(version_num=HEAD))
        connection.commit()
    return True


def open_engine(db: str | None, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> tuple[Engine, bool]:
    """An engine on an up-to-date schema, and whether the database was empty."""
    url, _ = database_url(db)
    check_file(url)
    engine = make_engine(url, busy_timeout)
    try:
        fresh = migrate(engine)
    except UserError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise UserError(database_message(exc, describe(url))) from None
    return engine, fresh


def database_message(exc: DBAPIError, where: str = "") -> str:
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    place = f" {where}" if where else ""
    if "locked" in detail or "busy" in detail or "lock timeout" in detail:
        return f"database{place} is locked by another process for too long; try again"
    if "not a database" in detail or "malformed" in detail:
        return f"database{place} is corrupt or not an SQLite database; it was left untouched"
    if "readonly" in detail or "read-only" in detail:
        return f"database{place} is read-only"
    if "disk" in detail and "full" in detail:
        return f"disk full writing database{place}; nothing was saved from the failed step"
    if "unable to open" in detail:
        return f"cannot open database{place}"
    if "connection" in detail.lower() and ("refused" in detail or "failed" in detail or "timeout" in detail):
        return f"database{place} is unreachable: {detail}"
    return f"database{place}: {detail}"


__all__ = ["DEFAULT_BUSY_TIMEOUT", "HEAD", "REVISIONS", "database_message", "create_schema", "database_url", "default_path", "migrate", "open_engine"]
