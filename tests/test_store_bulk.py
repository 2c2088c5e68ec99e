"""The store's bulk insert (``insert_rows``, the driver's executemany) writes exactly what
SQLAlchemy's own executemany writes: the same stored values, on each engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from srs.model import DeckRecord
from srs.store.base import DatabaseError
from srs.store.driver import insert_rows
from srs.store.models import card_tags, cards
from tests.factories import T0

COLUMNS = ("card_id", "position", "kind", "question", "choices", "answer", "explanation", "wrong_feedback",
           "tags", "retired", "created_at", "updated_at")


def rows(deck_id: str) -> list[dict]:
    other_zone = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    made = []
    for i in range(7):
        made.append(dict(deck_id=deck_id, card_id=f"c{i}", position=i, retired=i % 3 == 0,
                         created_at=T0, updated_at=other_zone if i % 2 else T0,
                         kind="mc" if i % 2 else "basic", question=f"Q {i} ‘quoted’ \"x\" \\ ünï",
                         choices=[f"a{i}", "b — ☃", ""] if i % 2 else None, answer="A" if i % 2 else f"ans {i}",
                         explanation="" if i % 3 else "why\nnewline", wrong_feedback="",
                         tags=[] if i == 0 else [f"t{i}", "shared"]))
    return made


def stored(connection, deck_id: str) -> list[tuple]:
    return [tuple(r) for r in connection.execute(
        text(f"SELECT {', '.join(COLUMNS)} FROM cards WHERE deck_id = :d ORDER BY position"), {"d": deck_id})]


def test_insert_rows_stores_what_sqlalchemy_stores(make_store):
    store = make_store()
    for deck_id in ("core", "bulk"):
        store.save_deck(DeckRecord(deck_id, deck_id, updated_at=T0))
    with store.engine.begin() as connection:
        connection.execute(insert(cards), rows("core"))
        insert_rows(connection, cards, rows("bulk"), chunk=3)  # several chunks
        assert stored(connection, "bulk") == stored(connection, "core")
        keys = dict(connection.execute(text("SELECT card_id, key FROM cards WHERE deck_id = 'bulk'")).all())
        insert_rows(connection, card_tags, [{"card_key": k, "tag": "x"} for k in keys.values()])
        assert connection.execute(text("SELECT count(*) FROM card_tags")).scalar() == len(keys)
        insert_rows(connection, card_tags, [])  # nothing to do


def test_insert_rows_leaves_defaults_to_sqlalchemy(make_store):
    store = make_store()
    store.save_deck(DeckRecord("d", "d", updated_at=T0))
    partial = [{k: v for k, v in row.items() if k not in ("explanation", "wrong_feedback", "retired")}
               for row in rows("d")]
    with store.engine.begin() as connection:
        insert_rows(connection, cards, partial)
        assert connection.execute(text(
            "SELECT count(*) FROM cards WHERE explanation = '' AND wrong_feedback = '' AND deck_id = 'd'")).scalar() == 7


def test_prepared_statements_write_and_read_what_sqlalchemy_does(make_store):
    """The answer path's driver-level statements (``Prepared``) bind and read back each
    column as SQLAlchemy's execution does: aware UTC datetimes, booleans, floats, JSON."""
    from sqlalchemy import bindparam, select

    from srs.store.base import STATE_COLUMNS

    from srs.store.driver import Prepared
    from srs.store.models import card_states

    store = make_store()
    store.save_deck(DeckRecord("d", "d", updated_at=T0))
    with store.engine.begin() as connection:
        insert_rows(connection, cards, rows("d")[:2])
        k1, k2 = [k for (k,) in connection.execute(text("SELECT key FROM cards ORDER BY key"))]
        states = card_states
        zone = timezone(timedelta(hours=9))
        values = dict(state=2, step=None, stability=3.25, difficulty=5.5, due=datetime(2026, 5, 1, 9, 0, tzinfo=zone),
                      last_review=T0, reps=4, lapses=1, suspended=True, buried_until=None, leech=False)
        connection.execute(insert(states), [dict(learner="me", card_key=k1, **values)])
        Prepared(insert(states), connection.dialect, ("learner", "card_key", *STATE_COLUMNS)).run(
            connection, dict(learner="me", card_key=k2, **values)).close()
        read = select(*(states.c[n] for n in STATE_COLUMNS)).where(
            states.c.learner == bindparam("m_learner"), states.c.card_key == bindparam("m_key"))
        prepared = Prepared(read, connection.dialect)
        ours = [prepared.first(connection, {"m_learner": "me", "m_key": k}) for k in (k1, k2)]
        theirs = [tuple(connection.execute(read, {"m_learner": "me", "m_key": k}).one()) for k in (k1, k2)]
        assert ours[0] == ours[1] == theirs[0] == theirs[1]
        assert ours[0][STATE_COLUMNS.index("due")] == values["due"]
        assert ours[0][STATE_COLUMNS.index("due")].tzinfo is not None
        assert ours[0][STATE_COLUMNS.index("suspended")] is True
        assert prepared.first(connection, {"m_learner": "someone else", "m_key": k1}) is None


