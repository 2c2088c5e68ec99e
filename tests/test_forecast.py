"""The readiness forecast (srs.forecast): honest after mocks, moved by evidence, exact in
its arithmetic, checked against outcomes, and beating the baselines on simulated learners."""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

import numpy as np
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS
from hypothesis import given, settings
from hypothesis import strategies as st

from srs import attempts
from srs.forecast import (
    Answer,
    CardEvidence,
    assess,
    calibration,
    evidence,
    expected_calibration_error,
    forecast,
    outcomes,
    score_distributions,
)
from srs.model import needed
from srs.review import ReviewSession
from srs.model import AGAIN, GOOD, MemoryState
from srs.scheduler import make_scheduler
from srs.rules import answered_right, code_right, review_code
from srs.settings import Settings
from tests.factories import T0, deck
from tests.store_helpers import forecast_evidence

S = Settings()


def take_mock(store, right: int, at, seed: int = 0, deck_id: str = "d", schedule: bool = True):
    """A mock exam of every card, the first ``right`` drawn answered right, the rest wrong;
    saved as `srs exam` saves it (with the forecast made just before)."""
    ticks = itertools.count()
    sitting = attempts.take(store, S, deck_id, at, questions=len(store.mc_cards(deck_id)), no_timer=True,
                            seed=seed, clock=lambda: float(next(ticks)))
    for i, q in enumerate(sitting.run.questions):
        sitting.run.current()
        letter = q.card.answer if i < right else next(x for x in "ABCD" if x != q.card.answer)
        sitting.run.answer(q.shown_letter(letter))
    rep, _ = attempts.hand_in(store, sitting, False, make_scheduler(S, fuzz=False) if schedule else None)
    return sitting, rep


def chance(store, at, on=None):
    return assess(store, S, "d", on or at, at).pass_probability


# ---------------------------------------------------------------- the cases that were wrong
def test_a_failed_mock_with_no_study_keeps_the_forecast_low(make_store):
    store = make_store(deck(cards=20))
    take_mock(store, 2, T0)
    after = T0 + timedelta(minutes=30)
    assert chance(store, after, T0 + timedelta(days=1)) <= 0.25
    assert chance(store, after, T0 + timedelta(days=3)) <= 0.25
    assert chance(store, T0 + timedelta(days=3)) <= 0.25
    r = assess(store, S, "d", T0 + timedelta(days=1), after)
    assert r.expected_score < 0.5 and r.score_interval[1] < 0.7


def test_answering_a_every_time_is_not_readiness(make_store):
    store = make_store(deck(cards=20))  # right letters spread A-D: always A gets 5 of 20
    take_mock(store, 5, T0)
    assert chance(store, T0 + timedelta(hours=1), T0 + timedelta(days=1)) <= 0.25


def test_two_strong_mocks_are_believed(make_store):
    store = make_store(deck(cards=20))
    take_mock(store, 18, T0, seed=1)
    take_mock(store, 19, T0 + timedelta(days=2), seed=2)
    assert chance(store, T0 + timedelta(days=2, hours=1), T0 + timedelta(days=3)) >= 0.7


@pytest.mark.parametrize("score", [4, 16])
def test_a_first_mock_moves_a_never_studied_forecast_its_way(make_store, score):
    store = make_store(deck(cards=20))
    prior = assess(store, S, "d", T0, T0)
    assert prior.answers == 0 and prior.little_evidence
    low, high = prior.score_interval
    assert high - low >= 0.3  # no evidence: a wide range, never a bare certainty
    assert 0.02 < prior.pass_probability < 0.5
    take_mock(store, score, T0)
    after = assess(store, S, "d", T0 + timedelta(hours=1), T0 + timedelta(hours=1))
    if score >= 14:
        assert after.pass_probability > prior.pass_probability + 0.3
        assert after.learner.prior > prior.learner.prior
    else:
        assert after.pass_probability < prior.pass_probability
        assert after.learner.prior < prior.learner.prior


