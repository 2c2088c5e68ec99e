"""A class on one server: each learner sees only their own progress (learner B tries A's
ids on every endpoint), review sessions and running exams per learner, the teacher's pages
(refused to learners), the class CSV (formula cells neutralised), deck import from the page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from srs.classroom import safe_cell
from srs.store import open_store
from tests.factories import T0, deck
from tests.web.class_helpers import cheap_hash, class_client, class_db, question, sign_in
from tests.web.helpers import Client

LOGIN = "/signin"


@pytest.fixture
def db(db_url) -> str:
    return class_db(db_url, deck("d", cards=6, basic=2))


def _two(tc_a, tc_b):
    a, b = Client(tc_a), Client(tc_b)
    assert sign_in(a, "alice").status_code == 303
    assert sign_in(b, "bob").status_code == 303
    return a, b


def _alice_works(a: Client) -> tuple[str, str]:
    """Alice answers a review card and sits a mock exam (one wrong answer, then hands in), and
    starts a second exam she leaves running: (the running exam's address, the card key)."""
    page = a.get("/review?deck=d").text
    key = a.card_key(page)
    letter = re.search(r'name="choice" value="([A-F])"', page).group(1)
    assert a.post("/review/choose", {"card": key, "choice": letter}).status_code == 303
    done = a.post("/exam", {"deck": "d", "questions": "2"}).headers["location"]
    a.post(done + "/answer", {"question": question(a.get(done).text), "choice": "A"})
    assert a.post(done + "/hand-in").status_code == 303
    running = a.post("/exam", {"deck": "d", "questions": "2"}).headers["location"]
    return running, key


def _log(learner: str, db: str) -> list:
    store = open_store(db, learner)[0]
    try:
        return [(e.card_key, e.rating, e.reviewed_at) for _, e in store.review_log()] + [
            (c.key, c.memory) for c in store.cards("d")]
    finally:
        store.close()


def test_learner_b_with_learner_as_ids_gets_nothing_of_as(db):
    with class_client(db) as tc_a, class_client(db) as tc_b:
        a, b = _two(tc_a, tc_b)
        running, key = _alice_works(a)
        assert a.get("/results/1").status_code == 200 and a.get(running).status_code == 200
        # B, with A's ids: the attempt, the running exam, its actions, the review card on A's screen
        assert b.get("/results/1").status_code == 404
        assert b.get("/results/1?exam=" + running.rsplit("/", 1)[1]).status_code == 404
        assert b.get(running).status_code == 404
        for action in ("answer", "skip", "hand-in"):
            assert b.post(f"{running}/{action}", {"question": "0", "choice": "A"}).status_code == 404
        before = _log("alice", db)
        for action in ("choose", "rate", "next", "bury", "suspend", "undo"):
            # cards are the class's shared content: B's form for the card on A's screen can only
            # ever touch B's own state of it (B's session picks it up as B's next card), never A's
            r = b.post(f"/review/{action}", {"card": key, "choice": "A", "rating": "3"})
            assert r.status_code in (303, 400, 409), action
        assert _log("alice", db) == before
        for url in ("/teacher", "/teacher/class.csv?deck=d"):
            assert b.get(url).status_code == 403
        assert b.post("/teacher/import", {}).status_code == 403
        # B's own pages show none of A's progress
        assert "No attempts yet" in b.get("/results").text
        assert "alice" not in b.get("/stats?deck=d").text and "alice" not in b.get("/").text
        assert a.get(running).status_code == 200  # A's exam is still hers, untouched
    store = open_store(db, "bob")[0]
    try:
        assert store.attempts() == []
    finally:
        store.close()
    store = open_store(db, "alice")[0]
    try:
        assert len(store.attempts()) == 1 and len(list(store.review_log())) >= 1
    finally:
        store.close()


def test_each_learner_has_their_own_review_session(db):
    with class_client(db) as tc_a, class_client(db) as tc_b:
        a, b = _two(tc_a, tc_b)
        key_a = a.card_key(a.get("/review?deck=d").text)
        page_b = b.get("/review?deck=d").text  # B's session starts: A's card stays on A's screen
        key_b = b.card_key(page_b)
        assert key_a == key_b  # the same first card of the deck: each has it on their own screen
        assert a.post("/review/bury", {"card": key_a}).status_code == 303
        assert b.post("/review/bury", {"card": key_b}).status_code == 303  # not "no longer on screen"


def test_the_teachers_class_page_and_csv(db):
    with class_client(db) as tc_t, class_client(db) as tc_a:
        t, a = Client(tc_t), Client(tc_a)
        assert sign_in(t, "tina").status_code == 303 and sign_in(a, "alice").status_code == 303
        _alice_works(a)
        page = t.get("/teacher?deck=d")
        assert page.status_code == 200 and "alice" in page.text and "bob" in page.text
        assert "Missed most" in page.text
        r = t.get("/teacher/class.csv?deck=d")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.headers["content-disposition"].startswith("attachment")
        table, _, misses = r.text.partition("\r\n\r\n")
        rows = {row["learner"]: row for row in csv.DictReader(io.StringIO(table))}
        assert set(rows) == {"alice", "bob", "tina"}
        assert rows["alice"]["attempts"] == "1" and rows["bob"]["attempts"] == "0"
        assert rows["alice"]["last_review"] and not rows["bob"]["last_review"]
        assert (rows["bob"]["due"], rows["bob"]["new"]) == ("0", "8")  # bob has studied nothing
        assert float(rows["alice"]["pass_probability"]) >= 0 and rows["alice"]["score_low"]
        assert rows["alice"]["no_mock"] == "no" and rows["bob"]["no_mock"] == "yes"
        assert rows["bob"]["pass_probability"] == "" and rows["bob"]["score_low"]  # no mock: only the range
        missed = list(csv.reader(io.StringIO(misses)))
        assert missed[0] == ["card", "question", "wrong", "answers", "learners"]
        assert all(int(m[2]) >= 1 for m in missed[1:])
        assert t.get("/teacher?deck=nope").status_code == 404


def test_the_csv_cannot_start_a_formula(db_url):
    from srs.deckfile import CardSpec, DeckSpec, ExamSettings

    evil = "=HYPERLINK(\"http://x\",\"y\")"
    cards = tuple(CardSpec(f"q{i}", f"{evil} {i}" if i == 0 else f"Q{i}?", "A", ("yes", "no"), "", "", ())
                  for i in range(4))
    db = class_db(db_url, DeckSpec("d", "D", "", ExamSettings(4, 30, 0.7), cards, "d.toml"))
    store = open_store(db, "x")[0]
    try:
        store.add_user("@SUM(A1)", cheap_hash("whatever-pw"), False, store.decks()[0].updated_at)
    finally:
        store.close()
    with class_client(db) as tc_t, class_client(db) as tc_a:
        t, a = Client(tc_t), Client(tc_a)
        sign_in(t, "tina")
        sign_in(a, "alice")
        url = a.post("/exam", {"deck": "d"}).headers["location"]
        assert a.post(url + "/hand-in").status_code == 303  # every question unanswered: all wrong
        text = t.get("/teacher/class.csv?deck=d").text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'@SUM(A1)" in cells and "'" + evil + " 0" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    for value, expected in (("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
                            ("plain", "plain"), (None, "")):
        assert safe_cell(value) == expected


