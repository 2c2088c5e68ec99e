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
from dataclasses import dataclass, field
from typing import TypedDict

import numpy as np

#: The prior of (level, trend) is a scale mixture: each component a normal law (level sd,
#: trend sd, prior weight). The exam answers' marginal likelihood under each width weighs
#: them, so the data choose how far mocks move the forecast: a few mocks close to the reviews'
#: predictions keep the narrow width; mocks far from them (a learner who studies elsewhere,
#: recognises review choices, slips under time) make the wide ones likelier.
WIDTHS = ((0.2, 0.04, 0.5), (0.6, 0.08, 0.3), (1.5, 0.15, 0.2))
LEVEL_SD, TREND_SD = WIDTHS[0][0], WIDTHS[0][1]   # the narrowest width
TREND_DAYS = 21     # the trend is extrapolated at most this many days ahead
MIN_WEIGHT = 1e-3   # a width below this posterior weight is left out of the forecast's nodes
#: Gauss–Hermite nodes (standard normal) and weights for integrating over the offset
NODES = (np.array([-math.sqrt(3.0), 0.0, math.sqrt(3.0)]), np.array([1 / 6, 2 / 3, 1 / 6]))

Cov = tuple[tuple[float, float], tuple[float, float]]


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
class Part:
    """One width's posterior: its weight, the mean of (level, trend) and their covariance."""

    weight: float
    level: float
    trend: float
    cov: Cov

    def at(self, days: float) -> tuple[float, float]:
        d = max(0.0, min(days, TREND_DAYS))
        (a, b), (_, c) = self.cov
        return self.level + self.trend * d, math.sqrt(max(a + 2 * b * d + c * d * d, 0.0))


def _prior_parts() -> tuple[Part, ...]:
    total = sum(w for *_, w in WIDTHS)
    return tuple(Part(w / total, 0.0, 0.0, ((a * a, 0.0), (0.0, b * b))) for a, b, w in WIDTHS)


@dataclass(frozen=True)
class Drift:
    """The posterior of (level, trend): a mixture over the prior's widths (``parts``);
    ``answers`` exam answers, from ``mocks`` sittings, fitted it. ``level``, ``trend`` and
    ``cov`` are the mixture's mean and covariance."""

    parts: tuple[Part, ...] = field(default_factory=_prior_parts)
    answers: int = 0
    mocks: int = 0

    @property
    def level(self) -> float:
        return sum(p.weight * p.level for p in self.parts)

    @property
    def trend(self) -> float:
        return sum(p.weight * p.trend for p in self.parts)

    @property
    def cov(self) -> Cov:
        m = np.array([self.level, self.trend])
        c = sum(p.weight * (np.array(p.cov) + np.outer(np.array([p.level, p.trend]) - m,
                                                        np.array([p.level, p.trend]) - m)) for p in self.parts)
        c = np.asarray(c)
        return ((float(c[0, 0]), float(c[0, 1])), (float(c[1, 0]), float(c[1, 1])))

    def at(self, days: float) -> tuple[float, float]:
        """Mean and sd of the offset ``days`` after now (the trend extrapolated at most
        ``TREND_DAYS``), over the mixture."""
        parts = [(p.weight, *p.at(days)) for p in self.parts]
        mean = sum(w * m for w, m, _ in parts)
        return mean, math.sqrt(max(sum(w * (s * s + (m - mean) ** 2) for w, m, s in parts), 0.0))

    def nodes(self, days: float) -> list[tuple[float, float]]:
        """(offset, weight) pairs integrating over the offset ``days`` after now: each width's
        normal law by Gauss–Hermite nodes, weighted by the width's posterior weight (widths
        under ``MIN_WEIGHT`` left out, the rest renormalised)."""
        kept = [p for p in self.parts if p.weight >= MIN_WEIGHT] or list(self.parts)
        total = sum(p.weight for p in kept)
        return [(off, p.weight / total * w) for p in kept for off, w in nodes(*p.at(days))]

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