@pytest.mark.slow
def test_the_forecast_falls_when_time_passes_without_study(make_store):
    store = make_store(deck(cards=20))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    for card in store.mc_cards("d"):
        session.answer(card, GOOD, T0)
    take_mock(store, 17, T0 + timedelta(days=1))
    now = T0 + timedelta(days=1, hours=1)
    values = [chance(store, now, now + timedelta(days=d)) for d in (0, 3, 10, 30, 120)]
    assert values == sorted(values, reverse=True) and values[0] - values[-1] > 0.2
    # and the chance of each question on a later day never exceeds the earlier one
    early, late = assess(store, S, "d", now + timedelta(days=2), now), assess(store, S, "d", now + timedelta(days=40), now)
    assert len(early.cards) == len(late.cards) == 20
    assert all(b.p <= a.p + 1e-12 for a, b in zip(early.cards, late.cards, strict=True))


def test_reading_the_answer_after_a_miss_is_not_knowing_it(make_store):
    """Misses in review: FSRS's recall right after is ~1; the forecast stays low."""
    store = make_store(deck(cards=20))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    for card in store.mc_cards("d"):
        session.answer(card, AGAIN, T0, right=False)
    r = assess(store, S, "d", T0 + timedelta(days=1), T0 + timedelta(minutes=5))
    assert r.pass_probability < 0.2 and r.expected_score < 0.6


# ---------------------------------------------------------------- the evidence
def test_evidence_takes_exam_answers_once_and_review_answers_with_their_stability(make_store):
    store = make_store(deck(cards=4))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    first = store.mc_cards("d")[0]
    session.answer(first, GOOD, T0)
    take_mock(store, 4, T0 + timedelta(days=1))                     # scheduled: reviews of source "exam" too
    take_mock(store, 0, T0 + timedelta(days=2), schedule=False)     # --no-schedule: exam answers only
    cards = store.exam_cards("d")
    reviews, answers = forecast_evidence(store, "d")
    assert sum(1 for r in reviews if r[3] == "exam") == 4 and len(answers) == 8
    assert all(r[5] is (r[2] == GOOD) for r in reviews if r[3] == "exam")  # an exam's review keeps its answer
    found = {c.key: c for c in evidence(cards, reviews, answers, DEFAULT_PARAMETERS)}
    mine = found[first.key].answers
    assert [(a.source, a.correct) for a in mine] == [("review", True), ("exam", True), ("exam", False)]
    assert all(a.guess == 0.25 for a in mine)
    stabilities = [r[4] for r in reviews if r[0] == first.key]
    assert mine[0].stability == stabilities[0] and mine[1].stability == stabilities[1]
    assert mine[2].stability == stabilities[1]  # no review after the unscheduled mock: the last one holds
    other = found[cards[1].key].answers
    assert [a.source for a in other] == ["exam", "exam"]


def test_the_store_columns_are_the_evidence_rows(make_store, monkeypatch):
    """forecast_columns (each column one packed text, read per range of card keys) gives the
    rows of forecast_evidence: another deck's cards between, exam reviews, a NULL stability."""
    from sqlalchemy import func, select, update

    import srs.store.packs as packs_module
    from srs.store.models import reviews as log

    monkeypatch.setattr(packs_module, "REVIEW_KEYS_AT_ONCE", 3)
    store = make_store(deck(cards=5), deck("e", cards=3), deck("f", cards=4))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    for offset, name in enumerate(("d", "e", "f", "d")):
        for card in store.mc_cards(name):
            # some right letters rated Again: their code says right
            session.answer(card, GOOD if card.key % 3 else AGAIN, T0 + timedelta(hours=offset, seconds=card.key * 7.25),
                           right=(card.key + offset) % 2 == 0 or None)
    take_mock(store, 3, T0 + timedelta(days=1))
    with store.engine.begin() as connection:
        connection.execute(update(log).where(log.c.id == select(func.min(log.c.id)).scalar_subquery())
                           .values(stability=None))
    for name in ("d", "f"):
        reviews, answers = forecast_evidence(store, name)
        (code, at, stability), (key, ended, right) = store.forecast_columns(name)
        assert code.tolist() == [review_code(k, r, answered_right(r, c), src == "exam") for k, _, r, src, _, c in reviews]
        assert at.tolist() == [t for _, t, *_ in reviews]  # to the bit
        expected = [np.nan if st is None else st for *_, st, _ in reviews]
        # SQLite sends whole ten-thousandths of a day (PostgreSQL exact text)
        assert stability == pytest.approx(expected, rel=1e-14, abs=5e-5, nan_ok=True)
        assert list(zip(key.tolist(), ended.tolist(), right.tolist(), strict=True)) == answers
        given = store.forecast_columns(name, [c.key for c in store.exam_cards(name, memory=False)])
        assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(given[0], (code, at, stability), strict=True))
    assert np.isnan(store.forecast_columns("d")[0][2]).sum() == 1
    with_memory, questions = store.exam_cards("d"), store.exam_cards("d", memory=False)
    assert [c[:4] for c in questions] == [c[:4] for c in with_memory] and len(questions) == 5
    assert all(c.state > 0 for c in with_memory) and all(c.memory() == MemoryState() for c in questions)
    assert sum(1 for r in forecast_evidence(store, "d")[0] if r[3] == "exam") == 5
    again_right = [r for r in forecast_evidence(store, "d")[0] if r[2] == AGAIN and r[5]]
    assert again_right and all(code_right(review_code(r[0], r[2], answered_right(r[2], r[5]), 0)) for r in again_right)


