"""`srs user add|passwd|list|remove` through Click's runner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from srs.accounts import hash_password, verify_password
from srs.cli import app
from srs.store import open_store
from tests.factories import T0, deck, make_store


@pytest.fixture
def cli(db_url, monkeypatch):
    monkeypatch.setenv("SRS_DB", db_url)
    monkeypatch.setenv("SRS_NOW", T0.isoformat())
    runner = CliRunner()

    def run(*args: str, password: str | None = None, code: int = 0):
        result = runner.invoke(app, list(args), input=None if password is None else password + "\n")
        assert result.exit_code == code, result.output
        return result

    return run


def test_add_list_passwd_remove(cli, db_url):
    assert "added teacher t" in cli("user", "add", "t", "--teacher", password="teacher-pw").output
    cli("user", "add", "bob", password="bob-secret")
    listed = json.loads(cli("user", "list", "--json").output)
    assert [(u["name"], u["teacher"]) for u in listed] == [("bob", False), ("t", True)]
    store = open_store(db_url, "x")[0]
    try:
        stored = store.user("bob").password_hash
        assert "bob-secret" not in stored and stored.startswith("scrypt$16384$8$1$")
        assert verify_password("bob-secret", stored) and not verify_password("bob-secreT", stored)
    finally:
        store.close()
    cli("user", "passwd", "bob", password="another-pw")
    store = open_store(db_url, "x")[0]
    try:
        assert verify_password("another-pw", store.user("bob").password_hash)
    finally:
        store.close()
    assert "kept" in cli("user", "remove", "bob").output
    assert "error: no user 'bob'" in cli("user", "remove", "bob", code=1).output
    assert "bob" not in cli("user", "list").output


@pytest.mark.usefixtures("cheap_scrypt")
def test_refusals(cli):
    cli("user", "add", "ann", password="ann-secret")
    assert "exists already" in cli("user", "add", "ann", password="ann-secret", code=1).output
    assert "at least 8" in cli("user", "add", "short", password="x", code=1).output
    for bad in ("a\x1bb", "bоb", " lead", "x" * 65, "a\u202eb", ""):
        assert "error:" in cli("user", "add", bad, password="long-enough", code=1).output
    assert "no user" in cli("user", "passwd", "nobody", password="long-enough", code=1).output


@pytest.mark.usefixtures("cheap_scrypt")
def test_the_same_salt_never_twice():
    a, b = hash_password("same-password"), hash_password("same-password")
    assert a != b and verify_password("same-password", a) and verify_password("same-password", b)
    assert not verify_password("same-password", None)  # no such user: checked against a dummy
    assert not verify_password("x", "scrypt$bad")


@pytest.mark.usefixtures("cheap_scrypt")
def test_remove_keeps_progress_unless_purged(cli, db_url):
    store = make_store(db_url, deck("d", cards=3), learner="bob")
    try:
        from srs.model import GOOD
        from srs.review import ReviewSession
        from srs.settings import Settings

        session = ReviewSession(store, Settings(), "d", None, None, fuzz=False)
        first = session.next(T0 + timedelta(days=1))
        session.answer(first, GOOD, T0 + timedelta(days=1), 1000)
        assert len(list(store.review_log())) == 1
    finally:
        store.close()
    cli("user", "add", "bob", password="bob-secret")
    cli("user", "remove", "bob")
    store = open_store(db_url, "bob")[0]
    try:
        assert len(list(store.review_log())) == 1
    finally:
        store.close()
    cli("user", "add", "bob", password="bob-secret")
    assert "their progress" in cli("user", "remove", "bob", "--purge").output
    store = open_store(db_url, "bob")[0]
    try:
        assert list(store.review_log()) == []
    finally:
        store.close()