TOML = """
[deck]
id = "uploaded"
name = "Uploaded deck"

[[card]]
id = "one"
question = "One?"
choices = ["a", "b"]
answer = "A"
"""


def test_a_teacher_imports_a_deck_and_a_learner_cannot(db, tmp_path):
    with class_client(db) as tc_t, class_client(db) as tc_a:
        t, a = Client(tc_t), Client(tc_a)
        sign_in(t, "tina")
        sign_in(a, "alice")
        files = {"file": ("new deck.toml", TOML.encode(), "application/toml")}
        assert a.post("/teacher/import", files=files).status_code == 403
        r = t.post("/teacher/import", files=files)
        assert r.status_code == 200 and "uploaded (1 added" in r.text
        bad = t.post("/teacher/import", files={"file": ("bad.toml", b"[deck]\nid = 3\n", "application/toml")})
        assert bad.status_code == 400 and bad.text.startswith("400: ")
        (tmp_path / "bad.toml").write_bytes(b"[deck]\nid = 3\n")  # the same file through srs import's code
        from srs.errors import UserError
        from srs.importer import import_paths
        store = open_store(db, "x")[0]
        with pytest.raises(UserError) as refused:
            import_paths(store, [tmp_path / "bad.toml"], T0)
        store.close()
        assert bad.text == "400: " + str(refused.value).replace(f"{tmp_path}/", "")  # no server folder shown
        assert t.post("/teacher/import", files={"file": ("x.exe", b"MZ", "application/octet-stream")}).status_code == 400
        assert t.post("/teacher/import", {}).status_code == 400
    store = open_store(db, "x")[0]
    try:
        assert [d.id for d in store.decks()].count("uploaded") == 1
    finally:
        store.close()


