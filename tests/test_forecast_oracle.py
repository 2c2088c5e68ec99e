"""The forecast's filter against a reference written as plain loops (one card, one grid
point, one answer at a time), on random small cases: the likelihood of the answers, P(known)
now and on the exam date, each exam answer's chance before it was given, and the posterior."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.forecast import EXAM_LEARN, MAX_ANSWERS, RECALL_GUESS, STABILITY_REF, Answer, CardEvidence, full_grid
from srs.forecast.filter import TEMPER, filter_answers, posterior
from srs.forecast.grid import FIELDS

DAY = 86400.0
START = 1_700_000_000.0
GRID = full_grid(0.1542)
#: the same points, each memory's together (the order ``posterior`` filters them in)
BY_MEMORY = GRID.take(np.argsort(GRID.memories[1], kind="stable"))


def point_of(grid, g: int) -> dict[str, float]:
    return {f: float(getattr(grid, f)[g]) for f in FIELDS}


def survive(point: dict[str, float], days: float, stability: float) -> float:
    """P(a known answer is kept ``days``), the curve written out."""
    factor = 0.9 ** (-1.0 / point["decay"]) - 1.0
    grown = STABILITY_REF * (stability / STABILITY_REF) ** point["growth"]
    return (1.0 + factor * max(days, 0.0) / (point["memory"] * grown)) ** -point["decay"]


def guess_of(point: dict[str, float], answer: Answer, first: bool) -> float:
    base = max(answer.guess, RECALL_GUESS)
    g = base + point["elimination"] * (1 - base) if base > RECALL_GUESS else base
    if not first and answer.source != "exam" and base > RECALL_GUESS:
        g += point["recognition"] * (1 - g)
    return g


def reference(answers: list[Answer], point: dict[str, float], now: float, on: float):
    """One card under one grid point: (log-likelihood, P(K) now, P(K) on the date, and for
    each exam answer (time, right?, P(K) before it))."""
    answers = answers[-MAX_ANSWERS:]
    known, loglik, last, before_exam = point["prior"], 0.0, None, []
    for j, a in enumerate(answers):
        if last is not None:
            known *= survive(point, (a.at - last.at) / DAY, last.stability)
        if a.source == "exam":
            before_exam.append((a.at, a.correct, known))
        g = guess_of(point, a, j == 0)
        like_k = 1 - point["slip"] if a.correct else point["slip"]
        like_u = g if a.correct else 1 - g
        total = known * like_k + (1 - known) * like_u
        loglik += math.log(total)
        known = known * like_k / total
        known += (1 - known) * point["learn"] * (EXAM_LEARN if a.source == "exam" else 1.0)
        last = a
    if last is None:
        return loglik, known, known, before_exam
    return (loglik, known * survive(point, (now - last.at) / DAY, last.stability),
            known * survive(point, (on - last.at) / DAY, last.stability), before_exam)


answer = st.tuples(st.floats(0.0, 9.0), st.booleans(), st.sampled_from([0.25, 0.2, 0.5, 0.0]),
                   st.floats(0.1, 60.0), st.sampled_from(["review", "review", "exam"]))


@st.composite
def decks(draw):
    cards = []
    for key in range(draw(st.integers(1, 6))):
        t, answers = START, []
        for gap, right, g, stability, source in draw(st.lists(answer, max_size=7)):
            t += gap * DAY  # gaps of 0: answers at the same second
            answers.append(Answer(t, right, g, stability, source))
        cards.append(CardEvidence(key, f"d/{key}", 4, tuple(answers)))
    return cards


@settings(max_examples=40, deadline=None)
@given(decks(), st.sampled_from([GRID, BY_MEMORY]), st.lists(st.integers(0, len(GRID) - 1), min_size=1, max_size=6,
                                                             unique=True), st.floats(0.0, 30.0))
def test_the_filter_equals_the_reference(cards, grid, points, ahead):
    last = max((a.at for c in cards for a in c.answers), default=START)
    now, on = last + DAY, last + (1 + ahead) * DAY
    weights = np.random.default_rng(len(points)).random(len(grid))
    weights /= weights.sum()
    got = filter_answers(cards, grid, now, on, weights=weights)
    assert got.exam_predicted is not None and got.known_now is not None and got.known_on is not None
    for g in points:
        point = point_of(grid, g)
        total = 0.0
        for i, card in enumerate(cards):
            loglik, k_now, k_on, _ = reference(list(card.answers), point, now, on)
            total += loglik
            assert got.known_now[i, g] == pytest.approx(k_now, rel=1e-9, abs=1e-12)
            assert got.known_on[i, g] == pytest.approx(k_on, rel=1e-9, abs=1e-12)
        assert got.loglik[g] == pytest.approx(total, rel=1e-9, abs=1e-9)
    # every exam answer's chance before it, over the weights: the reference at every point
    expected = []
    columns = [point_of(grid, g) for g in range(len(grid))]
    for card in cards:
        exams = [a for a in card.answers[-MAX_ANSWERS:] if a.source == "exam"]
        if not exams:
            continue
        per_point = [reference(list(card.answers), p, now, on)[3] for p in columns]
        for e, a in enumerate(exams):
            g = max(a.guess, RECALL_GUESS)
            chances = [k * (1 - p["slip"]) + (1 - k) * (g + p["elimination"] * (1 - g) if g > RECALL_GUESS else g)
                       for p, before in zip(columns, per_point, strict=True) for k in [before[e][2]]]
            expected.append((a.at, a.correct, float(np.dot(weights, chances))))
    predicted, right, at = got.exam_predicted
    assert sorted(zip(at.tolist(), right.tolist(), strict=True)) == sorted((t, y) for t, y, _ in expected)
    assert sorted(predicted.tolist()) == pytest.approx(sorted(p for *_, p in expected), rel=1e-9, abs=1e-12)


def test_a_long_card_reads_its_last_answers_as_the_reference_does():
    many = [Answer(START + i * 3600, i % 3 > 0, 0.25, 2.3 + i / 100, "exam" if i % 50 == 0 else "review")
            for i in range(300)]
    now = START + 400 * 3600
    got = filter_answers([CardEvidence(0, "d/0", 4, tuple(many))], GRID, now, now + 5 * DAY)
    for g in (0, 17, 4000, len(GRID) - 1):
        loglik, k_now, k_on, _ = reference(many, point_of(GRID, g), now, now + 5 * DAY)
        assert got.loglik[g] == pytest.approx(loglik, rel=1e-9)
        assert got.known_on[0, g] == pytest.approx(k_on, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(decks())
def test_the_posterior_is_the_prior_times_the_tempered_likelihood(cards):
    now = max((a.at for c in cards for a in c.answers), default=START) + DAY
    got = posterior(cards, GRID, now)
    log_post = GRID.log_weight.copy()
    for g in range(0, len(GRID), 97):  # a sample of points: each against the written-out sum
        point = point_of(GRID, g)
        log_post[g] += TEMPER * sum(reference(list(c.answers), point, now, now)[0] for c in cards)
    sample = np.arange(0, len(GRID), 97)
    expected = np.exp(log_post[sample] - log_post[sample].max())
    ratio = got[sample] / got[sample].max()
    # the fit runs in single precision: each likelihood to ~1e-7, a sum of ~40 to ~1e-5
    assert ratio == pytest.approx(expected / expected.max(), rel=1e-4, abs=1e-9)
