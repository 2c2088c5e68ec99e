"""Readiness: the Poisson-binomial and random-draw pass probabilities against brute force,
p = R + (1 − R)/k, readiness falling with time, the value of a review, Brier scores."""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.readiness import brier, needed, p_correct, pass_probability, poisson_binomial, readiness
from srs.review import ReviewSession
from srs.scheduler import make_scheduler, retrievability
from srs.settings import Settings
from tests.factories import T0, deck

probabilities = st.lists(st.floats(0, 1), min_size=1, max_size=8)


def brute(ps, questions, mark):
    """Average over every draw of the chance that enough answers are right."""
    k = needed(mark, questions)
    draws = list(itertools.combinations(range(len(ps)), questions))
    total = 0.0
    for draw in draws:
        for outcome in itertools.product((0, 1), repeat=questions):
            chance = 1.0
            for i, right in zip(draw, outcome):
                chance *= ps[i] if right else 1 - ps[i]
            total += chance * (sum(outcome) >= k)
    return total / len(draws)


@settings(max_examples=150, deadline=None)
@given(probabilities, st.floats(0.05, 1.0))
def test_all_questions_matches_brute_force(ps, mark):
    assert pass_probability(ps, len(ps), mark) == pytest.approx(brute(ps, len(ps), mark), abs=1e-9)
    assert sum(poisson_binomial(ps)) == pytest.approx(1.0)


@settings(max_examples=150, deadline=None)
@given(probabilities.filter(lambda ps: len(ps) >= 2), st.data(), st.floats(0.05, 1.0))
def test_random_draws_match_brute_force(ps, data, mark):
    n = data.draw(st.integers(1, len(ps) - 1))
    assert pass_probability(ps, n, mark) == pytest.approx(brute(ps, n, mark), abs=1e-9)


def test_hand_computed_cases():
    assert pass_probability([0.5, 0.5], 2, 1.0) == pytest.approx(0.25)
    assert pass_probability([1.0, 0.0], 1, 1.0) == pytest.approx(0.5)  # one of two drawn
    binomial = sum(math.comb(20, j) * 0.9**j * 0.1 ** (20 - j) for j in range(14, 21))  # 14 of 20 passes
    assert pass_probability([0.9] * 20, 20, 0.70) == pytest.approx(binomial, abs=1e-12)
    assert p_correct(None, 4) == 0.25 and p_correct(0.8, 4) == pytest.approx(0.85)
    assert brier([(1.0, True), (0.0, False)]) == 0 and brier([(0.5, True)]) == 0.25 and brier([]) is None


def test_never_studied_is_a_guess(make_store):
    store = make_store(deck(cards=20))
    r = readiness(store.mc_cards("d"), Settings(), 20, 0.7, T0, T0, "d")
    assert all(q.p == 0.25 and q.recall is None for q in r.cards)
    assert r.expected_score == pytest.approx(0.25)
    assert r.pass_probability == pytest.approx(sum(poisson_binomial([0.25] * 20)[14:]))


def test_readiness_falls_with_time_and_reviews_raise_it(make_store):
    store = make_store(deck(cards=20))
    s = Settings(learning_steps="")
    session = ReviewSession(store, s, fuzz=False)
    for card in store.mc_cards("d")[:16]:
        session.answer(card, 3, T0)
    cards = store.mc_cards("d")
    scheduler = make_scheduler(s, fuzz=False)
    values = []
    for days in (1, 7, 30, 90):
        on = T0 + timedelta(days=days)
        r = readiness(cards, s, 20, 0.7, on, T0, "d")
        values.append(r.pass_probability)
        studied = next(q for q in r.cards if q.recall is not None)
        assert studied.recall == pytest.approx(retrievability(scheduler, studied.card.memory, on))
        assert studied.p == pytest.approx(studied.recall + (1 - studied.recall) / 4)
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    r = readiness(cards, s, 20, 0.7, T0 + timedelta(days=30), T0, "d")
    first = r.study_first(3)
    assert first and all(q.gain > 0 for q in first)
    assert all(q.card.memory.reps == 0 for q in first)  # unstudied cards are worth most
    assert first[0].gain == max(q.gain for q in r.cards)
