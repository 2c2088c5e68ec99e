"""Review pages under several worker processes (two apps on one database, ``shared``): a
worker whose review session missed an answer given through another starts afresh from the
database instead of showing (and taking an answer to) a card already answered."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from srs.store import open_store
from srs.web.app import create_app
from srs.web.security import Guard
from tests.factories import deck, make_store
from tests.web.helpers import Client, ticking


def worker(db: str, shared: bool = True, clock=None) -> TestClient:
    app = create_app(lambda: open_store(db, "alice")[0], Guard("127.0.0.1", 8765, None, secret=b"s" * 32),
                     clock or ticking(), fuzz=False, shared=shared)
    return TestClient(app, base_url="http://127.0.0.1:8765")


@pytest.mark.parametrize("shared", [True, False])
def test_a_worker_does_not_show_a_card_answered_through_another(db_url, shared):
    make_store(db_url, deck("d", cards=4)).close()
    with worker(db_url, shared) as one, worker(db_url, shared) as two:
        a, b = Client(one), Client(two)
        two.cookies.set("srs_csrf", a.csrf())
        first = a.card_key(a.get("/review").text)
        assert b.card_key(b.get("/review").text) == first  # both show the same next card
        assert a.post("/review/choose", {"card": first, "choice": "A"}).status_code == 303
        a.post("/review/next", {"card": first})
        again = b.get("/review").text
        if shared:
            assert b.card_key(again) != first  # b looked at the database
        else:  # a single-process server never checks (there is no other worker)
            assert b.card_key(again) == first
    store = open_store(db_url, "alice")[0]
    assert len([e for _, e in store.review_log()]) == 1
    store.close()


def _mc_first(c: Client) -> tuple[str, str, str]:
    """(the card on screen, a right letter, a wrong letter) of the review page."""
    import re

    page = c.get("/review").text
    key = c.card_key(page)
    letters = re.findall(r'name="choice" value="([A-F])"', page)
    store = open_store(c.db, "alice")[0]
    card = store.card(int(key))
    store.close()
    from srs.review import showing

    shown = showing(card)
    right = shown.shown_letter(card.answer)
    return key, right, next(x for x in letters if x != right)


@pytest.mark.parametrize("right", [True, False])
def test_the_verdict_and_a_new_rating_on_other_workers(db_url, right):
    """An answer on worker one; its verdict on worker two; a right answer re-rated Easy on
    worker three; Next on worker two: the log holds the one answer, as rated last."""
    make_store(db_url, deck("d", cards=4)).close()
    clock = ticking()  # one clock for the three processes, as on one machine
    with worker(db_url, clock=clock) as one, worker(db_url, clock=clock) as two, worker(db_url, clock=clock) as three:
        a, b, c = Client(one), Client(two), Client(three)
        for client in (a, b, c):
            client.db = db_url
        token = a.csrf()
        for tc in (two, three):
            tc.cookies.set("srs_csrf", token)
        key, good, bad = _mc_first(a)
        r = a.post("/review/choose", {"card": key, "choice": good if right else bad})
        assert r.status_code == 303 and "answered=" in r.headers["location"]
        verdict = b.get(r.headers["location"]).text
        assert f'data-card="{key}"' in verdict
        assert ('data-phase="right"' if right else 'data-phase="wrong"') in verdict
        if not right:
            assert 'class="choice wrong"' in verdict  # the letter chosen, marked
        if right:
            assert c.post("/review/rate", {"card": key, "rating": "4"}).status_code == 303
        assert b.post("/review/next", {"card": key}).status_code == 303
        assert b.card_key(b.get("/review").text) != key
    store = open_store(db_url, "alice")[0]
    log = [e for _, e in store.review_log()]
    store.close()
    assert len(log) == 1 and log[0].card_key == int(key) and log[0].rating == (4 if right else 1)


def test_a_double_tap_on_a_wrong_choice_is_one_answer(db_url):
    make_store(db_url, deck("d", cards=4)).close()
    with worker(db_url) as one:
        a = Client(one)
        a.db = db_url
        key, _, bad = _mc_first(a)
        assert a.post("/review/choose", {"card": key, "choice": bad}).status_code == 303
        assert a.post("/review/choose", {"card": key, "choice": bad}).status_code == 409  # the verdict is on screen
    store = open_store(db_url, "alice")[0]
    assert len(list(store.review_log())) == 1
    store.close()


def test_a_page_of_another_worker_showing_another_due_card_is_answered(db_url):
    """Two workers' sessions may order the due cards differently: a form for a due card that
    is not this worker's card on screen answers that card (not 409)."""
    make_store(db_url, deck("d", cards=4)).close()
    clock = ticking()
    with worker(db_url, clock=clock) as one, worker(db_url, clock=clock) as two:
        a, b = Client(one), Client(two)
        two.cookies.set("srs_csrf", a.csrf())
        first = a.card_key(a.get("/review").text)
        b.get("/review")
        store = open_store(db_url, "alice")[0]
        other = next(c.key for c in store.cards("d") if str(c.key) != first)
        store.close()
        r = b.post("/review/choose", {"card": str(other), "choice": "A"})
        assert r.status_code == 303
    store = open_store(db_url, "alice")[0]
    assert [e.card_key for _, e in store.review_log()] == [other]
    store.close()


@pytest.mark.parametrize("value", ["²", "9" * 5000, "-1", "1e3", ""])
def test_odd_ids_in_forms_and_addresses_are_no_500(db_url, value):
    make_store(db_url, deck("d", cards=2)).close()
    with worker(db_url) as one:
        a = Client(one)
        assert a.get("/review?answered=" + value).status_code == 200
        for action in ("choose", "rate", "next"):
            assert a.post(f"/review/{action}", {"card": value, "choice": "A", "rating": "3"}).status_code in (303, 400, 409)
        url = a.post("/exam", {"deck": "d", "questions": "2"}).headers["location"]
        assert a.post(url + "/answer", {"question": value, "choice": "A"}).status_code in (303, 400, 409)
