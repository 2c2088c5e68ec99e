"""The pages that only read: decks, stats (the SVG heat map), readiness, results."""

from __future__ import annotations

import re

import pytest

from srs.web.charts import bars, calibration, heat_map
from tests.factories import T0, deck
from tests.web.helpers import Client, build, client_for


@pytest.fixture
def db(tmp_path) -> str:
    return build(tmp_path, deck("d", cards=6))


def answer_some(c: Client, n: int) -> None:
    for _ in range(n):
        page = c.get("/review?deck=d").text
        key = c.card_key(page)
        c.post("/review/choose", {"card": key, "choice": "A"})
        c.post("/review/next", {"card": key})


def test_decks_page_lists_counts_and_links(db):
    with client_for(db) as tc:
        page = tc.get("/").text
        assert "Deck d" in page and "6 cards" in page and "6 new" in page
        assert 'href="/review?deck=d"' in page and 'href="/exam?deck=d"' in page


def test_stats_page_draws_the_heat_map_from_the_answers(db):
    with client_for(db) as tc:
        c = Client(tc)
        answer_some(c, 3)
        page = c.get("/stats?deck=d").text
        assert '<svg class="chart heat"' in page
        assert len(re.findall(r'<rect class="h[1-4]"', page)) == 1  # one day with reviews
        assert ": 3 reviews</title>" in page and "3 reviews" in page
        assert c.get("/stats").status_code == 200
        assert c.get("/stats?deck=nope").status_code == 404


def test_readiness_page_gives_the_headline_and_range(db):
    with client_for(db) as tc:
        c = Client(tc)
        answer_some(c, 2)
        page = c.get("/readiness").text  # the only exam deck
        assert "chance of passing" in page and "80% range" in page and '<svg class="chart bars"' in page
        assert len(re.findall(r'<rect class="bar', page)) == 7  # 0..6 right
        assert c.get("/readiness?deck=nope").status_code == 404


def test_heat_map_columns_are_weeks_and_bars_scale():
    svg = str(heat_map({100: 5, 99: 1}, today=100, days=14))
    assert svg.count("<rect") >= 14 and svg.count('class="h0"') == svg.count("<rect") - 2
    assert 'class="h4"' in svg or 'class="h3"' in svg
    b = str(bars([0, 5, 10], ["a<b", "", ""], [False, True, True]))
    assert 'height="80.0"' in b and "a&lt;b" in b and b.count('class="bar mark"') == 2


def test_calibration_dots_sit_where_forecast_meets_outcome():
    svg = str(calibration([(0.25, 0.5, 4), (0.9, 0.9, 16)]))
    assert '<circle class="dot" cx="25.0" cy="50.0" r="3.2">' in svg
    assert '<circle class="dot" cx="90.0" cy="10.0" r="5.0">' in svg and "16 answers" in svg


def test_readiness_shows_how_forecasts_fared_after_an_exam(db):
    with client_for(db) as tc:
        c = Client(tc)
        answer_some(c, 3)
        url = c.post("/exam", {"deck": "d", "questions": "3"}).headers["location"]
        c.post(url + "/hand-in")
        page = c.get("/readiness?deck=d").text
        assert '<svg class="chart calibration"' in page and page.count('<circle class="dot"') >= 1


def test_times_are_in_the_learners_zone_as_in_the_terminal(db):
    """Issue 23.5 on the web: an attempt started at 09:00 UTC under a clock at +01:00 is
    listed at 10:00, as `srs results` lists it."""
    from datetime import timedelta, timezone

    from tests.web.helpers import ticking

    plus_one = timezone(timedelta(hours=1))
    start = (T0 + timedelta(days=2)).astimezone(plus_one)
    with client_for(db, clock=ticking(start)) as tc:
        c = Client(tc)
        url = c.post("/exam", {"deck": "d", "questions": "2"}).headers["location"]
        c.post(url + "/hand-in")
        page = c.get("/results").text
        assert start.strftime("%Y-%m-%d %H:") in page
        assert start.astimezone(timezone.utc).strftime("%Y-%m-%d %H:") not in page
