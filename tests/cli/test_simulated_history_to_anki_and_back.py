"""A simulated week (SRS_NOW ahead of the clock) taken to Anki and back (issue 23.15):
Anki re-dates the future reviews to the moment it imports them; srs recognises them and
adds only the reviews made in Anki. Through the real CLI, with Anki's own engine."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from srs.merge import not_redated
from tests.anki_helpers import anki_import, answer_due, new_collection, package
from tests.cli.daily import Srs

FUTURE = "2099-03-02T09:00:00+00:00"   # ahead of any clock Anki will run on


@pytest.fixture
def srs(tmp_path, monkeypatch):
    s = Srs(tmp_path, monkeypatch)
    s("import", s.deck, now=FUTURE)
    return s


def study(srs, days: int = 3) -> int:
    """A simulated few days: each day, up to six answers, five minutes apart — right (Good),
    or every third one wrong."""
    answers = 0
    for day in range(days):
        for i in range(6):
            now = (datetime.fromisoformat(FUTURE) + timedelta(days=day, minutes=5 * i)).isoformat()
            out = srs("review", "--deck", "mini", "--limit", "1", input="q\n", now=now).stdout
            if "Nothing is due" in out:
                break
            card = srs.first("--deck", "mini")
            if card == "mini/basic":
                keys = "\n3\n"
            else:
                keys = f"{srs.wrong(card)}\n\n" if answers % 3 == 2 else f"{srs.right(card)}\n3\n"
            srs("review", "--deck", "mini", "--limit", "1", input=keys)
            answers += 1
    return answers


@pytest.mark.slow  # Anki's engine and some forty srs commands
def test_a_simulated_history_comes_back_from_anki_once(srs, tmp_path):
    answers = study(srs)
    assert answers >= 5 and len(srs.log()) == answers
    srs("export", str(tmp_path / "mini.apkg"), "--deck", "mini", "--with-history")
    col = new_collection(tmp_path / "phone.anki2")
    anki_import(col, tmp_path / "mini.apkg", scheduling=True)
    ids = col.find_cards("deck:Mini*")
    rows = col.db.all(f"select id from revlog where cid in ({','.join(map(str, ids))})")
    assert len(rows) == answers
    assert max(r[0] for r in rows) < datetime.fromisoformat(FUTURE).timestamp() * 1000  # Anki re-dated them
    studied = answer_due(col, "Mini deck", 2)
    back = package(col, tmp_path / "back.apkg", deck="Mini deck")
    col.close()
    result = srs("import", str(back), "--with-history", "--json", now="2099-03-06T09:00:00+00:00")
    [summary] = json.loads(result.stdout)
    assert summary["reviews_added"] == studied          # Anki's own answers only
    assert len(srs.log()) == answers + studied
    again = json.loads(srs("import", str(back), "--with-history", "--json").stdout)[0]
    assert again["reviews_added"] == 0


def _row(rating: int, at: datetime):
    return SimpleNamespace(rating=rating, at=at, reviewed_at=at)


def test_reviews_spread_over_time_are_anki_s_own_not_copies():
    t = datetime(2099, 1, 1, tzinfo=timezone.utc)
    log = [_row(3, t + timedelta(days=d)) for d in range(3)]
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    copies = [_row(3, now + timedelta(milliseconds=i)) for i in range(3)]
    assert not_redated(log, copies) == []
    spread = [_row(3, now + timedelta(hours=i)) for i in range(3)]     # answered in Anki, hours apart
    assert not_redated(log, spread) == spread
    other = [_row(1, now + timedelta(milliseconds=i)) for i in range(3)]  # other ratings: not copies
    assert not_redated(log, other) == other