def state_insert(make_store):
    """A store with one card, a prepared INSERT of a card state, and its row for that card."""
    from srs.model import MemoryState
    from srs.store.base import STATE_COLUMNS, state_values
    from srs.store.driver import Prepared
    from srs.store.models import card_states

    store = make_store()
    store.save_deck(DeckRecord("d", "d", updated_at=T0))
    with store.engine.begin() as connection:
        insert_rows(connection, cards, rows("d")[:1])
        (key,) = connection.execute(text("SELECT key FROM cards")).one()
    prepared = Prepared(insert(card_states), store.engine.dialect, ("learner", "card_key", *STATE_COLUMNS))
    return store, prepared, dict(learner="me", card_key=key, **state_values(MemoryState()))


def test_a_driver_error_in_a_prepared_statement_is_one_line_and_rolls_back(make_store):
    store, prepared, row = state_insert(make_store)
    with pytest.raises(DatabaseError) as caught, store.atomic(write=True) as connection:
        prepared.run(connection, row).close()
        prepared.run(connection, row).close()  # the same primary key again
    assert isinstance(caught.value.__cause__, IntegrityError)
    assert "\n" not in str(caught.value)
    with store.engine.connect() as connection:  # the first insert went with the transaction
        assert connection.execute(text("SELECT count(*) FROM card_states")).scalar() == 0


def test_write_connection_rolls_back_and_gives_one_line(make_store):
    """The answer path's bare-connection transaction: all or nothing, a driver error one line."""
    store, prepared, row = state_insert(make_store)
    with pytest.raises(DatabaseError) as caught, store.write_connection() as connection:
        prepared.run(connection, row).close()
        prepared.run(connection, row).close()
    assert isinstance(caught.value.__cause__, IntegrityError) and "\n" not in str(caught.value)
    with store.write_connection() as connection:  # nothing was left half-done, and it still works
        assert connection.execute(text("SELECT count(*) FROM card_states")).scalar() == 0
        prepared.run(connection, row).close()
    with store.atomic() as s:  # committed; and inside atomic() it joins that transaction
        assert s.execute(text("SELECT count(*) FROM card_states")).scalar() == 1
        with store.write_connection() as connection:
            assert connection is s


def test_json_text_is_what_json_writes_and_reads():
    """The SQLite engine's JSON functions give json.dumps's text and json.loads's values (or errors)."""
    import json

    from srs.store.engine import json_dumps, json_loads

    for value in ([], ["a"], ["é\u2028\"\\ x", "\ud800"], [1, "a"], {"a": [1, None]}, None, "s", 1.5, [["x"]], (),
                  ("a", "b"), (1,)):
        assert json_dumps(value) == json.dumps(value)
    for raw in ("[]", " []", '["a", "b"]', '{"a": 1} ', "1", "null", '["\\u00e9"]', "\ufeff[]", "[1,", "", '"x"y',
                 "NaN", "[1] [2]"):
        try:
            expected = ("value", json.loads(raw))
        except ValueError as exc:
            expected = ("error", str(exc))
        try:
            got = ("value", json_loads(raw))
        except ValueError as exc:
            got = ("error", str(exc))
        assert got == expected, raw


