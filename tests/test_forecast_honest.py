"""The forecast's second pass (issue 22): it follows the mocks over the reviews, follows a
learner who changes, says what it does not know, fits one screen; the filter against a
reference implementation (tests/test_forecast_oracle.py); the JSON shape."""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from rich.console import Console

from srs.forecast import (
    Answer,
    Calibration,
    CardEvidence,
    forecast,
    full_grid,
)
from srs.forecast.filter import filter_answers as _filter
from srs.forecast.drift import fit as fit_drift
from srs.ui.progress_views import calibration_sentence, render_readiness
from tests.factories import T0

DAY = 86400.0
START = T0.timestamp()


def reviews(card: int, days: list[float], right, stability: float = 2.3) -> list[Answer]:
    return [Answer(START + d * DAY, right(card, i), 0.25, stability * (1 + i), "review") for i, d in enumerate(days)]


def mock(at_day: float, right_cards: set[int], cards: int = 20) -> dict[int, Answer]:
    return {i: Answer(START + at_day * DAY, i in right_cards, 0.25, 2.3, "exam") for i in range(cards)}


def build(per_card: dict[int, list[Answer]], cards: int = 20) -> list[CardEvidence]:
    return [CardEvidence(i, f"d/{i:02d}", 4, tuple(sorted(per_card.get(i, []), key=lambda a: a.at)))
            for i in range(cards)]


def run(cards, now_day: float, on_day: float | None = None):
    now = T0 + timedelta(days=now_day)
    on = T0 + timedelta(days=now_day if on_day is None else on_day)
    return forecast(cards, 20, 0.7, on, now, "d", DEFAULT_PARAMETERS)


# ---------------------------------------------------------------- behaviour
def test_reviews_all_right_then_a_failed_mock_the_forecast_follows_the_mock():
    per = {i: reviews(i, [0, 1, 3, 6], lambda c, j: True) for i in range(20)}
    before = run(build(per), 7)
    failed = mock(7, set(range(8)))  # 8 of 20
    for i, a in failed.items():
        per[i].append(a)
    after = run(build(per), 7 + 1 / 24)
    assert before.pass_probability > 0.5          # the reviews alone look good
    assert after.pass_probability < 0.1           # the mock is believed
    assert after.expected_score < 0.6
    missed = [q.p for q in after.cards if q.key >= 8]
    assert max(missed) < 0.5                      # the cards just missed are not "65%"
    assert after.drift.level < 0                  # exams go worse than the reviews predict


def test_rising_mock_scores_raise_the_forecast_beyond_the_reviews():
    rng = random.Random(3)
    order = list(range(20))

    def series(scores):
        per: dict[int, list[Answer]] = {}
        for day, score in zip((0, 5, 10), scores, strict=False):
            rng.shuffle(order)
            for i, a in mock(day, set(order[:score])).items():
                per.setdefault(i, []).append(a)
        return build(per)

    rising = run(series([8, 11, 15]), 10.1, 17)
    falling = run(series([15, 11, 8]), 10.1, 17)
    assert rising.drift.trend > 0 > falling.drift.trend
    assert rising.pass_probability > falling.pass_probability
    assert rising.pace.pass_probability > rising.stop.pass_probability   # the trend goes on
    assert falling.pace.expected_score < falling.stop.expected_score + 0.05


def test_no_evidence_gives_a_range_not_a_point_headline():
    f = run(build({}), 0)
    assert f.no_mock and f.little_evidence
    console = Console(record=True, width=100, color_system=None)
    render_readiness(console, f, Calibration(0, None, None))
    text = console.export_text()
    first = text.splitlines()[0]
    assert "no mock yet: take `srs exam` for a forecast" in first
    assert "to pass" not in first and "score" in first
    assert "not measured" in text            # the prior is not described as a fact


def test_with_no_evidence_the_pass_chance_leans_low():
    """Before any answer the forecast is the prior's: most learners start a course deck knowing
    little of it (the honesty benchmark's learners with no answer before a first mock passed it
    about a fifth of the time); the prior said 34%, it says about a quarter."""
    f = run(build({}), 0)
    assert f.pass_probability < 0.3 and f.expected_score < 0.55


