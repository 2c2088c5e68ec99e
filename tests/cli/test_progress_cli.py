"""stats, readiness, optimize and `review --until` end to end, in-process (Typer's CliRunner)."""

from __future__ import annotations

import json

from tests.cli.helpers import cards_json, errors, next_card, right_letter, srs
from tests.store_helpers import bulk_load


def test_stats_json_and_screen(env):
    srs(env, "review", "--deck", "mini", input="B\n\nA\n\n")
    data = json.loads(srs(env, "stats", "--json").stdout)
    assert data["reviews"] == 2 and data["by_state"]["new"] >= 3 and len(data["forecast"]) == 30
    assert data["streak"] == 1 and "retention" in data
    out = srs(env, "stats", "--deck", "mini").stdout
    assert "Reviews, last 112 days: 2" in out and "Due in the next 30 days" in out and "Streak: 1 day" in out


def test_readiness_json_falls_with_time_and_feeds_exam_forecasts(env):
    srs(env, "review", "--deck", "mini", input="B\n4\nA\n4\nD\n4\nB\n4\n")
    soon = json.loads(srs(env, "readiness", "--deck", "mini", "--on", "2026-11-05", "--json").stdout)
    later = json.loads(srs(env, "readiness", "--deck", "mini", "--on", "2027-03-01", "--json").stdout)
    assert set(soon) >= {"deck", "on", "questions", "pass_mark", "expected_score", "score_interval",
                         "pass_probability", "cards", "calibration"}
    low, high = soon["score_interval"]
    assert 0 <= low <= soon["expected_score"] <= high <= 1
    assert soon["questions"] == 4 and soon["pass_mark"] == 0.75 and len(soon["cards"]) == 4
    assert later["pass_probability"] < soon["pass_probability"]
    assert all(set(c) >= {"card", "p_correct"} for c in soon["cards"])
    # an attempt stores the forecast made just before it; readiness then shows how honest it was
    srs(env, "exam", "--deck", "mini", "--seed", "1", "--no-timer", input="A\nA\nA\nA\n")
    attempt = json.loads(srs(env, "results", "--json").stdout)[0]
    assert 0 <= attempt["forecast"] <= 1
    out = srs(env, "readiness", "--deck", "mini").stdout
    assert "1 mock" in out and "too few to judge yet" in out and "Brier" not in out
    first = " ".join(out.splitlines()[0].split())
    assert " ".join(out.split()).count(first) == 2 and "No exam date set" in out  # the headline first and last
    out = srs(env, "readiness", "--deck", "mini", "--details").stdout
    assert "Were past forecasts honest? 4 exam answers" in out and "Pass forecasts: 1 attempt(s)" in out
    checked = json.loads(srs(env, "readiness", "--deck", "mini", "--json").stdout)["calibration"]
    assert checked["answers"] == 4 and checked["attempts"] == 1
    assert sum(b["answers"] for b in checked["bins"]) == 4


def test_exam_date_is_the_default_of_readiness_and_shows_in_decks(env):
    srs(env, "config", "exam_date", "2026-11-20", "--deck", "mini")
    data = json.loads(srs(env, "readiness", "--deck", "mini", "--json").stdout)
    assert data["on"].startswith("2026-11-20T12:00")
    decks = {d["id"]: d for d in json.loads(srs(env, "decks", "--json").stdout)}
    assert decks["mini"]["exam_date"] == "2026-11-20" and decks["mini"]["days_left"] == 18  # from 2026-11-02
    assert decks["mini"]["pass_probability"] == data["pass_probability"]
    assert decks["dl-final"]["exam_date"] is None
    assert "2026-11-20 in" in srs(env, "decks").stdout
    assert decks["mini"]["no_mock"] is True and "?" in srs(env, "decks").stdout  # no mock: not a forecast
    r = srs(env, "config", "exam_date", "someday", "--deck", "mini", check=False)
    assert r.returncode == 1 and "YYYY-MM-DD" in r.stderr
    srs(env, "config", "exam_date", "none", "--deck", "mini")
    assert json.loads(srs(env, "config", "exam_date", "--deck", "mini", "--json").stdout) == {"exam_date": None}