#: nodes (standard normal) and weights of the quadrature over each width's posterior
QUAD = np.polynomial.hermite_e.hermegauss(7)


def _fit_one(base: np.ndarray, y: np.ndarray, x: np.ndarray, level_sd: float, trend_sd: float
             ) -> tuple[np.ndarray, np.ndarray, float]:
    """Under one width: the posterior mean of (level, trend), its covariance, and the log
    marginal likelihood of the answers. Newton's method finds the mode and the curvature
    there; a 7×7 Gauss–Hermite product rule centred there (adaptive quadrature) then sums the
    exact log-likelihood and prior, so a skewed posterior (few answers, a wide width) keeps
    its mean and its evidence (``tests/test_forecast_oracle.py`` checks them against plain sums)."""
    prior = np.diag([1 / level_sd ** 2, 1 / trend_sd ** 2])
    theta = np.zeros(2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-(base + x @ theta)))
        grad = x.T @ (y - p) - prior @ theta
        hess = (x * (p * (1 - p))[:, None]).T @ x + prior
        step = np.linalg.solve(hess, grad)
        theta += step
        if np.abs(step).max() < 1e-10:
            break
    p = 1 / (1 + np.exp(-(base + x @ theta)))
    root = np.linalg.cholesky(np.linalg.inv((x * (p * (1 - p))[:, None]).T @ x + prior))
    z, w = QUAD
    zz = np.stack(np.meshgrid(z, z, indexing="ij"), axis=-1).reshape(-1, 2)
    ww = np.outer(w, w).reshape(-1) / (2 * math.pi)          # weights of the standard normal law
    points = theta[None, :] + zz @ root.T                     # (49, 2)
    logits = base[:, None] + x @ points.T                     # answers × points
    log_like = np.where(y[:, None] > 0.5, -np.logaddexp(0.0, -logits), -np.logaddexp(0.0, logits)).sum(axis=0)
    log_prior = -0.5 * np.einsum("ki,ij,kj->k", points, prior, points) - math.log(2 * math.pi * level_sd * trend_sd)
    # ∫ f = |root| ∫ f(θ̂ + root·z) dz = |root| Σ ww·f / φ(z), φ the standard normal density
    log_terms = log_like + log_prior + 0.5 * (zz ** 2).sum(axis=1) + math.log(2 * math.pi) + np.log(ww)
    top = float(log_terms.max())
    terms = np.exp(log_terms - top)
    total = float(terms.sum())
    mean = terms @ points / total
    centred = points - mean
    cov = (centred * terms[:, None]).T @ centred / total
    log_z = top + math.log(total) + math.log(float(np.linalg.det(root)))
    return mean, cov, log_z


def fit(predicted: np.ndarray, right: np.ndarray, days: np.ndarray, mocks: int) -> Drift:
    """The (level, trend) posterior from exam answers: the model's chance of each before it
    was given (``predicted``), whether it was right, and when (days before now: ≤ 0); one
    normal law per width of the prior (``WIDTHS``), weighted by the prior weight times the
    answers' marginal likelihood under that width."""
    if not len(predicted):
        return Drift()
    base = _logit(np.asarray(predicted, dtype=float))
    y = np.asarray(right, dtype=float)
    x = np.stack([np.ones(len(base)), np.asarray(days, dtype=float)], axis=1)
    fits = [_fit_one(base, y, x, a, b) for a, b, _ in WIDTHS]
    log_w = np.array([math.log(w) + z for (*_, w), (_, _, z) in zip(WIDTHS, fits, strict=True)])
    weights = np.exp(log_w - log_w.max())
    weights /= weights.sum()
    parts = tuple(Part(float(w), float(theta[0]), float(theta[1]),
                       ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))))
                  for w, (theta, cov, _) in zip(weights, fits, strict=True))
    return Drift(parts, len(base), mocks)


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


__all__ = ["WIDTHS", "Drift", "Part", "fit", "nodes", "shifted"]