def test_reviews_without_a_mock_still_no_point_headline():
    per = {i: reviews(i, [0, 1, 3], lambda c, j: True) for i in range(20)}
    f = run(build(per), 4)
    assert f.no_mock and not f.little_evidence
    assert f.to_dict()["evidence"]["no_mock"] is True


@pytest.mark.parametrize("with_mock", [False, True])
def test_a_guesser_expected_score_approaches_one_in_k(with_mock):
    rng = random.Random(11)
    per = {i: reviews(i, [0, 1, 2, 3, 4], lambda c, j: rng.random() < 0.25, stability=0.3) for i in range(20)}
    if with_mock:
        for i, a in mock(4.5, set(rng.sample(range(20), 5))).items():
            per[i].append(a)
    f = run(build(per), 5)
    assert f.expected_score < 0.36
    assert f.pass_probability < (0.01 if with_mock else 0.05)   # no mock: wider


# ---------------------------------------------------------------- one screen
def test_readiness_fits_one_screen_with_the_headline_first_and_last():
    rng = random.Random(5)
    per = {i: reviews(i, [0, 2, 5], lambda c, j: rng.random() < 0.7) for i in range(20)}
    for day in (3, 6):
        for i, a in mock(day, set(rng.sample(range(20), 13))).items():
            per[i].append(a)
    f = run(build(per), 6.2, 14)
    checked = Calibration(40, 0.6, 0.2, [], 4, 0.4, 0.79, 0.25)
    console = Console(record=True, width=100, height=35, color_system=None)
    held = {f.cards[0].name: "suspended: srs unsuspend " + f.cards[0].name}
    render_readiness(console, f, checked, held=held)
    lines = console.export_text().rstrip("\n").splitlines()
    assert len(lines) <= 35 and max(map(len, lines)) <= 100
    assert lines[0] == lines[-1] and "to pass if you stop studying now" in lines[0]
    assert any("keep your recent pace" in line for line in lines)
    assert any("too optimistic: 79% on average, 1 of 4 passed" in line for line in lines)
    assert not any("Brier" in line or "log loss" in line for line in lines)   # behind --details
    shown = [line for line in lines if f.cards[0].name in line]
    assert shown and all("suspend" in line for line in shown)


def test_calibration_in_words():
    assert "too optimistic" in calibration_sentence(Calibration(80, 0.6, 0.2, [], 4, 0.4, 0.79, 0.25))
    assert "too few to judge" in calibration_sentence(Calibration(20, 0.6, 0.2, [], 1, 0.4, 0.79, 0.0))
    assert "about right" in calibration_sentence(Calibration(80, 0.6, 0.2, [], 6, 0.1, 0.5, 0.5))


# ---------------------------------------------------------------- the JSON shape
def test_json_shape():
    per = {i: reviews(i, [0, 1], lambda c, j: True) for i in range(20)}
    for i, a in mock(2, set(range(15))).items():
        per[i].append(a)
    data = run(build(per), 2.1, 9).to_dict()
    assert set(data) >= {"pass_probability", "score_interval", "expected_score", "assumptions", "evidence"}
    assumptions = data["assumptions"]
    assert assumptions["headline"] == "stop" and set(assumptions) == {"headline", "stop", "pace"}
    for key in ("stop", "pace"):
        assert set(assumptions[key]) == {"label", "pass_probability", "expected_score", "score_interval"}
    assert data["pass_probability"] == assumptions["stop"]["pass_probability"]
    evidence = data["evidence"]
    assert evidence["answers"] == 60 and evidence["exam_answers"] == 20 and evidence["mocks"] == 1
    assert set(evidence["beyond_reviews"]) >= {"level", "trend_per_day", "direction"}
    assert data["learner"]["estimated"] is True


# ---------------------------------------------------------------- the exam-vs-review fit
def test_drift_fit_is_the_posterior_mode():
    rng = np.random.default_rng(2)
    days = -rng.uniform(0, 20, 200)
    predicted = rng.uniform(0.2, 0.9, 200)
    truth = 1 / (1 + np.exp(-(np.log(predicted / (1 - predicted)) - 0.5 + 0.05 * days)))
    right = rng.random(200) < truth
    d = fit_drift(predicted, right, days, 5)

    def log_post(level, trend):
        z = np.log(predicted / (1 - predicted)) + level + trend * days
        return float(np.sum(np.where(right, -np.log1p(np.exp(-z)), -np.log1p(np.exp(z))))
                     - level ** 2 / (2 * 0.2 ** 2) - trend ** 2 / (2 * 0.04 ** 2))

    best = log_post(d.level, d.trend)
    for dl, dt in ((1e-3, 0), (-1e-3, 0), (0, 1e-4), (0, -1e-4)):
        assert log_post(d.level + dl, d.trend + dt) <= best + 1e-9
    assert d.level < 0


