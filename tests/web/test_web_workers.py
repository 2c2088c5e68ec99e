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


def worker(db: str, shared: bool = True) -> TestClient:
    app = create_app(lambda: open_store(db, "alice")[0], Guard("127.0.0.1", 8765, None, secret=b"s" * 32),
                     ticking(), fuzz=False, shared=shared)
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