def test_an_upload_over_the_limit_is_refused_before_reading(db, monkeypatch):
    from srs.web import security

    monkeypatch.setitem(security.UPLOADS, "/teacher/import", 1000)
    with class_client(db) as tc:
        t = Client(tc)
        sign_in(t, "tina")
        r = t.post("/teacher/import", files={"file": ("big.toml", b"#" * 5000, "application/toml")})
        assert r.status_code == 413


def test_a_review_answered_through_another_worker_is_recorded(db):
    """Two apps on one database with one secret, as `srs serve --workers 2` runs them: the
    page comes from one, the answer goes to the other, which picks the session up."""
    secret = b"s" * 32
    with class_client(db, secret=secret) as one, class_client(db, secret=secret) as two:
        first = Client(one)
        assert sign_in(first, "bob").status_code == 303
        page = first.get("/review?deck=d").text
        key = first.card_key(page)
        second = Client(two)
        for name, value in one.cookies.items():
            two.cookies.set(name, value)
        r = second.post("/review/choose", {"card": key, "choice": "A", "deck": "d"})
        assert r.status_code == 303, r.text
        assert len(_log("bob", db)) - len(_log("alice", db)) == 1  # bob's one answer, alice none


#: every route of the app, and where learner B tries it with learner A's ids
TRIED = {
    "/": "B's own decks page, no sign of A", "/stats": "B's own", "/readiness": "B's own",
    "/review": "B's own session", "/review/choose": "A's card: B's state only", "/review/rate": "same",
    "/review/next": "same", "/review/undo": "same", "/review/bury": "same", "/review/suspend": "same",
    "/exam": "B starts B's", "/exam/{exam}": "A's exam: 404", "/exam/{exam}/answer": "404",
    "/exam/{exam}/skip": "404", "/exam/{exam}/hand-in": "404", "/results": "B's own (none)",
    "/results/{number:int}": "A's number: 404", "/teacher": "403", "/teacher/class.csv": "403",
    "/teacher/import": "403", "/signin": "public", "/signout": "ends B's session only",
    "/media/{deck}/{name}": "a deck's files, the class's shared content", "/static": "public files",
    "/card-style/{key}/{digest}.css": "a card note type's style sheet: the class's shared content",
}


def test_every_endpoint_is_in_the_scoping_test(db):
    """A new route must be added to TRIED (and to the scoping test above) to pass."""
    with class_client(db) as tc:
        paths = {getattr(route, "path", None) for route in tc.app.routes}
    assert paths == set(TRIED)


def test_learner_b_signing_out_and_reading_own_pages_leaves_a_alone(db):
    with class_client(db) as tc_a, class_client(db) as tc_b:
        a, b = _two(tc_a, tc_b)
        _alice_works(a)
        assert "alice" not in b.get("/readiness?deck=d").text
        assert b.post("/signout").status_code == 303
        assert a.get("/results").status_code == 200 and "#1" in a.get("/results").text  # A still signed in
        assert b.get("/results", follow_redirects=False).status_code == 303  # B is not
