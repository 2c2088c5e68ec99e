"""The web review is the terminal's session, not a copy of it: any sequence of answers,
ratings, undos, burials and suspensions given through the pages leaves the same review log
and the same card states as the same steps given to srs.review.ReviewSession directly (as the
terminal's screen gives them: a right choice then its rating is one answer with that rating,
a wrong choice is Again)."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srs.clock import exam_date
from srs.model import CardKind
from srs.review import ReviewSession, showing
from srs.settings import resolve
from srs.store import open_store
from tests.factories import T0, deck, make_store
from tests.web.helpers import Client, client_for

NOW = T0 + timedelta(days=2)
ACTIONS = ["rate1", "rate2", "rate3", "rate4", "wrong", "undo", "bury", "suspend"]


def outcome(path: str) -> tuple[list, dict]:
    store = open_store(path, "alice")[0]
    try:
        log = [(e.card_key, int(e.rating)) for _, e in store.review_log()]
        states = {c.key: (c.memory.state, c.memory.due, c.memory.stability, c.memory.suspended,
                          c.memory.buried_until) for c in store.cards()}
        return log, states
    finally:
        store.close()


def by_web(path: str, actions: list[str]) -> None:
    with client_for(path, clock=lambda: NOW) as tc:
        c = Client(tc)
        for action in actions:
            page = c.get("/review").text
            on_screen = re.search(r'data-card="(\d+)"', page)
            if action == "undo":
                c.post("/review/undo")
                continue
            if on_screen is None:
                continue
            key = on_screen.group(1)
            if action in ("bury", "suspend"):
                assert c.post(f"/review/{action}", {"card": key}).status_code == 303
                continue
            rating = 1 if action == "wrong" else int(action[-1])
            choices = re.findall(r'name="choice" value="([A-F])"', page)
            if not choices:  # a basic card: rated at once
                assert c.post("/review/rate", {"card": key, "rating": str(rating)}).status_code == 303
                continue
            assert "choice right" not in page  # the page never gives the answer away before it is chosen
            store = open_store(path, "alice")[0]
            card = store.card(int(key))
            store.close()
            shown = showing(card)
            letter = shown.shown_letter(card.answer) if action != "wrong" else next(
                x for x in shown.valid if x != shown.shown_letter(card.answer))
            assert c.post("/review/choose", {"card": key, "choice": letter}).status_code == 303
            if action == "wrong" or rating == 3:
                c.post("/review/next", {"card": key})
            else:
                assert c.post("/review/rate", {"card": key, "rating": str(rating)}).status_code == 303


def by_session(path: str, actions: list[str]) -> None:
    store = open_store(path, "alice")[0]
    try:
        glob, per_deck = store.settings(None)
        s = resolve(glob, per_deck)
        session = ReviewSession(store, s, fuzz=False, until=exam_date(None, s.exam_date, s.day_starts_at, NOW))
        for action in actions:
            if action == "undo":
                session.undo()
                continue
            card = session.next(NOW)
            if card is None:
                continue
            if action == "bury":
                session.bury(card, NOW)
            elif action == "suspend":
                session.suspend(card)
            elif action == "wrong":
                session.answer(card, 1, NOW, right=False)
            else:
                rating = int(action[-1])
                session.answer(card, rating, NOW, right=True if card.kind is CardKind.MC else None)
    finally:
        store.close()


@given(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=14))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_pages_and_the_session_leave_the_same_store(tmp_path_factory, actions):
    web_db, direct_db = (str(tmp_path_factory.mktemp("same") / name) for name in ("web.db", "direct.db"))
    for path in (web_db, direct_db):
        make_store(path, deck("d", cards=4, basic=2)).close()
    by_web(web_db, actions)
    by_session(direct_db, actions)
    assert outcome(web_db) == outcome(direct_db)


def test_one_session_of_every_step(tmp_path):
    actions = ["rate3", "wrong", "undo", "rate1", "rate4", "bury", "rate2", "undo", "suspend", "rate3", "rate3",
               "wrong", "rate4"]
    web_db, direct_db = str(tmp_path / "web.db"), str(tmp_path / "direct.db")
    for path in (web_db, direct_db):
        make_store(path, deck("d", cards=4, basic=2)).close()
    by_web(web_db, actions)
    by_session(direct_db, actions)
    log, states = outcome(web_db)
    assert len(log) >= 6 and {r for _, r in log} >= {1, 3, 4}
    assert any(s[3] for s in states.values())  # one suspended
    assert (log, states) == outcome(direct_db)