def test_stored_forecasts_come_back_as_calibration(make_store):
    store = make_store(deck(cards=20))
    before, rep = take_mock(store, 6, T0)
    checked = outcomes(store, "d")
    assert checked.answers == 20 and checked.attempts == 1
    assert checked.pass_brier == pytest.approx(before.forecast ** 2)
    assert sum(b.answers for b in checked.bins) == 20
    assert sum(b.right * b.answers for b in checked.bins) == pytest.approx(6)


def test_a_forecast_worked_out_at_hand_in_is_the_one_made_at_the_start(make_store):
    """`srs exam` starts without the forecast (no NumPy before the first question) and works
    it out at hand-in, before the answers are saved: the same numbers as at the start, and
    the same calibration data stored with the attempt."""
    store = make_store(deck(cards=12))
    take_mock(store, 5, T0)  # evidence for the forecast: a mock and its answers as reviews
    at = T0 + timedelta(days=2)
    ticks = itertools.count()
    early = attempts.take(store, S, "d", at, questions=12, no_timer=True, seed=3)
    late = attempts.take(store, S, "d", at, questions=12, no_timer=True, seed=3, clock=lambda: float(next(ticks)),
                         forecast=False)
    assert (late.forecast, late.expected_score, late.chances) == (None, None, None)
    for q in late.run.questions:
        late.run.current()
        late.run.answer(q.shown_letter(q.card.answer))
    attempts.forecast_before(store, S, late)
    assert (late.forecast, late.expected_score) == (early.forecast, early.expected_score) and late.forecast is not None
    assert late.chances == early.chances and len(late.chances or {}) == 12
    _, number = attempts.hand_in(store, late, False, make_scheduler(S, fuzz=False))
    past = attempts.read(store, number)
    assert past.attempt.forecast == early.forecast
    assert [a.forecast for a in past.answers] == [early.chances[q.card.key] for q in late.run.questions]


def test_a_forecast_for_a_moment_past_leaves_out_the_answers_given_since(make_store):
    """An exam's forecast is worked out at hand-in for the moment it started: a mock handed in
    meanwhile in another window (all wrong, and saved as reviews) does not move it."""
    store = make_store(deck(cards=12))
    take_mock(store, 9, T0)
    at = T0 + timedelta(days=2)
    early = attempts.take(store, S, "d", at, questions=12, no_timer=True, seed=3)
    late = attempts.take(store, S, "d", at, questions=12, no_timer=True, seed=3, forecast=False)
    take_mock(store, 0, at + timedelta(minutes=10), seed=5)  # another window, during the exam
    attempts.forecast_before(store, S, late)
    assert (late.forecast, late.expected_score, late.chances) == (early.forecast, early.expected_score, early.chances)
    now = assess(store, S, "d", at + timedelta(minutes=20), at + timedelta(minutes=20), value=False)
    assert now.expected_score < early.expected_score  # the later mock counts from then on
    # without past=True every answer in the log counts (a frozen SRS_NOW can be behind them)
    assert assess(store, S, "d", at, at, value=False).expected_score < early.expected_score


