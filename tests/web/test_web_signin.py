"""Sign-in to `srs serve` when the database has accounts: the page, the server-side session
(hashed in the database, HttpOnly, SameSite=Strict, Secure behind TLS, expiring), CSRF,
the limit on failed attempts per account and per address, sign-out."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from srs.store import open_store
from srs.store.models import web_sessions
from srs.web.signin import ADDRESS_LIMIT, LIMIT, SESSION_COOKIE, SESSION_HOURS, WINDOW
from tests.web.class_helpers import MovingClock, cheap_hash, class_client, class_db, sign_in
from tests.web.helpers import Client


@pytest.fixture
def db(db_url) -> str:
    return class_db(db_url)


def test_every_page_needs_a_session(db):
    with class_client(db) as tc:
        c = Client(tc)
        for url in ("/", "/review", "/exam", "/results", "/results/1", "/stats", "/readiness", "/teacher",
                    "/media/d/x.png"):
            r = c.get(url, follow_redirects=False)
            assert (r.status_code, r.headers.get("location")) == (303, "/signin"), url
        for url in ("/review/rate", "/exam", "/signout", "/teacher/import"):
            assert c.post(url, {}).status_code == 403, url
        assert c.get("/static/app.css").status_code == 200
        page = c.get("/signin")
        assert page.status_code == 200 and 'name="password"' in page.text and "Review</a>" not in page.text


def test_sign_in_sets_a_strict_session_kept_hashed(db):
    with class_client(db) as tc:
        c = Client(tc)
        r = sign_in(c, "alice")
        assert (r.status_code, r.headers["location"]) == (303, "/")
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert "Secure" not in cookie and f"Max-Age={SESSION_HOURS * 3600}" in cookie
        session_id = tc.cookies[SESSION_COOKIE]
        page = c.get("/")
        assert page.status_code == 200 and "Sign out alice" in page.text and "/teacher" not in page.text
    store = open_store(db, "x")[0]
    try:
        with store.atomic() as s:
            stored = list(s.scalars(select(web_sessions.c.id)))
    finally:
        store.close()
    assert stored == [hashlib.sha256(session_id.encode()).hexdigest()]  # never the id itself


@pytest.mark.parametrize(("behind_proxy", "secure"), [(True, True), (False, False)])
def test_secure_only_when_the_proxy_is_trusted(db, behind_proxy, secure):
    with class_client(db, behind_proxy=behind_proxy) as tc:
        r = tc.get("/signin", headers={"x-forwarded-proto": "https"})
        assert ("Secure" in r.headers["set-cookie"]) is secure


def test_the_session_cookie_is_secure_over_tls(db):
    with class_client(db, scheme="https") as tc:
        r = sign_in(Client(tc), "bob")
        assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_wrong_password_unknown_name_and_a_form_without_csrf(db):
    with class_client(db) as tc:
        c = Client(tc)
        assert sign_in(c, "alice", "alice-secreT").status_code == 401
        r = sign_in(c, "nobody", "whatever-pw")
        assert r.status_code == 401 and "Wrong name or password" in r.text
        assert SESSION_COOKIE not in tc.cookies
        forged = tc.post("/signin", data={"name": "alice", "password": "alice-secret"}, follow_redirects=False)
        assert forged.status_code == 403
        assert c.get("/", follow_redirects=False).status_code == 303


def test_the_session_expires(db):
    clock = MovingClock()
    with class_client(db, clock) as tc:
        c = Client(tc)
        sign_in(c, "alice")
        assert c.get("/").status_code == 200
        clock.t += timedelta(hours=SESSION_HOURS)
        assert c.get("/", follow_redirects=False).headers["location"] == "/signin"


def test_sign_out_ends_the_session_on_the_server(db):
    with class_client(db) as tc:
        c = Client(tc)
        sign_in(c, "alice")
        stolen = tc.cookies[SESSION_COOKIE]
        assert tc.post("/signout", data={}, follow_redirects=False).status_code == 403  # CSRF
        r = c.post("/signout")
        assert (r.status_code, r.headers["location"]) == (303, "/signin")
        tc.cookies.set(SESSION_COOKIE, stolen)  # the old cookie, replayed
        assert c.get("/", follow_redirects=False).status_code == 303


def test_failed_attempts_lock_the_account_for_a_while(db):
    clock = MovingClock()
    with class_client(db, clock) as tc:
        c = Client(tc)
        for _ in range(LIMIT):
            assert sign_in(c, "bob", "guess-guess").status_code == 401
        locked = sign_in(c, "bob")  # the right password, too late
        assert locked.status_code == 429 and "Too many" in locked.text and SESSION_COOKIE not in tc.cookies
        clock.t += WINDOW
        assert sign_in(c, "bob").status_code == 303


def test_failed_attempts_lock_the_address_across_names(db, monkeypatch):
    import srs.accounts

    # a name without an account is checked against a dummy hash: one at the test accounts' cost
    monkeypatch.setattr(srs.accounts, "_DUMMY", cheap_hash("no such user"))
    clock = MovingClock()
    with class_client(db, clock, host="10.0.0.1", behind_proxy=True) as tc:
        c = Client(tc)
        c.http.headers["x-forwarded-for"] = "198.51.100.7"
        for i in range(ADDRESS_LIMIT):  # fewer than LIMIT on each account: a class's typos behind one router
            assert sign_in(c, ("alice", "tina", "bob")[i % 3] if i < 3 * (LIMIT - 1) else f"nobody{i}",
                           f"guess-{i}-guess").status_code == 401
        assert sign_in(c, "bob").status_code == 429  # the right password, the same address
        c.http.headers["x-forwarded-for"] = "198.51.100.8"
        assert sign_in(c, "bob").status_code == 303  # another address


def test_a_new_password_signs_out_everywhere(db):
    with class_client(db) as tc:
        c = Client(tc)
        sign_in(c, "alice")
        store = open_store(db, "x")[0]
        try:
            assert store.set_password("alice", cheap_hash("a-new-password"))
        finally:
            store.close()
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_database_outage_is_503_with_one_line(db, monkeypatch, capsys):
    from srs.store import DatabaseError, Store

    with class_client(db) as tc:
        c = Client(tc)
        sign_in(c, "alice")

        def down(*args, **kwargs):
            raise DatabaseError("database x is unreachable: connection refused")

        monkeypatch.setattr(Store, "session_account", down)
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert r.text == "503: the database is unavailable; try again in a moment"  # not where it is
        assert "srs serve: database x is unreachable: connection refused" in capsys.readouterr().err
        monkeypatch.undo()
        monkeypatch.setattr(Store, "deck_summaries", down)  # in a page's own query
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 503 and r.text.startswith("503: the database is unavailable")
        monkeypatch.undo()
        assert c.get("/").status_code == 200  # and back