def test_details_show_the_numbers_and_call_estimates_estimates():
    per = {i: reviews(i, [0, 1], lambda c, j: c % 3 > 0) for i in range(20)}
    for i, a in mock(2, set(range(12))).items():
        per[i].append(a)
    f = run(build(per), 2.1)
    checked = Calibration(20, 0.6, 0.2, [], 1, 0.36, 0.6, 0.0)
    console = Console(record=True, width=100, color_system=None)
    render_readiness(console, f, checked, date_note=("Exam now (no date set)", "No exam date set: srs config "
                                                     "exam_date DATE --deck d; until then, as if the exam were now."),
                     details=True)
    text = console.export_text()
    assert "Brier" in text and "Estimated from your answers (not measured" in text
    assert text.splitlines()[0].startswith("Exam now (no date set): ")
    assert "srs config exam_date DATE --deck d" in text and "no days left" in text


def test_chances_now_per_card(make_store):
    from srs.forecast import assess, chances_now
    from srs.settings import Settings
    from tests.factories import deck

    store = make_store(deck(cards=6))
    now = T0 + timedelta(hours=1)
    got = chances_now(store, Settings(), "d", now)
    assert set(got) == {q.key for q in assess(store, Settings(), "d", now, now, value=False).cards}
    assert all(0 < p < 1 for p in got.values())


def test_a_card_answered_a_thousand_times_costs_what_its_last_answers_cost():
    """A frozen-clock session of 1,300 answers to one card: the filter reads the card's last
    MAX_ANSWERS answers, so its cost does not grow with that card's count."""
    from srs.forecast import MAX_ANSWERS

    many = tuple(Answer(START + i, i % 3 > 0, 0.25, 2.3, "review") for i in range(1300))
    grid = full_grid(0.1542)
    now = START + DAY
    full = _filter([CardEvidence(0, "d/0", 4, many)], grid, now, now)
    last = _filter([CardEvidence(0, "d/0", 4, many[-MAX_ANSWERS:])], grid, now, now)
    assert np.array_equal(full.known_now, last.known_now) and np.array_equal(full.loglik, last.loglik)


def test_advice_says_when_a_tag_or_card_is_out_of_reviews(make_store):
    """The exam report's "Study next" and readiness's advice never point at suspended cards
    without saying so and how to bring them back."""
    import itertools

    from srs import attempts
    from srs.held import held_cards, held_tags
    from srs.review import set_suspended
    from srs.scheduler import make_scheduler
    from srs.settings import Settings
    from srs.ui.exam_report import render_report
    from tests.factories import deck

    store = make_store(deck(cards=6))
    set_suspended(store, ["d/c000", "d/c002"], True)
    ticks = itertools.count()
    sitting = attempts.take(store, Settings(), "d", T0, questions=6, no_timer=True, seed=1,
                            clock=lambda: float(next(ticks)))
    for q in sitting.run.questions:  # every answer wrong
        sitting.run.current()
        sitting.run.answer(q.shown_letter(next(x for x in "ABCD" if x != q.card.answer)))
    rep, number = attempts.hand_in(store, sitting, False, make_scheduler(Settings(), fuzz=False))
    held = held_tags(store, "d", rep.study_next(), T0)
    assert "even" in held and "2 of its 3 cards suspended: srs unsuspend d/c000 d/c002" in held["even"]
    console = Console(record=True, width=100, color_system=None)
    render_report(console, rep, "Deck d", number, held)
    assert "even: 2 of its 3 cards suspended" in console.export_text()
    keys = [c.key for c in store.mc_cards("d")]
    assert held_cards(store, keys, T0) == {"d/c000": "suspended: srs unsuspend d/c000",
                                           "d/c002": "suspended: srs unsuspend d/c002"}
