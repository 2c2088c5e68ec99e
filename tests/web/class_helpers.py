"""A database with accounts, and a signed-in client for the class tests."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from starlette.testclient import TestClient

import srs.accounts
from srs.store import open_store
from srs.web.app import create_app
from srs.web.security import Guard
from tests.factories import T0, TEST_SCRYPT_N, deck, make_store
from tests.web.helpers import Client

PASSWORDS = {"tina": "tina-teaches", "alice": "alice-secret", "bob": "bob-secret-1"}
_HASHES: dict[str, str] = {}  # once per test run


def cheap_hash(password: str) -> str:
    """What srs stores for ``password``, at the test accounts' cost."""
    n, srs.accounts.SCRYPT_N = srs.accounts.SCRYPT_N, TEST_SCRYPT_N
    try:
        return srs.accounts.hash_password(password)
    finally:
        srs.accounts.SCRYPT_N = n


class MovingClock:
    """The server's clock: a second later at each reading, and moved by the test."""

    def __init__(self, start: datetime = T0 + timedelta(days=2)) -> None:
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t


def class_db(db_url: str, *decks, users=("tina", "alice", "bob")) -> str:
    store = make_store(db_url, *(decks or (deck("d", cards=6, basic=2),)))
    try:
        for name in users:
            if name not in _HASHES:
                _HASHES[name] = cheap_hash(PASSWORDS[name])
            store.add_user(name, _HASHES[name], name == "tina", T0)
    finally:
        store.close()
    return db_url


def class_client(db: str, clock=None, host: str = "127.0.0.1", behind_proxy: bool = False,
                 scheme: str = "http", secret: bytes | None = None) -> TestClient:
    guard = Guard(host, 8765, None, accounts=True, behind_proxy=behind_proxy, **({"secret": secret} if secret else {}))
    app = create_app(lambda: open_store(db, "server")[0], guard, clock or MovingClock(), fuzz=False)
    return TestClient(app, base_url=f"{scheme}://{host}:8765")


def sign_in(c: Client, name: str, password: str | None = None, **kw):
    c.get("/signin")
    return c.post("/signin", {"name": name, "password": PASSWORDS[name] if password is None else password}, **kw)


def question(page: str) -> str:
    return re.search(r'name="question" value="(\d+)"', page).group(1)