def test_calibration_arithmetic():
    pairs = [(0.1, False), (0.15, True), (0.5, True), (0.9, True), (1.0, True)]
    c = calibration(pairs, [(0.2, False), (0.8, True)])
    assert [(b.low, b.answers) for b in c.bins] == [(0.0, 2), (0.4, 1), (0.8, 2)]
    assert c.bins[0].right == 0.5 and c.bins[0].mean_forecast == pytest.approx(0.125)
    assert c.brier == pytest.approx((0.01 + 0.7225 + 0.25 + 0.01 + 0) / 5)
    assert c.pass_brier == pytest.approx(0.04)
    assert expected_calibration_error([(0.3, True), (0.3, False)]) == pytest.approx(0.2)
    assert calibration([], []).log_loss is None


# ---------------------------------------------------------------- exact arithmetic
def brute(ps, n):
    m = len(ps)
    dist = [0.0] * (n + 1)
    subsets = list(itertools.combinations(range(m), n))
    for subset in subsets:
        for outcome in itertools.product((0, 1), repeat=n):
            prob = math.prod(ps[i] if y else 1 - ps[i] for i, y in zip(subset, outcome, strict=True))
            dist[sum(outcome)] += prob / len(subsets)
    return dist


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=7), st.data())
def test_score_distribution_is_exact(ps, data):
    n = data.draw(st.integers(1, len(ps)))
    other = [p * 0.5 for p in ps]
    got = score_distributions(np.array([ps, other]).T, n)
    assert got[0] == pytest.approx(brute(ps, n), abs=1e-12)
    assert got[1] == pytest.approx(brute(other, n), abs=1e-12)


def test_every_card_drawn_is_each_columns_poisson_binomial():
    """score_distributions when the exam takes every card (its own in-place recurrence)."""
    ps = np.random.default_rng(7).random((7, 3))
    ps[0, 0], ps[1, 1] = 0.0, 1.0
    got = score_distributions(ps, 7)
    assert got.shape == (3, 8)
    for column in range(3):
        assert got[column] == pytest.approx(brute(list(ps[:, column]), 7), abs=1e-12)


def synthetic(results, at, source="exam"):
    return [CardEvidence(i, f"d/{i}", 4, () if r is None else (Answer(at, r, 0.25, 2.3 if r else 0.2, source),))
            for i, r in enumerate(results)]


def test_pass_probability_is_the_mixture_of_exact_distributions():
    now = T0 + timedelta(hours=1)
    f = forecast(synthetic([True] * 12 + [False] * 8, T0.timestamp()), 20, 0.7, now, now, "d", DEFAULT_PARAMETERS)
    assert sum(f.distribution) == pytest.approx(1.0)
    assert f.pass_probability == pytest.approx(sum(f.distribution[needed(0.7, 20):]))
    assert f.expected_score == pytest.approx(sum(j * p for j, p in enumerate(f.distribution)) / 20)
    # the learner level correlates the questions: wider than independent questions at the same chances
    ps = [c.p for c in f.cards]
    independent = sum(p * (1 - p) for p in ps)
    spread = sum(j * j * p for j, p in enumerate(f.distribution)) - (20 * f.expected_score) ** 2
    assert spread > independent
    drawn = forecast(synthetic([True] * 12 + [False] * 8, T0.timestamp()), 10, 0.7, now, now, "d",
                     DEFAULT_PARAMETERS)
    assert drawn.questions == 10 and len(drawn.distribution) == 11 and "every draw" in drawn.method


def test_a_right_multiple_choice_answer_is_weaker_evidence_than_a_recalled_one():
    """A right letter among four may be a guess; a recalled answer may not; a wrong letter
    lowers the chance below the level of a card never answered."""
    now = T0 + timedelta(hours=1)
    at = T0.timestamp()

    def first_card(answer):
        cards = [CardEvidence(0, "d/0", 4, (answer,) if answer else ())]
        cards += [CardEvidence(i, f"d/{i}", 4) for i in range(1, 20)]
        return forecast(cards, 20, 0.7, now, now, "d", DEFAULT_PARAMETERS).cards[0].p

    never = first_card(None)
    right_letter = first_card(Answer(at, True, 0.25, 2.3, "exam"))
    recalled = first_card(Answer(at, True, 0.0, 2.3, "exam"))
    wrong_letter = first_card(Answer(at, False, 0.25, 0.2, "exam"))
    assert wrong_letter < never < right_letter < recalled


