"""The arithmetic of a drawn exam: the pass probability and its per-card derivative against
brute force (hypothesis), the stated approximations, and the cards `review --until` brings
forward. (The forecast itself: tests/test_forecast.py.)"""

from __future__ import annotations

import itertools
import math
import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import srs.forecast.draws as readiness_module
from srs.clock import day_start
from srs.model import needed
from srs.forecast.draws import exam_odds, pass_probability, poisson_binomial
from srs.model import REVIEW, MemoryState
from srs.queue import cram_candidates
from srs.scheduler import make_scheduler, retrievability
from srs.settings import Settings
from tests.factories import T0, deck

chances = st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.25])), min_size=1, max_size=7)
marks = st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.5, 0.7, 0.75, 1.0]))


def brute(ps, questions, mark):
    """Average, over every draw, of the chance that enough answers are right."""
    k = needed(mark, questions)
    draws = list(itertools.combinations(range(len(ps)), questions))
    total = 0.0
    for draw in draws:
        for outcome in itertools.product((0, 1), repeat=questions):
            chance = 1.0
            for i, right in zip(draw, outcome, strict=True):
                chance *= ps[i] if right else 1 - ps[i]
            total += chance * (sum(outcome) >= k)
    return total / len(draws)


@settings(max_examples=120, deadline=None)
@given(chances, marks)
def test_all_questions_matches_brute_force(ps, mark):
    assert pass_probability(ps, len(ps), mark) == pytest.approx(brute(ps, len(ps), mark), abs=1e-12)
    assert sum(poisson_binomial(ps)) == pytest.approx(1.0)
    assert pass_probability(ps, len(ps), mark) == pytest.approx(sum(poisson_binomial(ps)[needed(mark, len(ps)):]),
                                                                abs=1e-12)


@settings(max_examples=120, deadline=None)
@given(chances.filter(lambda ps: len(ps) >= 2), st.data(), marks)
def test_random_draws_match_brute_force(ps, data, mark):
    n = data.draw(st.integers(1, len(ps) - 1))
    assert pass_probability(ps, n, mark) == pytest.approx(brute(ps, n, mark), abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(chances, st.data(), marks)
def test_each_cards_slope_is_exact(ps, data, mark):
    """The pass probability is affine in each chance; the slope is P(card decides the exam)."""
    n = data.draw(st.integers(1, len(ps)))
    odds = exam_odds(ps, n, mark)
    assert odds.exact
    for i in range(len(ps)):
        sure, lost = list(ps), list(ps)
        sure[i], lost[i] = 1.0, 0.0
        assert odds.slopes[i] == pytest.approx(brute(sure, n, mark) - brute(lost, n, mark), abs=1e-12)


def test_hand_computed_cases():
    assert pass_probability([0.5, 0.5], 2, 1.0) == pytest.approx(0.25)
    assert pass_probability([1.0, 0.0], 1, 1.0) == pytest.approx(0.5)  # one of two drawn
    assert needed(0.70, 20) == 14 and needed(0.75, 4) == 3 and needed(0.7, 10) == 7  # the mark is inclusive
    binomial = sum(math.comb(20, j) * 0.9**j * 0.1 ** (20 - j) for j in range(14, 21))  # 14 of 20 passes
    assert pass_probability([0.9] * 20, 20, 0.70) == pytest.approx(binomial, abs=1e-12)



def test_larger_exact_cases_and_the_stated_approximations(monkeypatch):
    rng = random.Random(4)
    ps = [min(1.0, max(0.0, rng.gauss(0.8, 0.15))) for _ in range(400)]
    # exact, 20 of 400, against the plain hypergeometric dynamic programme
    f = [[0.0] * 21 for _ in range(21)]
    f[0][0] = 1.0
    for i, p in enumerate(ps):
        for n in range(min(i, 19), -1, -1):
            q = (20 - n) / (400 - i)
            for c in range(n, -1, -1):
                f[n + 1][c + 1] += f[n][c] * q * p
                f[n + 1][c] += f[n][c] * q * (1 - p)
                f[n][c] *= 1 - q
    exact = exam_odds(ps, 20, 0.7)
    assert exact.exact and exact.pass_probability == pytest.approx(sum(f[20][14:]), abs=1e-12)
    all_cards = exam_odds(ps[:60], 60, 0.7)
    assert all_cards.pass_probability == pytest.approx(sum(poisson_binomial(ps[:60])[42:]), abs=1e-12)
    # too large to sum exactly: the approximations say so and stay close
    monkeypatch.setattr(readiness_module, "EXACT_BUDGET", 0)
    binomial = exam_odds(ps, 20, 0.7)
    assert not binomial.exact and "binomial" in binomial.method
    assert binomial.pass_probability == pytest.approx(exact.pass_probability, abs=0.005)
    assert binomial.slopes[0] == pytest.approx(sum(exact.slopes) / len(ps), rel=0.05)
    normal = exam_odds(ps[:60], 60, 0.7)
    assert not normal.exact and "normal" in normal.method
    assert normal.pass_probability == pytest.approx(all_cards.pass_probability, abs=0.03)


def test_review_until_finds_the_cards_recall_would_lose_by_then(make_store):
    store = make_store(deck(cards=30))
    cards = store.cards("d")
    s = Settings()
    now = T0
    rng = random.Random(2)
    for i, card in enumerate(cards):
        last = now - timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23))
        stability = 2.0 + 2.5 * i  # all different: a strict order
        due = last + timedelta(days=max(1, round(stability)))
        store.save_state(card.key, MemoryState(state=REVIEW, stability=stability, difficulty=5.0, due=due,
                                               last_review=last, reps=3, suspended=(i == 7)))
    until = now + timedelta(days=45)
    scheduler = make_scheduler(s, fuzz=False)
    tomorrow = day_start(now, s.day_starts_at) + timedelta(days=1)
    states = {c.key: c.memory for c in store.cards("d")}
    expected = sorted((k for k, m in states.items() if not m.suspended and m.due >= tomorrow
                       and retrievability(scheduler, m, until) < s.desired_retention),
                      key=lambda k: retrievability(scheduler, states[k], until))
    assert 3 <= len(expected) < 29  # the fixture has both kinds
    found = cram_candidates(store, s, now, until, limit=100)
    assert [c.key for c in found] == expected
    assert [c.key for c in cram_candidates(store, s, now, until, limit=3)] == expected[:3]
    assert cram_candidates(store, s, now, now + timedelta(hours=1)) == []  # not past today: nothing to add
    later = cram_candidates(store, s, now, now + timedelta(days=200), limit=100)
    assert len(later) > len(found)  # a later exam: more would be forgotten by then
