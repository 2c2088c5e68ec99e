"""Alembic migrations: a fresh database, an older schema upgraded on open, a newer one refused,
and the migrations agreeing with the models."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text

import srs.store.engine as engine_mod
from srs.errors import UserError
from srs.review import ReviewSession
from srs.settings import Settings
from srs.store import open_store
from srs.store.models import metadata
from tests.dbs import create_pg_database, drop_pg_database
from tests.factories import T0, deck, make_store
from tests.store_helpers import card_reviews

MIGRATIONS = Path(engine_mod.__file__).parent / "migrations"
pytestmark = pytest.mark.empty_database  # the migrations run here on PostgreSQL too


def upgrade_to(url: str, revision: str, down: bool = False) -> None:
    engine = engine_mod.make_engine(engine_mod.database_url(url)[0])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
        connection.commit()
    engine.dispose()


def test_revisions_are_the_migration_files():
    """engine.REVISIONS (read on every start without Alembic) is the chain of the files in
    migrations/versions, oldest first, each file named for its revision."""
    script = ScriptDirectory(str(MIGRATIONS))
    chain = [s.revision for s in script.walk_revisions()][::-1]
    files = sorted(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert list(engine_mod.REVISIONS) == chain == files
    assert script.get_heads() == [engine_mod.HEAD]


def test_fresh_database_is_at_head_and_matches_the_models(db_url, real_migrations):
    store, fresh = open_store(db_url, "alice")
    assert fresh
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == engine_mod.HEAD
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    store.close()
    assert diff == []


def test_database_built_by_the_first_migration_upgrades_on_open(db_url):
    upgrade_to(db_url, "0001")
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    with engine.begin() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
    engine.dispose()
    # a learner works on the old schema's data after the upgrade
    store = make_store(db_url, deck(cards=3))
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == engine_mod.HEAD
    session = ReviewSession(store, Settings(), fuzz=False)
    card = session.next(T0)
    session.answer(card, 3, T0)
    assert card_reviews(store, card.key)[0].rating == 3
    store.close()


def test_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "future.db"
    store, _ = open_store(str(path), "alice")
    store.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(UserError, match="newer than this srs knows"):
        open_store(str(path), "alice")
    assert path.read_bytes() == before


def test_newer_schema_refused_on_postgresql_too(db_url):
    store, _ = open_store(db_url, "alice")
    store.close()
    engine = create_engine(engine_mod.database_url(db_url)[0])
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(UserError, match="schema version 9999"):
        open_store(db_url, "alice")


def test_foreign_tables_are_not_touched(tmp_path):
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (x)"))
    engine.dispose()
    with pytest.raises(UserError, match="tables srs did not make"):
        open_store(str(path), "alice")


def test_utc_round_trip(db_url):
    store = make_store(db_url, deck(cards=1))
    session = ReviewSession(store, Settings(), fuzz=False)
    from datetime import timezone as tz

    local = (T0 + timedelta(hours=3)).astimezone(tz(timedelta(hours=5, minutes=30)))
    session.answer(session.next(local), 3, local)
    got = card_reviews(store, store.cards()[0].key)[0].reviewed_at
    assert got == local and got.tzinfo is not None and got.utcoffset() == timedelta(0)
    store.close()


def test_card_html_migration_up_and_down(db_url):
    """0012 adds the table of cards' Anki HTML, 0013 its style sheet; downgraded, the column
    and then the table go and the cards stay."""
    from sqlalchemy import inspect

    upgrade_to(db_url, "0013")
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    store = make_store(db_url, deck(cards=2))
    [first, second] = store.cards()
    store.save_anki_html([(first.key, ("<b>q</b>", "<i>a</i>", ".card {}"))])
    assert store.anki_html(first.key) == ("<b>q</b>", "<i>a</i>", ".card {}") and store.anki_html(second.key) is None
    store.close()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        assert connection.execute(text("SELECT css FROM card_styles")).scalars().all() == [".card {}"]
        command.downgrade(config, "0012")  # (0014, then) 0013: the style sheets go, the HTML stays
        connection.commit()
        assert [c["name"] for c in inspect(connection).get_columns("card_html")] == ["card_key", "question", "answer"]
        assert "card_styles" not in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT question FROM card_html")).scalars().all() == ["<b>q</b>"]
        command.downgrade(config, "0011")
        connection.commit()
        assert "card_html" not in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT count(*) FROM cards")).scalar() == 2
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() != "0012"
        command.upgrade(config, "0013")
        connection.commit()
        assert "style" in [c["name"] for c in inspect(connection).get_columns("card_html")]
        assert "card_styles" in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT count(*) FROM card_html")).scalar() == 0
    engine.dispose()


def test_0010_keeps_what_was_answered_and_reads_old_rows_by_what_they_tell(db_url):
    """Old review rows get ``correct`` where the log tells it (a multiple-choice review rated
    Hard..Easy: a right letter; an exam's review: its rating), NULL elsewhere; the downgrade
    drops the column and the upgrade after it is clean."""
    from sqlalchemy import insert, inspect, select

    from srs.store.models import cards, decks, reviews

    upgrade_to(db_url, "0009")
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    rows = [(1, 3, "review", True), (1, 1, "review", None), (1, 3, "exam", True), (1, 1, "exam", False),
            (1, 4, "anki", None), (2, 3, "review", None), (2, 1, "review", None)]
    with engine.begin() as connection:
        connection.execute(insert(decks).values(id="d", name="D", updated_at=T0))
        for key, kind in ((1, "mc"), (2, "basic")):
            connection.execute(insert(cards).values(
                key=key, deck_id="d", card_id=f"c{key}", kind=kind, question="q", answer="A" if kind == "mc" else "x",
                choices=["a", "b"] if kind == "mc" else None, created_at=T0, updated_at=T0))
        for i, (key, rating, source, _) in enumerate(rows):
            connection.execute(insert(reviews).values(
                learner="alice", card_key=key, rating=rating, reviewed_at=T0 + timedelta(minutes=i), source=source,
                state_before=0, after={"state": 2}))
    upgrade_to(db_url, "head")
    with engine.begin() as connection:
        got = connection.execute(select(reviews.c.correct).order_by(reviews.c.id)).scalars().all()
        index = {i["name"]: i["column_names"] for i in inspect(connection).get_indexes("reviews")}
    assert got == [expected for *_, expected in rows]
    assert index["ix_reviews_learner_card_answers"][-1] == index["ix_reviews_learner_time_stats"][-1] == "correct"
    upgrade_to(db_url, "0009", down=True)
    with engine.begin() as connection:
        assert "correct" not in {c["name"] for c in inspect(connection).get_columns("reviews")}
        assert "correct" not in inspect(connection).get_indexes("reviews")[0]["column_names"]
    engine.dispose()
    store, _ = open_store(db_url, "alice")  # up again on open: the same values, the schema as the models say
    with store.engine.connect() as connection:
        assert connection.execute(select(reviews.c.correct).order_by(reviews.c.id)).scalars().all() == got
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    store.close()


def test_running_exams_migration_goes_down_and_up_again(db_url):
    """0011 (running exams) downgrades to the revision before it and upgrades again, keeping what came before."""
    store = make_store(db_url, deck(cards=2))
    store.close()
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, engine_mod.REVISIONS[engine_mod.REVISIONS.index("0011") - 1])
        connection.commit()
        tables = set(connection.dialect.get_table_names(connection))
        assert "running_exams" not in tables and {"users", "cards", "exam_attempts"} <= tables
    engine.dispose()
    store, fresh = open_store(db_url, "alice")  # opening upgrades it again
    assert not fresh and len(store.cards()) == 2 and store.running_exams() == []
    store.close()


def test_review_packs_migration_goes_down_and_up_again(db_url):
    """0014 (review packs and the triggers that drop them) downgrades to 0013 with its
    triggers gone (a review row then goes alone) and upgrades again."""
    store = make_store(db_url, deck(cards=2))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    [first, second] = store.mc_cards("d")
    session.answer(first, 3, T0, right=True)
    store.forecast_columns("d")
    store.close()
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_packs")).scalar() == 1  # one block
        config.attributes["connection"] = connection
        command.downgrade(config, "0013")
        connection.commit()
        assert "review_packs" not in set(connection.dialect.get_table_names(connection))
        connection.execute(text(f"DELETE FROM reviews WHERE card_key = {first.key}"))  # no trigger left to fail
        connection.commit()
    engine.dispose()
    store = make_store(db_url)  # upgrades again: the packs are written anew
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    session.answer(second, 3, T0 + timedelta(hours=1), right=False)
    assert len(store.forecast_columns("d")[0].code) == 1
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM review_packs")).scalar() == 1
    session.answer(second, 3, T0 + timedelta(hours=2), right=False)  # found by its id, its pack written again
    assert len(store.forecast_columns("d")[0].code) == 2
    store.close()


def schema_of(url: str) -> dict[str, object]:
    """Everything a schema is, as the engine itself describes it: each table's columns (name,
    type, null or not, default, key), indexes, unique, check and foreign-key constraints, and
    the triggers (with their functions on PostgreSQL). Column order is left out: a column an
    old migration added comes last."""
    engine = engine_mod.make_engine(engine_mod.database_url(url)[0])
    got: dict[str, object] = {}
    with engine.connect() as connection:
        def rows(sql: str) -> list[tuple]:
            return sorted(tuple(r) for r in connection.exec_driver_sql(sql))

        if engine.dialect.name == "sqlite":
            for name, sql in rows("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
                got[name] = {
                    "columns": rows(f"SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{name}')"),
                    "indexes": sorted((i[2], i[3], tuple(c[2] for c in connection.exec_driver_sql(
                        f"SELECT * FROM pragma_index_info('{i[1]}')"))) for i in rows(
                        f"SELECT * FROM pragma_index_list('{name}')")),
                    "foreign keys": rows(f"SELECT \"table\", \"from\", \"to\", on_update, on_delete "
                                         f"FROM pragma_foreign_key_list('{name}')"),
                    "checks": sorted(re.findall(r"CHECK \((.*?)\)", sql or "")),
                }
            got["triggers"] = [(n, t, " ".join(s.split())) for n, t, s in
                               rows("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")]
            got["indexes sql"] = rows("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
        else:
            got["columns"] = rows("SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, "
                                  "column_default FROM information_schema.columns WHERE table_schema = 'public'")
            got["indexes"] = rows("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            got["constraints"] = rows(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace")
            got["triggers"] = rows("SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                                   "WHERE NOT tgisinternal")
            got["functions"] = rows("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace")
    engine.dispose()
    return got


def test_a_new_database_is_what_every_migration_makes(db_url, real_migrations, tmp_path):
    """srs makes an empty database at HEAD at once (``create_schema``: the models' tables,
    the packs' triggers, the version row); Alembic's chain from nothing makes the same schema,
    to the triggers' text, on each engine. (That a first run imports no Alembic is
    tests/cli/test_import_budget.py's.)"""
    store, fresh = open_store(db_url, "alice")
    assert fresh
    store.close()
    if "://" in db_url:
        other_url, name = create_pg_database()
    else:
        other_url, name = str(tmp_path / "chain.db"), None
    try:
        upgrade_to(other_url, "head")
        made, chained = schema_of(db_url), schema_of(other_url)
    finally:
        if name is not None:
            drop_pg_database(name)
    assert made == chained
    assert made["triggers"]  # the comparison saw the packs' triggers
    engine = engine_mod.make_engine(engine_mod.database_url(db_url)[0])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [engine_mod.HEAD]
    engine.dispose()