def test_the_value_of_a_review_points_at_weak_cards(make_store):
    store = make_store(deck(cards=20))
    take_mock(store, 15, T0)
    r = assess(store, S, "d", T0 + timedelta(days=5), T0 + timedelta(hours=1))
    first = r.study_first(5)
    assert first and all(q.gain > 0 and q.p_if_reviewed > q.p for q in first)
    missed = {q.key for q in r.cards if q.right == 0}
    assert {q.key for q in first} <= missed


# ---------------------------------------------------------------- simulated learners
@pytest.mark.slow
def test_honesty_benchmark_fast_version():
    """A small run of benchmarks/honesty.py: on learners whose memory does not follow FSRS,
    pooled over every family, srs's forecast beats every baseline on per-question log loss
    and pass-forecast Brier."""
    from benchmarks.honesty import run

    rows = run(learners=1, seed=7)
    pooled = {r.method: r for r in rows if r.family == "all"}
    mine = pooled.pop("srs")
    assert mine.forecasts >= 30 and set(pooled) == {"fsrs-recall", "pass-rate", "last-mock", "trend"}
    for other in pooled.values():
        assert mine.question_log_loss < other.question_log_loss, other
        assert mine.pass_brier < other.pass_brier, other
        assert mine.later_brier < other.later_brier, other
    assert 0.6 <= mine.coverage <= 0.97 and mine.truth_error < 0.3


def test_filtering_many_cards_at_once_equals_filtering_each_alone():
    """The filter works on the cards with the most answers first and puts them back: each
    card's result and the summed likelihood must not depend on its neighbours or order."""
    import random

    import numpy as np

    from srs.forecast import Answer, CardEvidence, full_grid
    from srs.forecast.filter import filter_answers as _filter

    rng = random.Random(4)
    cards = []
    for key in range(40):
        t, answers = 0.0, []
        for _ in range(rng.choice([0, 0, 1, 2, 5, 9])):
            t += rng.uniform(0.1, 6) * 86400
            answers.append(Answer(t, rng.random() < 0.6, 0.25, rng.uniform(0.5, 30), rng.choice(["review", "exam"])))
        cards.append(CardEvidence(key, f"d/{key}", 4, tuple(answers)))
    grid = full_grid(0.1542)
    now, on = 60 * 86400.0, 70 * 86400.0
    together = _filter(cards, grid, now, on)
    alone = [_filter([c], grid, now, on) for c in cards]
    for i, single in enumerate(alone):
        assert np.array_equal(together.known_on[i], single.known_on[0])
        assert np.array_equal(together.known_now[i], single.known_now[0])
    assert np.allclose(together.loglik, sum(single.loglik for single in alone), rtol=1e-12, atol=1e-9)


def test_the_forecast_and_true_retention_read_what_was_answered_from_covering_indexes(sqlite_only, make_store):
    """reviews.correct (migration 0010) sits in the two indexes that answer these reads alone:
    no table row is read per review."""
    from sqlalchemy import event

    store = make_store(deck(cards=4))
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    for card in store.mc_cards("d"):
        session.answer(card, AGAIN, T0, right=True)
    statements = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        store.forecast_columns("d")
        assert store.retention(T0 - timedelta(days=1), "d") == (0, 0)  # none in review state yet
        assert store.retention(T0 - timedelta(days=1)) == (0, 0)
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    packed = [(s, p) for s, p in statements if "group_concat" in s.lower()]
    retention = [(s, p) for s, p in statements if "state_before" in s and s.lstrip().upper().startswith("SELECT")]
    assert packed and len(retention) == 2
    with store.engine.connect() as connection:
        for (statement, parameters), index in [*((p, "ix_reviews_learner_card_answers") for p in packed),
                                              (retention[1], "ix_reviews_learner_time_stats")]:
            plan = " ".join(row[-1] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert f"USING COVERING INDEX {index}" in plan, plan
