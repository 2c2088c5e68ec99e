"""A class member in a real browser at a phone's size (headless Chromium, as in
test_web_browser.py): sent to the sign-in page, signed in, a card reviewed, a mock exam
taken, signed out."""

from __future__ import annotations


import pytest

from srs.accounts import hash_password
from srs.store import open_store
from tests.web.helpers import serving
from tests.factories import T0, make_store
from tests.web.test_web_browser import By, body, browser, demo_deck, free_port, no_horizontal_scroll, start_exam, wait_for

pytestmark = pytest.mark.slow
__all__ = ["browser"]  # the fixture, imported for the tests below


@pytest.fixture
def class_server(tmp_path):
    from srs.web.app import create_app
    from srs.web.security import Guard

    db = str(tmp_path / "class.db")
    store = make_store(db, demo_deck())
    store.add_user("alice", hash_password("alice-secret"), False, T0)
    store.close()
    port = free_port()
    app = create_app(lambda: open_store(db, "server")[0], Guard("127.0.0.1", port, None, accounts=True), fuzz=False)
    with serving(app, port) as url:
        yield url, db


def logged(db: str, learner: str = "alice") -> list:
    store = open_store(db, learner)[0]
    try:
        return list(store.review_log())
    finally:
        store.close()


@pytest.mark.parametrize("browser", ["phone"], indirect=True)
def test_sign_in_review_a_card_take_a_mock_sign_out(class_server, browser):
    base, db = class_server
    d = browser
    d.get(base + "/review?deck=demo")
    wait_for(d, lambda: d.find_elements(By.NAME, "password"), "the sign-in page")
    no_horizontal_scroll(d)
    d.find_element(By.NAME, "name").send_keys("alice")
    d.find_element(By.NAME, "password").send_keys("alice-secret")
    d.find_element(By.CSS_SELECTOR, "form.signin button").click()
    wait_for(d, lambda: "Sign out alice" in body(d), "signed in")
    d.get(base + "/review?deck=demo")
    wait_for(d, lambda: "derivative" in body(d), "the first card")
    no_horizontal_scroll(d)
    cookie = d.get_cookie("srs_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    d.find_elements(By.CSS_SELECTOR, "button.choice")[0].click()  # an answer, right or wrong
    wait_for(d, lambda: len(logged(db)) == 1, "the answer in alice's review log")
    assert logged(db, "server") == []  # not the server's learner's
    # a two-question mock, answered by taps, saved as alice's attempt
    start_exam(d, base, questions=2)
    for n in (1, 2):
        wait_for(d, lambda n=n: f"Question {n} of 2" in body(d), f"question {n}")
        no_horizontal_scroll(d)
        if n == 2:  # a reload mid-exam: the same question, the exam kept by the server
            d.refresh()
            wait_for(d, lambda: "Question 2 of 2" in body(d), "question 2 after a reload")
        d.find_elements(By.CSS_SELECTOR, "button.choice")[0].click()
    wait_for(d, lambda: "Attempt #1" in body(d), "the report")
    no_horizontal_scroll(d)
    store = open_store(db, "alice")[0]
    try:
        assert [a.questions for a in store.attempts()] == [2]
    finally:
        store.close()
    d.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(d, lambda: d.find_elements(By.NAME, "password"), "the sign-in page again")
    d.get(base + "/review")
    wait_for(d, lambda: d.find_elements(By.NAME, "password"), "signed out: sign in first")
