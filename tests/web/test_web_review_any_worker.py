"""Review forms answered by whichever worker process receives them (two apps on one
database, ``shared``, as behind a proxy that pools its connections): every form names its
card and that card's state when shown (``seen``), so any worker takes it while the card is
still in that state, and refuses it (409) once it is not: a card answered through another
tab or worker is never answered twice, and no other card is answered in its place."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from srs.model import CardKind
from srs.review import showing
from srs.store import open_store
from srs.web.app import create_app
from srs.web.security import Guard
from tests.factories import deck, make_store
from tests.web.helpers import Client, ticking


def _workers(db: str, n: int = 2) -> tuple[list[TestClient], list[Client]]:
    clock = ticking()  # one clock for the processes, as on one machine
    apps = [TestClient(create_app(lambda: open_store(db, "alice")[0], Guard("127.0.0.1", 8765, None, secret=b"s" * 32),
                                  clock, fuzz=False, shared=True), base_url="http://127.0.0.1:8765") for _ in range(n)]
    clients = [Client(app) for app in apps]
    token = clients[0].csrf()
    for app in apps[1:]:
        app.cookies.set("srs_csrf", token)
    return apps, clients


def _form(page: str) -> dict[str, str]:
    """What the page's forms name: the card and its state as shown."""
    return {"card": re.search(r'name="card" value="(\d+)"', page).group(1),
            "seen": re.search(r'name="seen" value="([^"]*)"', page).group(1)}


def _card(db: str, key: str):
    store = open_store(db, "alice")[0]
    try:
        return store.card(int(key))
    finally:
        store.close()


def _log(db: str) -> list[tuple[int, int]]:
    store = open_store(db, "alice")[0]
    try:
        return [(e.card_key, e.rating) for e in sorted((e for _, e in store.review_log()), key=lambda e: e.id)]
    finally:
        store.close()


def test_every_review_action_on_the_other_worker(db_url):
    """The page from one worker, every action through the other, turn about: no 409."""
    make_store(db_url, deck("d", cards=6, basic=3)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        expected: list[tuple[int, int]] = []
        for i in range(9):
            show, act = (a, b) if i % 2 else (b, a)
            page = show.get("/review").text
            form = _form(page)
            card = _card(db_url, form["card"])
            if i == 2:
                assert act.post("/review/bury", form).status_code == 303
                continue
            if i == 5:
                assert act.post("/review/suspend", form).status_code == 303
                continue
            if card.kind is CardKind.BASIC:
                assert act.post("/review/rate", {**form, "rating": "3"}).status_code == 303
                expected.append((card.key, 3))
                continue
            shown = showing(card)
            right = i % 4 != 1
            letter = shown.shown_letter(card.answer) if right else next(x for x in shown.valid
                                                                       if x != shown.shown_letter(card.answer))
            r = act.post("/review/choose", {**form, "choice": letter})
            assert r.status_code == 303, r.text
            verdict = show.get(r.headers["location"]).text
            assert f'data-card="{card.key}"' in verdict
            if right and i % 3 == 0:  # the Good of a right choice re-rated Easy, through the other worker
                assert act.post("/review/rate", {**_form(verdict), "rating": "4"}).status_code == 303
                expected.append((card.key, 4))
            else:
                expected.append((card.key, 3 if right else 1))
            assert show.post("/review/next", _form(verdict)).status_code == 303
        states = {c.key: c.memory for c in (_card(db_url, str(k)) for k, _ in expected)}
    assert _log(db_url) == expected
    assert all(m.reps >= 1 for m in states.values())


def test_a_stale_form_is_refused_on_either_worker(db_url):
    """A page kept open (another tab, the back button) after its card was answered elsewhere."""
    make_store(db_url, deck("d", cards=4)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        old = _form(a.get("/review").text)
        assert b.post("/review/choose", {**old, "choice": "A"}).status_code == 303
        b.post("/review/next", old)
        for c in (a, b):
            assert c.post("/review/choose", {**old, "choice": "B"}).status_code == 409
            assert c.post("/review/rate", {**old, "rating": "1"}).status_code == 409
        assert a.get("/review").status_code == 200  # a reload shows the next card
        assert _form(a.get("/review").text)["card"] != old["card"]
    assert [k for k, _ in _log(db_url)] == [int(old["card"])]


def test_a_double_submit_through_two_workers_is_saved_once(db_url):
    make_store(db_url, deck("d", cards=4, basic=0)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        form = _form(a.get("/review").text)
        b.get("/review")  # b's session shows the same card: its memory must not be enough
        codes = [a.post("/review/choose", {**form, "choice": "A"}).status_code,
                 b.post("/review/choose", {**form, "choice": "A"}).status_code,
                 a.post("/review/choose", {**form, "choice": "A"}).status_code]
    assert codes == [303, 409, 409]
    assert len(_log(db_url)) == 1


def test_a_basic_card_rated_twice_through_two_workers_is_saved_once(db_url):
    make_store(db_url, deck("d", cards=0, basic=3)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        form = _form(a.get("/review").text)
        codes = [b.post("/review/rate", {**form, "rating": "3"}).status_code,
                 a.post("/review/rate", {**form, "rating": "3"}).status_code]
    assert codes == [303, 409]
    assert len(_log(db_url)) == 1


def test_undo_through_the_other_worker(db_url):
    """An answer given through one worker is undone through the other (whose session never
    saw it): the card is back on screen and the log empty; the old undo form then does nothing."""
    make_store(db_url, deck("d", cards=0, basic=3)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        b.get("/review")  # b's session is older than the answer
        form = _form(a.get("/review").text)
        assert b.post("/review/rate", {**form, "rating": "1"}).status_code == 303
        page = a.get("/review").text
        last = re.search(r'name="last" value="(\d+)"', page).group(1)
        assert b.post("/review/undo", {"last": last}).status_code == 303
        assert _log(db_url) == []
        assert _form(b.get("/review").text)["card"] == form["card"]
        assert a.post("/review/undo", {"last": last}).status_code == 303  # nothing left to undo
        assert "Nothing to undo" in a.get("/review").text
        assert _form(a.get("/review").text)["card"] == form["card"]
        assert a.post("/review/rate", {**form, "rating": "3"}).status_code == 303  # the state shown again
    assert _log(db_url) == [(int(form["card"]), 3)]


def test_next_through_a_worker_that_showed_the_card_as_a_question(db_url):
    """The page from a, the wrong answer and its verdict through b, Next through a: a moves
    on (a card answered Again is due again soon; a is not to take Next for that question)."""
    make_store(db_url, deck("d", cards=3)).close()
    apps, (a, b) = _workers(db_url)
    with apps[0], apps[1]:
        for _ in range(3):
            form = _form(a.get("/review").text)
            card = _card(db_url, form["card"])
            shown = showing(card)
            wrong = next(x for x in shown.valid if x != shown.shown_letter(card.answer))
            r = b.post("/review/choose", {**form, "choice": wrong})
            assert r.status_code == 303
            assert b.get(r.headers["location"]).status_code == 200
            assert a.post("/review/next", form).status_code == 303
    assert len(_log(db_url)) == 3
