"""The mock exam over HTTP: the same sitting as `srs exam`, the server's clock (a reload keeps
the time), skip, hand in, time up, the report with the misses, saved as an attempt."""

from __future__ import annotations

import re

import pytest

from srs import attempts as attempts_mod
from srs.store import open_store
from tests.factories import deck
from tests.web.helpers import Client, build, client_for


@pytest.fixture
def db(tmp_path) -> str:
    return build(tmp_path, deck("d", cards=6))


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> Clock:
    return Clock()


def start(c: Client, **form) -> str:
    r = c.post("/exam", {"deck": "d", **form})
    assert r.status_code == 303, r.text
    return r.headers["location"]


def question(page: str) -> tuple[str, str]:
    """(the question's index field, its card id)."""
    index = re.search(r'name="question" value="(\d+)"', page).group(1)
    card = re.search(r"Question (c\d+)\?", page).group(1)
    return index, card


def saved(path: str):
    store = open_store(path, "alice")[0]
    try:
        return store.attempts(None), [e for _, e in store.review_log()]
    finally:
        store.close()


def test_three_questions_with_a_skip_to_the_report(db, clock):
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        assert 'value="d" selected' in c.get("/exam").text
        url = start(c, questions="3", minutes="2")
        page = c.get(url).text
        assert "Question 1 of 3" in page and 'data-remaining="120"' in page
        first_index, first_card = question(page)
        assert c.post(url + "/skip", {"question": first_index}).status_code == 303
        seen = [first_card]
        for _ in range(3):
            clock.t += 5
            page = c.get(url).text
            index, card = question(page)
            seen.append(card)
            c.post(url + "/answer", {"question": index, "choice": "A"})
        assert seen[-1] == first_card  # the skipped question came back last
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/results/1")
        report = c.get(r.headers["location"]).text
        attempts, reviews = saved(db)
        assert len(attempts) == 1 and attempts[0].questions == 3
        assert f"{attempts[0].correct} of 3" in report and "chance of passing" in report
        past = attempts_mod.read(open_store(db, "alice")[0], 1)
        assert report.count('class="card miss"') == len(past.report.misses)
        for miss in past.report.misses:  # each miss with the right answer
            assert miss.card.right_choice in report
        assert {e.source for e in reviews} == {"exam"} and len(reviews) == 3
        assert "#1" in c.get("/results").text


def test_a_reload_keeps_the_servers_clock_and_time_up_hands_in(db, clock):
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="3", minutes="1")
        assert 'data-remaining="60"' in c.get(url).text
        clock.t += 25
        assert 'data-remaining="35"' in c.get(url).text  # reloaded: the time kept running
        index, _ = question(c.get(url).text)
        c.post(url + "/answer", {"question": index, "choice": "B"})
        clock.t += 40
        r = c.get(url, follow_redirects=False)  # time is up: handed in and saved
        assert r.status_code == 303
        report = c.get(r.headers["location"]).text
        assert "time ran out" in report and "2 not answered" in report
        attempts, _ = saved(db)
        assert attempts[0].timed_out
        late = c.post(url + "/answer", {"question": "0", "choice": "A"})  # too late: the report again
        assert late.status_code == 303 and late.headers["location"].startswith("/results/1")
        assert len(saved(db)[0]) == 1  # saved once


def test_hand_in_early(db, clock):
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="2", no_timer="1")
        assert "data-remaining" not in c.get(url).text
        r = c.post(url + "/hand-in")
        assert r.status_code == 303
        assert "2 not answered" in c.get(r.headers["location"]).text


@pytest.mark.parametrize("form,status", [({"questions": "x"}, 400), ({"questions": "0"}, 400),
                                         ({"questions": "99"}, 400), ({"minutes": "nan"}, 400),
                                         ({"minutes": "-1"}, 400), ({"minutes": "2", "no_timer": "1"}, 400),
                                         ({"deck": "nope"}, 404), ({"deck": ""}, 400)])
def test_bad_exam_options_are_4xx(db, form, status):
    with client_for(db) as tc:
        r = Client(tc).post("/exam", {"deck": "d", **form})
        assert r.status_code == status and "Traceback" not in r.text


def test_stale_or_bad_answers(db, clock):
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="2")
        index, _ = question(c.get(url).text)
        other = "1" if index == "0" else "0"
        assert c.post(url + "/answer", {"question": other, "choice": "A"}).status_code == 409
        assert c.post(url + "/answer", {"question": index, "choice": "Z"}).status_code == 400
        assert c.post(url + "/answer", {"question": index}).status_code == 400
        assert c.post(url + "/skip", {"question": other}).status_code == 409
        assert c.get("/exam/" + "x" * 16).status_code == 404


def test_confidence_is_asked_and_reported(db, clock):
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="2", confidence="1")
        page = c.get(url).text
        assert 'type="radio" name="choice"' in page and 'name="confidence" value="4"' in page
        index, _ = question(page)
        assert c.post(url + "/answer", {"question": index, "choice": "A"}).status_code == 400  # how sure?
        assert c.post(url + "/answer", {"question": index, "choice": "A", "confidence": "9"}).status_code == 400
        for _ in range(2):
            index, _ = question(c.get(url).text)
            assert c.post(url + "/answer", {"question": index, "choice": "A", "confidence": "4"}).status_code == 303
        report = c.get(c.get(url, follow_redirects=False).headers["location"]).text
        assert "Your calibration" in report and "4 certain" in report
        past = attempts_mod.read(open_store(db, "alice")[0], 1)
        assert [a.confidence for a in past.answers] == [4, 4]
