"""The forecast itself: the learner posterior, every card's chance now and on the exam
date, what the mocks say beyond the reviews, and the exam's score under the two
assumptions about the days until it (``forecast``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from srs.forecast.draws import EXACT_BUDGET, binomials, cells, exam_odds, normal_distributions, score_distributions
from srs.forecast.drift import fit as fit_drift
from srs.forecast.drift import nodes as offset_nodes
from srs.forecast.drift import shifted as shift
from srs.forecast.evidence import CardEvidence, Evidence, as_evidence
from srs.forecast.filter import filter_answers, if_reviewed, kept, posterior
from srs.forecast.grid import DAY, FIELDS, chance, full_grid
from srs.forecast.records import CardChance, Forecast, Learner, Scenario
from srs.model import needed

CHUNK = 256                # cards filtered at once (at least)
PREDICT_CHUNK = 2_000_000  # cards × grid points filtered at once for the predictions
VALUE_CARDS = 5000         # cards: above, the value of a review is not computed
#: the value of a review ranks what to study: its exact sums get a hundredth of the budget
VALUE_BUDGET = EXACT_BUDGET // 100


def _interval(dist: np.ndarray, mass: float = 0.8) -> tuple[int, int]:
    """The central ``mass`` range of a score distribution by mid-quantiles: each bound is
    where the cumulative probability, counting half of the score's own, crosses the tail
    ((1 − mass)/2). Counting a whole score at each end (plain quantiles) would hold the
    actual score well over ``mass`` of the time on a 20-question exam, where one score
    alone often carries 15%."""
    mid = np.cumsum(dist) - dist / 2
    tail = (1.0 - mass) / 2
    low = int(np.searchsorted(mid, tail - 1e-12))
    high = int(np.searchsorted(mid, 1.0 - tail + 1e-12, side="right")) - 1
    low, high = min(low, len(dist) - 1), max(high, 0)
    return (low, high) if low <= high else (high, low)


# ---------------------------------------------------------------- the forecast
def forecast(cards: Evidence | Sequence[CardEvidence], questions: int | None, pass_mark: float, on: datetime,
             now: datetime, deck: str, parameters: Sequence[float], value: bool = True) -> Forecast:
    """The forecast for an exam on ``on`` of ``questions`` (None: all) of these
    multiple-choice cards, from the evidence up to ``now``; ``parameters`` are the learner's
    FSRS parameters (for the shape of the forgetting curve). With ``value``, the gain from
    reviewing each card now. Two assumptions about the days until ``on``: the learner stops
    studying now (what they know fades; the headline) or keeps their recent pace (what they
    know now holds, and the exams' trend beyond the reviews goes on: ``srs.forecast.drift``)."""
    ev = as_evidence(cards)
    if not np.all(ev.choices >= 2):
        ev = ev.take(np.flatnonzero(ev.choices >= 2))
    if not len(ev):
        raise ValueError("no multiple-choice cards")
    m = len(ev)
    n = min(questions or m, m)
    t_now, t_on = now.timestamp(), max(on.timestamp(), now.timestamp())
    grid = full_grid(float(parameters[20]))
    weights = posterior(ev, grid, t_now)
    chosen = kept(weights, m)
    used = float(weights[chosen].sum())
    sub, w = grid.take(chosen), weights[chosen] / used
    choices = ev.choices.astype(float)
    p_on = np.zeros((m, len(sub)))
    p_now = np.zeros((m, len(sub)))
    p_review = np.full((m, len(sub)), np.nan)
    exam_pred: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    step = max(CHUNK, PREDICT_CHUNK // len(sub))
    for start in range(0, m, step):
        part = slice(start, start + step)
        f = filter_answers(ev if step >= m else ev.take(np.arange(start, min(m, start + step))), sub, t_now, t_on,
                           weights=w)
        assert f.known_on is not None and f.known_now is not None and f.exam_predicted is not None
        exam_pred.append(f.exam_predicted)
        p_on[part] = chance(f.known_on, choices[part], sub)
        p_now[part] = chance(f.known_now, choices[part], sub)
        if value:
            p_review[part] = if_reviewed(ev.if_right[part], ev.if_wrong[part], f.known_now, choices[part], sub,
                                          t_now, t_on)
    predicted, right_e, at_e = (np.concatenate(c) for c in zip(*exam_pred, strict=True))
    drift = fit_drift(predicted, right_e, (at_e - t_now) / DAY, len(np.unique(ev.at[ev.exam])))
    # the score distribution: exact per grid point (and offset node) where affordable
    method = "exact: Poisson-binomial per learner level" if n == m else "exact: every draw alike, per learner level"
    if n * 20 <= m:
        method = (f"per learner level, {n} of {m} cards taken as independent picks at the mean chance "
                  f"(binomial; within about {n / m:.2%} of the exact draw)")
    if used < 1 - 1e-9:
        method += f" ({used:.2%} of the posterior's weight used)"
    stop_nodes = offset_nodes(*drift.at(0.0))
    cost = (n + 1 if n * 20 <= m else cells(m, n, n + 1, EXACT_BUDGET)) * len(stop_nodes)
    order = np.arange(len(sub))
    if cost * len(order) > EXACT_BUDGET:
        fit = max(1, EXACT_BUDGET // cost)
        if fit >= 16:
            order = order[:fit]  # kept points are sorted by weight: the heaviest
            method += f", over the {fit} most likely learner levels ({w[order].sum():.1%} of the posterior)"
        else:
            order = np.array([], dtype=int)
            method = "approximate (normal law per learner level: too many cards to sum exactly)"
    k = needed(pass_mark, n)
    stop = _scenario(p_on, w, order, stop_nodes, n, k)
    days = (t_on - t_now) / DAY
    pace = stop if days <= 0 else _scenario(p_now, w, order, offset_nodes(*drift.at(days)), n, k)
    mean_on = sum(nw * (shift(p_on, off) @ w) for off, nw in stop_nodes)
    mean_now = sum(nw * (shift(p_now, off) @ w) for off, nw in stop_nodes)
    gains = np.zeros(m)
    p_if: list[float | None] = [None] * m
    if value and m <= VALUE_CARDS:
        slopes = exam_odds(list(map(float, mean_on)), n, pass_mark, sensitivities=True,
                           budget=VALUE_BUDGET).slopes
        reviewed_p = np.where(np.isnan(p_review), p_on, p_review)
        reviewed = sum(nw * (shift(reviewed_p, off) @ w) for off, nw in stop_nodes)
        for i in range(m):
            if not math.isnan(p_review[i, 0]):
                p_if[i] = float(reviewed[i])
                gains[i] = max(0.0, (reviewed[i] - mean_on[i]) * slopes[i])
    right = np.bincount(np.repeat(np.arange(m), ev.counts), weights=ev.correct, minlength=m).astype(np.int64)
    chances = list(map(CardChance, ev.keys.tolist(), ev.names, mean_on.tolist(), mean_now.tolist(),
                       ev.counts.tolist(), right.tolist(), p_if, gains.tolist()))
    learner = Learner(**{f: float(getattr(sub, f) @ w) for f in FIELDS}, grid_points=len(sub))
    return Forecast(deck, on, n, pass_mark, stop.pass_probability, stop.expected_score, stop.score_interval,
                    stop.distribution, chances, learner, int(ev.start[-1]), method, stop, pace, drift,
                    int(ev.exam.sum()))


def _scenario(p: np.ndarray, w: np.ndarray, order: np.ndarray, nodes: list[tuple[float, float]], n: int,
              k: int) -> Scenario:
    """The score distribution of chances ``p`` (cards × grid points, weights ``w``), over the
    offset's nodes: exact per grid point of ``order``, else a normal law per point."""
    dist = np.zeros(n + 1)
    for off, nw in nodes:
        moved = shift(p, off)
        if len(order) and n * 20 <= len(p):  # a few questions of many cards: picks at the mean chance
            ww = w[order] / w[order].sum()
            dist += nw * (ww @ binomials(moved[:, order].mean(axis=0), n))
        elif len(order):
            ww = w[order] / w[order].sum()
            dist += nw * (ww @ score_distributions(moved[:, order], n))
        else:
            dist += nw * (w @ normal_distributions(moved, n))
    dist = np.clip(dist, 0.0, None)
    dist /= dist.sum()
    low, high = _interval(dist)
    return Scenario(float(dist[k:].sum()), float((np.arange(n + 1) * dist).sum() / n), (low / n, high / n),
                    list(map(float, dist)))



__all__ = ["forecast"]
