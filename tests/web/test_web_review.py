"""The review pages over HTTP: the same session as `srs review`, each answer in the store when
its POST returns; stale forms refused; undo, bury, suspend."""

from __future__ import annotations

import re

import pytest

from srs.store import open_store
from tests.factories import deck
from tests.web.helpers import Client, build, client_for


@pytest.fixture
def db(tmp_path) -> str:
    return build(tmp_path, deck("d", cards=4, basic=2))


def reviews(path: str) -> list:
    store = open_store(path, "alice")[0]
    try:
        return [entry for _, entry in store.review_log()]
    finally:
        store.close()


def right_letter(page: str, card_answer_text: str) -> str:
    """The shown letter of a choice by its text."""
    return re.search(r'value="([A-F])" class="choice"[^>]*>\s*<span class="key">[A-F]</span><span class="text">'
                     + re.escape(card_answer_text), page).group(1)


def test_a_right_choice_is_recorded_at_once_and_a_rating_replaces_it(db):
    with client_for(db) as tc:
        c = Client(tc)
        page = c.get("/review?deck=d").text
        assert "d/c000" in page  # the factory's first card: answer A, choices "c000 choice 0..3"
        key = c.card_key(page)
        letter = right_letter(page, "c000 choice 0")
        r = c.post("/review/choose", {"card": key, "choice": letter})
        # the verdict's page names the answer, so that any worker process shows it (test_web_workers.py)
        assert r.status_code == 303 and r.headers["location"] == f"/review?deck=d&answered=1&chose={letter}"
        assert [e.rating for e in reviews(db)] == [3]  # Good, saved before the next page
        page = c.get(r.headers["location"]).text  # where the browser goes
        assert "✓ Right" in page and "Recorded Good" in page
        assert c.post("/review/rate", {"card": key, "rating": "4"}).status_code == 303
        assert [(e.rating, e.correct) for e in reviews(db)] == [(4, True)]  # the Good undone, Easy recorded
        page = c.get("/review?deck=d").text
        assert "Recorded Easy" in page and "d/c001" in page


def test_a_wrong_choice_is_again_then_undo_takes_it_back(db):
    with client_for(db) as tc:
        c = Client(tc)
        page = c.get("/review?deck=d").text
        key = c.card_key(page)
        wrong = right_letter(page, "c000 choice 1")
        c.post("/review/choose", {"card": key, "choice": wrong})
        assert [(e.rating, e.correct) for e in reviews(db)] == [(1, False)]
        page = c.get("/review?deck=d").text
        assert "✗ Wrong" in page and "wrong c000" in page
        assert c.post("/review/undo").status_code == 303
        assert reviews(db) == []
        page = c.get("/review?deck=d").text
        assert "Undid the last answer (d/c000)" in page and c.card_key(page) == key


def test_a_basic_card_is_revealed_in_the_page_and_rated(tmp_path):
    path = build(tmp_path, deck("b", cards=0, basic=2))
    with client_for(path) as tc:
        c = Client(tc)
        page = c.get("/review").text
        assert "<details" in page and "answer b000" in page  # revealed without a request
        intervals = re.findall(r'class="interval">([^<]+)<', page)  # the preview on each rating
        assert len(intervals) == 4 and all(intervals)
        c.post("/review/rate", {"card": c.card_key(page), "rating": "3"})
        assert [e.rating for e in reviews(path)] == [3]


def test_bury_and_suspend_take_the_card_out_and_undo_brings_it_back(db):
    with client_for(db) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review?deck=d").text)
        c.post("/review/bury", {"card": key})
        page = c.get("/review?deck=d").text
        assert "Buried d/c000" in page and c.card_key(page) != key
        c.post("/review/undo")
        assert c.card_key(c.get("/review?deck=d").text) == key
        c.post("/review/suspend", {"card": key})
        assert "Suspended d/c000" in c.get("/review?deck=d").text
        store = open_store(db, "alice")[0]
        assert store.find_card("d", "c000").memory.suspended
        store.close()


def test_a_form_for_a_card_no_longer_on_screen_is_refused(db):
    with client_for(db) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review?deck=d").text)
        c.post("/review/bury", {"card": key})
        for url, data in (("/review/choose", {"choice": "A"}), ("/review/rate", {"rating": "3"}),
                          ("/review/bury", {}), ("/review/suspend", {})):
            r = c.post(url, {"card": key, **data})
            assert r.status_code == 409 and "no longer on screen" in r.text
        assert reviews(db) == []


@pytest.mark.parametrize("data", [{"choice": "Z"}, {"choice": ""}, {"choice": "AB"}, {}])
def test_bad_choices_are_400(db, data):
    with client_for(db) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review?deck=d").text)
        r = c.post("/review/choose", {"card": key, **data})
        assert r.status_code == 400 and "Traceback" not in r.text


def test_bad_ratings_and_filters(tmp_path):
    path = build(tmp_path, deck("b", cards=0, basic=2))
    with client_for(path) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review").text)
        for bad in ("0", "5", "x", ""):
            assert c.post("/review/rate", {"card": key, "rating": bad}).status_code == 400
        assert c.get("/review?deck=nope").status_code == 404
        assert c.get("/review?tag=nope").status_code == 404
        assert c.post("/review/choose", {"card": key, "choice": "A"}).status_code == 400  # a basic card has none


def test_no_session_yet_is_409(db):
    with client_for(db) as tc:
        assert Client(tc).post("/review/undo").status_code == 409


def test_nothing_due_says_so(tmp_path):
    path = build(tmp_path, deck("b", cards=0, basic=1))
    with client_for(path) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review").text)
        c.post("/review/rate", {"card": key, "rating": "4"})  # Easy: due in days
        page = c.get("/review").text
        assert "Session over" in page and "Next card due" in page


def test_a_right_choice_rated_again_is_kept_as_right(db):
    with client_for(db) as tc:
        c = Client(tc)
        page = c.get("/review?deck=d").text
        key = c.card_key(page)
        c.post("/review/choose", {"card": key, "choice": right_letter(page, "c000 choice 0")})
        assert c.post("/review/rate", {"card": key, "rating": "1"}).status_code == 303
        assert [(e.rating, e.correct) for e in reviews(db)] == [(1, True)]


def test_the_leech_notice_counts_the_lapse_just_made(tmp_path):
    """Issue 23.2 on the web: a card with 2 lapses missed again under leech_threshold 2 has
    lapsed 3 times (not "the threshold" times)."""
    from datetime import timedelta

    from srs.model import REVIEW, MemoryState
    from tests.factories import T0
    from tests.web.helpers import ticking

    path = build(tmp_path, deck("d", cards=1))
    store = open_store(path, "alice")[0]
    card = store.cards()[0]
    store.save_state(card.key, MemoryState(REVIEW, None, 5.0, 5.0, T0, T0 - timedelta(days=5), 8, 2))
    store.set_setting("leech_threshold", "2")
    store.close()
    with client_for(path, clock=ticking(T0 + timedelta(days=1))) as tc:
        c = Client(tc)
        page = c.get("/review?deck=d").text
        c.post("/review/choose", {"card": c.card_key(page), "choice": right_letter(page, "c000 choice 1")})
        page = c.get("/review?deck=d").text
        assert "d/c000 has lapsed 3 times: it is tagged leech and suspended" in page