def test_a_dict_is_written_as_json_dumps_writes_it_without_an_encoder_per_call(monkeypatch):
    """A review's memory state (before, after) is a dict: json.dumps's own text, from one
    encoder made once; anything json.dumps words as an error, it still words."""
    import enum
    import json
    import math

    from srs.model import MemoryState
    from srs.store import engine
    from tests.factories import T0

    class Level(enum.IntEnum):
        HIGH = 2

    memory = MemoryState(state=2, stability=12.5, difficulty=5.1, due=T0, last_review=T0, reps=3).to_dict()
    values = [memory, {}, {"a": [1, None, {"b": "é\u2028"}]}, {1: "x", 2.5: True, None: False, False: 1},
              {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "big": 10**30, "tiny": 5e-324},
              {"level": Level.HIGH, "s": "\ud800\"\\"}]
    expected = [json.dumps(v) for v in values]
    real = json.dumps
    monkeypatch.setattr(json, "dumps", lambda *a, **k: pytest.fail("an encoder made per call"))
    assert [engine.json_dumps(v) for v in values] == expected
    monkeypatch.setattr(json, "dumps", real)
    circular: dict = {}
    circular["me"] = circular
    for bad in ({"x": object()}, circular, {(1, 2): 3}):
        with pytest.raises((TypeError, ValueError)) as ours:
            engine.json_dumps(bad)
        with pytest.raises((TypeError, ValueError)) as theirs:
            json.dumps(bad)
        assert (type(ours.value), str(ours.value)) == (type(theirs.value), str(theirs.value))


def test_a_record_replaced_fast_is_what_dataclasses_replace_makes(monkeypatch):
    """``srs.model.replaced`` (a memory state's ``with_``, the review session's cards): the
    record ``dataclasses.replace`` makes, without its ``__init__``; its errors where it errs."""
    import dataclasses

    from srs import model
    from srs.model import CardKind, MemoryState, StudyCard
    from tests.factories import T0

    memory = MemoryState(state=model.State.REVIEW, stability=3.0, due=T0, reps=2)
    card = StudyCard(key=1, deck_id="d", card_id="c", kind=CardKind.MC, question="q?", answer="A", choices=("x", "y"),
                     explanation="", wrong_feedback="", tags=("t",), memory=memory, has_state=True, position=0)
    cases = [(memory, {"reps": 3, "buried_until": None, "leech": True}), (memory, {}),
             (card, {"memory": memory.with_(reps=9), "has_state": False})]
    expected = [dataclasses.replace(r, **c) for r, c in cases]
    monkeypatch.setattr(model, "replace", lambda *a, **k: pytest.fail("dataclasses.replace called"))
    made = [model.replaced(r, **c) for r, c in cases]
    assert made == expected and [vars(m) for m in made] == [vars(e) for e in expected]
    assert [list(vars(m)) for m in made] == [list(vars(e)) for e in expected] and made[0] is not memory
    assert memory.reps == 2 and hash(made[0]) == hash(expected[0])
    monkeypatch.undo()
    with pytest.raises(TypeError):
        memory.with_(nonsense=1)


def test_a_record_made_fast_is_the_record_its_constructor_makes():
    from srs.model import CardContent, CardKind, record_maker

    values = (7, "c1", 3, CardKind.MC, "q?", ["a", "b"], "A", "why", "", ["t"], False, None)
    made, plain = record_maker(CardContent)(*values), CardContent(*values)
    assert made == plain and vars(made) == vars(plain) and list(vars(made)) == list(vars(plain))
    assert repr(made) == repr(plain)
    with pytest.raises(TypeError):
        record_maker(CardContent)(*values[:-1])


def test_a_write_transaction_takes_the_write_lock_up_front(tmp_path):
    """``atomic(write=True)`` begins with BEGIN IMMEDIATE (the engine's srs_write option, set on
    a copy of the engine made once, and again after the pool is replaced); a read does not."""
    import sqlite3

    from tests.factories import deck, make_store

    path = str(tmp_path / "lock.db")
    store = make_store(path, deck("d", cards=2))
    other = sqlite3.connect(path, timeout=0, isolation_level=None)

    def other_can_write() -> bool:
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return False
        other.execute("ROLLBACK")
        return True

    for _ in range(2):
        with store.atomic():
            assert other_can_write()
        with store.atomic(write=True):
            assert not other_can_write()          # held before any statement ran
        with store.write_connection():
            assert not other_can_write()
        assert other_can_write()
        store.engine.dispose()                    # a new pool: the write engine follows it
    other.close()
    store.close()


@given(st.datetimes(min_value=datetime(2, 1, 2), max_value=datetime(9998, 12, 30),
                    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-9, minutes=-30)),
                                               timezone(timedelta(hours=13, minutes=45))])))