def test_readiness_errors(env):
    r = srs(env, "readiness", "--deck", "mini", "--on", "someday", check=False)
    assert r.returncode == 1 and errors(r.stderr).startswith("error: --on 'someday' is not a date (YYYY-MM-DD)")
    r = srs(env, "readiness", "--deck", "mini", "--on", "2020-01-01", check=False)
    assert r.returncode == 1 and "in the past" in r.stderr
    r = srs(env, "readiness", check=False)  # two decks with exam settings: the bundled one and mini
    assert r.returncode == 1 and "several decks" in r.stderr


def test_optimize_says_plainly_when_there_are_too_few_reviews(env):
    out = srs(env, "optimize").stdout
    assert "too few reviews" in out
    data = json.loads(srs(env, "optimize", "--json").stdout)
    assert data["kept"] is False and len(data["parameters"]) == 21


def test_optimize_keeps_better_parameters_for_the_deck(env):
    from srs.importer import import_decks
    from srs.model import REVIEW, MemoryState
    from srs.settings import resolve
    from srs.store import open_store
    from tests.factories import T0, deck
    from tests.test_optimize import simulate

    store, _ = open_store(env["SRS_DB"], env["SRS_LEARNER"])
    try:
        import_decks(store, [deck("big", cards=300)], T0)
        plausible = MemoryState(state=REVIEW, stability=1.0, difficulty=5.0, due=T0, last_review=T0)
        bulk_load(store, [], ((key, rating, when, 1000, None, plausible)
                             for key, rating, when in simulate([c.key for c in store.cards("big")], 8)))
    finally:
        store.close()
    data = json.loads(srs(env, "optimize", "--deck", "big", "--json").stdout)
    assert data["kept"] is True and data["after"]["log_loss"] < data["before"]["log_loss"]
    assert data["held_out"] >= 100 and data["parameters"] == data["fitted"]
    store, _ = open_store(env["SRS_DB"], env["SRS_LEARNER"])
    try:
        glob, per_deck = store.settings("big")
        assert "parameters" not in glob  # kept for that deck only
        assert list(resolve(glob, per_deck).parameters) == data["parameters"]
    finally:
        store.close()
    assert "log loss" in srs(env, "optimize", "--deck", "big").stdout  # the table, before and after


def test_review_until_brings_forward_what_would_be_forgotten_by_then(env):
    srs(env, "config", "learning_steps", "", "--deck", "mini")
    keys = "".join(f"{right_letter(env, f'mini/{c}')}\n3\n" for c in ("one", "capital", "six", "blue"))
    srs(env, "review", "--deck", "mini", input=keys)  # all four answered right: they graduate to review
    srs(env, "config", "new_per_day", "0", "--deck", "mini")
    later = dict(env, SRS_NOW="2026-11-03T09:00:00+00:00")  # the next day: nothing due yet
    assert "Nothing is due now." in srs(later, "review", "--deck", "mini").stdout
    out = srs(later, "review", "--deck", "mini", "--until", "2027-01-15", input="q\n").stdout
    assert "Answer A-" in out  # something to study for the exam date
    reps_before = {k: v["reps"] for k, v in cards_json(later).items()}
    for _ in range(2):  # two right answers, one session each
        card = next_card(later, "--deck", "mini", "--until", "2027-01-15")
        srs(later, "review", "--deck", "mini", "--until", "2027-01-15", "--limit", "1",
            input=f"{right_letter(later, card)}\n\n")
    reps_after = {k: v["reps"] for k, v in cards_json(later).items()}
    assert sum(reps_after.values()) == sum(reps_before.values()) + 2
    # the deck's exam_date setting is the default of --until; once it has passed, an ordinary review
    srs(later, "config", "exam_date", "2027-01-15", "--deck", "mini")
    assert "Answer A-" in srs(later, "review", "--deck", "mini", input="q\n").stdout
    srs(later, "config", "exam_date", "2026-11-01", "--deck", "mini")
    assert "Nothing is due now." in srs(later, "review", "--deck", "mini").stdout
