"""The store's bulk insert (``insert_rows``, the driver's executemany) writes exactly what
SQLAlchemy's own executemany writes: the same stored values, on each engine."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, text

from srs.store.base import insert_rows
from srs.store.models import Card, CardTag
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
        store.save_deck(deck_id, name=deck_id, updated_at=T0)
    with store.engine.begin() as connection:
        connection.execute(insert(Card.__table__), rows("core"))
        insert_rows(connection, Card.__table__, rows("bulk"), chunk=3)  # several chunks
        assert stored(connection, "bulk") == stored(connection, "core")
        keys = dict(connection.execute(text("SELECT card_id, key FROM cards WHERE deck_id = 'bulk'")).all())
        insert_rows(connection, CardTag.__table__, [{"card_key": k, "tag": "x"} for k in keys.values()])
        assert connection.execute(text("SELECT count(*) FROM card_tags")).scalar() == len(keys)
        insert_rows(connection, CardTag.__table__, [])  # nothing to do


def test_insert_rows_leaves_defaults_to_sqlalchemy(make_store):
    store = make_store()
    store.save_deck("d", name="d", updated_at=T0)
    partial = [{k: v for k, v in row.items() if k not in ("explanation", "wrong_feedback", "retired")}
               for row in rows("d")]
    with store.engine.begin() as connection:
        insert_rows(connection, Card.__table__, partial)
        assert connection.execute(text(
            "SELECT count(*) FROM cards WHERE explanation = '' AND wrong_feedback = '' AND deck_id = 'd'")).scalar() == 7


def test_json_text_is_what_json_writes_and_reads():
    """The SQLite engine's JSON functions give json.dumps's text and json.loads's values (or errors)."""
    import json

    from srs.store.engine import json_dumps, json_loads

    for value in ([], ["a"], ["é\u2028\"\\ x", "\ud800"], [1, "a"], {"a": [1, None]}, None, "s", 1.5, [["x"]], (),
                  ("a", "b"), (1,)):
        assert json_dumps(value) == json.dumps(value)
    for text in ("[]", " []", '["a", "b"]', '{"a": 1} ', "1", "null", '["\\u00e9"]', "\ufeff[]", "[1,", "", '"x"y',
                 "NaN", "[1] [2]"):
        try:
            expected = ("value", json.loads(text))
        except ValueError as exc:
            expected = ("error", str(exc))
        try:
            got = ("value", json_loads(text))
        except ValueError as exc:
            got = ("error", str(exc))
        assert got == expected, text


def test_a_record_made_fast_is_the_record_its_constructor_makes():
    from srs.model import CardContent, CardKind, record_maker

    values = (7, "c1", 3, CardKind.MC, "q?", ["a", "b"], "A", "why", "", ["t"], False, None)
    made, plain = record_maker(CardContent)(*values), CardContent(*values)
    assert made == plain and vars(made) == vars(plain) and list(vars(made)) == list(vars(plain))
    assert repr(made) == repr(plain)
    with pytest.raises(TypeError):
        record_maker(CardContent)(*values[:-1])
