"""What mock exams say beyond the reviews: a level and a trend of the exam answers against
the review-based model (``srs.forecast``).

The card model predicts each exam answer from everything before it (its one-step-ahead
chance, over the learner posterior). Where the learner's exams go better or worse than
those predictions — they study elsewhere, they recognise review choices rather than know
them, they slip under time, their knowledge decays or grows in ways no review shows —
the residual carries it. On the logit scale

    logit P(exam answer i right) = logit p_i + level + trend · (t_i − now)/day,

with a normal prior on (level, trend) (``LEVEL_SD``, ``TREND_SD``: no mock says nothing
but "exams may differ from reviews by about this much"). The posterior is found by Newton's
method on the exact log-likelihood and approximated by a normal law at its mode (Laplace);
forecasts integrate over it with Gauss–Hermite nodes. ``trend`` is "improving / declining
faster than the reviews explain" (per day); ``level`` is where that leaves the learner now.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

LEVEL_SD = 0.2      # prior sd of the exam-vs-review level (logit)
TREND_SD = 0.04     # prior sd of its trend (logit per day)
TREND_DAYS = 21     # the trend is extrapolated at most this many days ahead
#: Gauss–Hermite nodes (standard normal) and weights for integrating over the offset
NODES = (np.array([-math.sqrt(3.0), 0.0, math.sqrt(3.0)]), np.array([1 / 6, 2 / 3, 1 / 6]))


class DriftDict(TypedDict):
    """What the mocks say beyond the reviews (`evidence.beyond_reviews` in `srs readiness --json`)."""

    level: float
    trend_per_day: float
    trend_sd: float
    level_sd: float
    exam_answers: int
    mocks: int
    direction: str | None            # "improving", "declining", or none


@dataclass(frozen=True)
class Drift:
    """The posterior of (level, trend): mean and covariance; ``answers`` exam answers, from
    ``mocks`` sittings, fitted it."""

    level: float = 0.0
    trend: float = 0.0
    cov: tuple[tuple[float, float], tuple[float, float]] = ((LEVEL_SD ** 2, 0.0), (0.0, TREND_SD ** 2))
    answers: int = 0
    mocks: int = 0

    def at(self, days: float) -> tuple[float, float]:
        """Mean and sd of the offset ``days`` after now (the trend extrapolated at most
        ``TREND_DAYS``)."""
        d = max(0.0, min(days, TREND_DAYS))
        (a, b), (_, c) = self.cov
        return self.level + self.trend * d, math.sqrt(max(a + 2 * b * d + c * d * d, 0.0))

    @property
    def trend_sd(self) -> float:
        return math.sqrt(self.cov[1][1])

    @property
    def direction(self) -> str | None:
        """"improving" / "declining" faster than reviews explain, when the trend's posterior
        is clear of zero (two sd), else None."""
        if self.mocks < 2 or abs(self.trend) < 2 * self.trend_sd:
            return None
        return "improving" if self.trend > 0 else "declining"

    def to_dict(self) -> DriftDict:
        return {"level": self.level, "trend_per_day": self.trend, "trend_sd": self.trend_sd,
                "level_sd": math.sqrt(self.cov[0][0]), "exam_answers": self.answers, "mocks": self.mocks,
                "direction": self.direction}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p) - np.log1p(-p)


def fit(predicted: np.ndarray, right: np.ndarray, days: np.ndarray, mocks: int) -> Drift:
    """The (level, trend) posterior from exam answers: the model's chance of each before it
    was given (``predicted``), whether it was right, and when (days before now: ≤ 0)."""
    if not len(predicted):
        return Drift()
    base = _logit(np.asarray(predicted, dtype=float))
    y = np.asarray(right, dtype=float)
    x = np.stack([np.ones(len(base)), np.asarray(days, dtype=float)], axis=1)
    prior = np.diag([1 / LEVEL_SD ** 2, 1 / TREND_SD ** 2])
    theta = np.zeros(2)
    for _ in range(30):
        p = 1 / (1 + np.exp(-(base + x @ theta)))
        grad = x.T @ (y - p) - prior @ theta
        hess = (x * (p * (1 - p))[:, None]).T @ x + prior
        step = np.linalg.solve(hess, grad)
        theta += step
        if np.abs(step).max() < 1e-9:
            break
    p = 1 / (1 + np.exp(-(base + x @ theta)))
    cov = np.linalg.inv((x * (p * (1 - p))[:, None]).T @ x + prior)
    return Drift(float(theta[0]), float(theta[1]), ((float(cov[0, 0]), float(cov[0, 1])),
                                                    (float(cov[1, 0]), float(cov[1, 1]))), len(base), mocks)


def shifted(p: np.ndarray, offset: float) -> np.ndarray:
    """Chances moved by ``offset`` on the logit scale."""
    if offset == 0.0:
        return p
    return 1 / (1 + np.exp(-(_logit(p) + offset)))


def nodes(mean: float, sd: float) -> list[tuple[float, float]]:
    """(offset, weight) pairs integrating over N(mean, sd²) (one node when sd is ~0)."""
    if sd < 1e-6:
        return [(mean, 1.0)]
    return [(mean + sd * z, float(w)) for z, w in zip(*NODES, strict=True)]


__all__ = ["Drift", "fit", "nodes", "shifted"]
