"""A running mock exam is kept in the database (srs.sittings): two apps on one database (two
worker processes of `srs serve`) carry one exam on between them, a restarted server goes on
with it and its clock, handing in saves one attempt however often or wherever it is asked
for, and exams nobody came back to are handed in or dropped by the documented rule."""

from __future__ import annotations

import threading

import pytest

from srs import sittings
from srs.scheduler import make_scheduler
from srs.settings import Settings
from srs.store import open_store
from tests.factories import T0, deck
from tests.web.helpers import Client, client_for
from tests.web.test_web_exam import Clock, question, saved, start


@pytest.fixture
def db(db_url) -> str:
    from tests.factories import make_store

    make_store(db_url, deck("d", cards=6)).close()
    return db_url


def test_two_workers_carry_one_exam_and_hand_in_once(db):
    clock = Clock()
    with client_for(db, ticks=clock) as one, client_for(db, ticks=clock) as two:
        a, b = Client(one), Client(two)
        url = start(a, questions="3", minutes="10")
        seen = []
        for c in (b, a, b):  # each question on the other "worker"
            page = c.get(url)
            assert page.status_code == 200, page.text
            index, card = question(page.text)
            seen.append(card)
            assert f"Question {len(seen)} of 3" in page.text
            clock.t += 10
            assert c.post(url + "/answer", {"question": index, "choice": "A"}).status_code == 303
        assert len(set(seen)) == 3
        first = a.get(url, follow_redirects=False)
        again = b.post(url + "/hand-in")  # a second hand-in, elsewhere
        assert first.status_code == again.status_code == 303
        assert first.headers["location"] == again.headers["location"]
        assert first.headers["location"].startswith("/results/1?")
        assert "chance of passing" in b.get(first.headers["location"]).text
    attempts, reviews = saved(db)
    assert len(attempts) == 1 and attempts[0].questions == 3 and len(reviews) == 3
    store = open_store(db, "alice")[0]
    past = store.attempt(1)[1]
    store.close()
    assert [round(a.seconds) for a in past] == [10, 10, 10]  # each question's time, across workers


def test_a_restarted_server_goes_on_with_the_exam_and_its_clock(db):
    clock = Clock()
    with client_for(db, ticks=clock) as before:
        c = Client(before)
        url = start(c, questions="2", minutes="1")
        index, card = question(c.get(url).text)
        c.post(url + "/skip", {"question": index})
        csrf = before.cookies["srs_csrf"]
    clock.t += 20
    with client_for(db, ticks=clock) as after:  # a new app: nothing in memory
        after.cookies.set("srs_csrf", csrf)
        c = Client(after)
        page = c.get(url).text
        assert 'data-remaining="40"' in page and question(page)[1] != card  # the skip is kept
        clock.t += 41
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 303 and "time ran out" in c.get(r.headers["location"]).text
    attempts, _ = saved(db)
    assert len(attempts) == 1 and attempts[0].timed_out


def test_the_same_answer_sent_twice_is_recorded_once(db):
    clock = Clock()
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="2", no_timer="1")
        index, _ = question(c.get(url).text)
        assert c.post(url + "/answer", {"question": index, "choice": "B"}).status_code == 303
        assert c.post(url + "/answer", {"question": index, "choice": "B"}).status_code == 303  # no error, no change
        assert c.post(url + "/answer", {"question": index, "choice": "C"}).status_code == 409  # a different one is
        page = c.get(url).text
        assert "Question 2 of 2" in page


def test_hand_ins_at_once_save_one_attempt(db):
    """Two stores (two worker processes) hand the same exam in at the same moment."""
    clock = Clock()
    settings = Settings()
    store = open_store(db, "alice")[0]
    exam_id = sittings.start(store, settings, "d", T0, clock, questions=3, no_timer=True)
    numbers: list[int] = []
    barrier = threading.Barrier(4)

    def hand_in() -> None:
        mine = open_store(db, "alice")[0]
        try:
            barrier.wait()
            with sittings.opened(mine, exam_id, clock) as kept:
                kept.run.hand_in()
                numbers.append(sittings.hand_in(mine, kept, make_scheduler(settings, False)))
        finally:
            mine.close()

    threads = [threading.Thread(target=hand_in) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert numbers == [1, 1, 1, 1]
    assert len(store.attempts()) == 1
    store.close()


def test_another_learner_cannot_open_the_exam(db):
    clock = Clock()
    store = open_store(db, "alice")[0]
    exam_id = sittings.start(store, Settings(), "d", T0, clock, questions=2)
    bob = open_store(db, "bob")[0]
    with pytest.raises(sittings.NoSuchExam), sittings.opened(bob, exam_id, clock):
        pass
    assert bob.running_exam(exam_id) is None and store.running_exam(exam_id) is not None
    store.close()
    bob.close()


def test_a_card_removed_mid_exam_drops_the_exam_with_a_message(db):
    clock = Clock()
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        url = start(c, questions="2", no_timer="1")
        store = open_store(db, "alice")[0]
        key = store.running_exam(url.rsplit("/", 1)[1])["questions"][0][0]
        from sqlalchemy import delete

        from srs.store.models import cards
        with store.atomic(write=True) as s:
            s.execute(delete(cards).where(cards.c.key == key))
        r = c.get(url)
        assert r.status_code == 404 and "removed" in r.text
        assert store.running_exams() == []
        store.close()


def test_exams_nobody_came_back_to(db):
    """Past its deadline: handed in (timed out) when the learner opens the results; untimed
    and untouched for a week: dropped unsaved; handed in a day ago: dropped."""
    clock = Clock()
    store = open_store(db, "alice")[0]
    timed = sittings.start(store, Settings(), "d", T0, clock, questions=2, minutes=5)
    untimed = sittings.start(store, Settings(), "d", T0, clock, questions=2, no_timer=True)
    with sittings.opened(store, timed, clock) as kept:  # one answer given before walking away
        kept.run.current()
        kept.run.answer("A")
    clock.t += 6 * 60
    with client_for(db, ticks=clock) as tc:
        c = Client(tc)
        assert "#1" in c.get("/results").text  # the timed exam, handed in
        attempts, _ = saved(db)
        assert len(attempts) == 1 and attempts[0].timed_out and attempts[0].questions == 2
        assert 299 <= (attempts[0].finished_at - attempts[0].started_at).total_seconds() <= 300  # ended at its limit
        assert {i for i, *_ in store.running_exams()} == {timed, untimed}
        clock.t += sittings.KEEP_FINISHED.total_seconds() + 1
        c.get("/exam")
        assert {i for i, *_ in store.running_exams()} == {untimed}
        clock.t += sittings.ABANDONED.total_seconds()
        c.get("/exam")
        assert store.running_exams() == [] and len(saved(db)[0]) == 1
    store.close()


def test_beyond_the_most_open_exams_the_oldest_is_handed_in(db):
    clock = Clock()
    store = open_store(db, "alice")[0]
    ids = []
    for _ in range(sittings.MAX_RUNNING + 2):
        ids.append(sittings.start(store, Settings(), "d", T0, clock, questions=1, no_timer=True))
        clock.t += 1
    assert sittings.settle(store, clock, lambda deck: make_scheduler(Settings(), False)) == 2
    handed = [i for i, _, _, done in store.running_exams() if done]
    assert handed == ids[:2] and len(store.attempts()) == 2
    store.close()