@hsettings(max_examples=300, deadline=None)
def test_a_time_is_bound_on_sqlite_as_sqlalchemy_binds_it(moment):
    """The answer path's statements bind a UTCDateTime on SQLite by ``_sqlite_utc_text``: the
    text SQLAlchemy's own processors make (UTC, DATETIME's format), and its error for a
    naive time."""
    from sqlalchemy.dialects import sqlite

    from srs.store.driver import _bind_processor, _sqlite_utc_text
    from srs.store.models import UTCDateTime

    dialect = sqlite.dialect()
    theirs = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert _bind_processor(UTCDateTime(), dialect) is _sqlite_utc_text
    assert _sqlite_utc_text(moment) == theirs(moment)
    assert _sqlite_utc_text(moment.replace(microsecond=0)) == theirs(moment.replace(microsecond=0))
    assert _sqlite_utc_text(None) is theirs(None) is None
    with pytest.raises(ValueError, match="naive"):
        _sqlite_utc_text(moment.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        theirs(moment.replace(tzinfo=None))


@pytest.mark.parametrize("size", [1, 3, 2000])
def test_processed_chunks_read_what_sqlalchemys_rows_read(make_store, size):
    """``processed_chunks`` (a column of a chunk processed at a time, repeated values once)
    gives the rows SQLAlchemy's own execution gives, value for value and type for type; and
    the export's cards are the records ``study_card`` makes of those rows."""
    from sqlalchemy import select

    from srs.store.base import plain_select, study_card

    from srs.store.driver import processed_chunks
    from srs.store.content import ContentQueries

    store = make_store()
    store.save_deck(DeckRecord("d", "d", updated_at=T0))
    many = [dict(row, card_id=f"{row['card_id']}-{k}", position=row["position"] + 10 * k)
            for k in range(6) for row in rows("d")]  # repeated times and tags: processed once each
    with store.engine.begin() as connection:
        insert_rows(connection, cards, many)
    stmt = select(cards).order_by(cards.c.key)
    with store.atomic() as connection:
        expected = [tuple(r) for r in connection.execute(stmt)]
        got = [row for chunk in processed_chunks(connection, stmt, size) for row in chunk]
    assert got == expected
    assert [[type(v) for v in row] for row in got] == [[type(v) for v in row] for row in expected]
    full = plain_select(False).add_columns(cards.c.updated_at, cards.c.anki_guid).select_from(cards)
    with store.atomic() as connection:
        reference = [(study_card(r[:-2]), r[-2], r[-1]) for r in connection.execute(
            ContentQueries._filtered(full, "d", None).order_by(cards.c.deck_id, cards.c.position))]
    assert list(store.export_cards("d", with_state=False)) == reference


def test_add_cards_returns_the_keys_the_rows_have(make_store):
    """add_cards' keys (given by srs on SQLite, read back on PostgreSQL) are the stored rows'
    keys, and each card's tags point at its own row: into an empty table, above other
    decks' cards, over several chunks, and after the largest key's card was deleted."""
    from srs.model import CardKind
    from srs.store.records import CardText, NewCard

    store = make_store()
    for deck_id in ("a", "b"):
        store.save_deck(DeckRecord(deck_id, deck_id, updated_at=T0))

    def new(deck_id: str, n: int, offset: int = 0) -> list[NewCard]:
        return [NewCard(deck_id, f"c{i}", i, CardText(CardKind.BASIC, f"q{i}", None, "x", "", "", (f"t{i}", "all")), T0)
                for i in range(offset, offset + n)]

    def check(keys: dict[tuple[str, str], int]) -> None:
        with store.engine.connect() as connection:
            got = {(d, c): k for d, c, k in connection.execute(text("SELECT deck_id, card_id, key FROM cards"))}
            tags = set(connection.execute(text(
                "SELECT c.card_id, t.tag FROM card_tags t JOIN cards c ON c.key = t.card_key")).all())
        assert all(got[dc] == k for dc, k in keys.items())
        assert {(c, tag) for (_, c) in keys for tag in (f"t{c[1:]}", "all")} <= tags

    check(store.add_cards(new("a", 5)))
    check(store.add_cards(new("b", 7), chunk=3))
    with store.engine.begin() as connection:  # the largest key goes: the next cards take it again
        connection.execute(text("DELETE FROM cards WHERE key = (SELECT max(key) FROM cards)"))
    check(store.add_cards(new("b", 4, offset=7), chunk=2))
    assert store.add_cards([]) == {}
