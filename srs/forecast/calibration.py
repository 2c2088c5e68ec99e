"""How past forecasts fared against what happened: per-question reliability bins, log loss
and Brier, and the pass forecasts of past attempts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypedDict


class BinDict(TypedDict):
    low: float
    high: float
    answers: int
    mean_forecast: float
    right: float


class CalibrationDict(TypedDict):
    """`calibration` in `srs readiness --json` (docs/json.md)."""

    answers: int
    log_loss: float | None
    brier: float | None
    bins: list[BinDict]
    attempts: int
    pass_brier: float | None
    mean_pass_forecast: float | None
    pass_rate: float | None


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    answers: int
    mean_forecast: float
    right: float          # share answered right


@dataclass(frozen=True)
class Calibration:
    answers: int
    log_loss: float | None
    brier: float | None
    bins: list[Bin] = field(default_factory=list)
    attempts: int = 0
    pass_brier: float | None = None
    mean_pass_forecast: float | None = None
    pass_rate: float | None = None

    def to_dict(self) -> CalibrationDict:
        return {"answers": self.answers, "log_loss": self.log_loss, "brier": self.brier,
                "bins": [{"low": b.low, "high": b.high, "answers": b.answers, "mean_forecast": b.mean_forecast,
                          "right": b.right} for b in self.bins],
                "attempts": self.attempts, "pass_brier": self.pass_brier,
                "mean_pass_forecast": self.mean_pass_forecast, "pass_rate": self.pass_rate}


def log_loss(pairs: Sequence[tuple[float, bool]]) -> float | None:
    if not pairs:
        return None
    eps = 1e-6
    return -sum(math.log(min(1 - eps, max(eps, p))) if y else math.log(min(1 - eps, max(eps, 1 - p)))
                for p, y in pairs) / len(pairs)


def brier(pairs: Sequence[tuple[float, bool]]) -> float | None:
    """Mean squared error of stated probabilities against what happened (0 is perfect;
    always saying 50% scores 0.25)."""
    if not pairs:
        return None
    return sum((p - float(y)) ** 2 for p, y in pairs) / len(pairs)


def calibration(answers: Sequence[tuple[float, bool]], attempts: Sequence[tuple[float, bool]],
                edges: Sequence[float] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)) -> Calibration:
    """Per-question forecasts (chance stated just before an attempt, right?) in reliability
    bins, with log loss and Brier; and the pass forecasts of the attempts (Brier)."""
    bins = []
    for lo, hi in pairwise(edges):
        inside = [(p, y) for p, y in answers if lo <= p < hi or (hi == edges[-1] and p == hi)]
        if inside:
            bins.append(Bin(lo, hi, len(inside), sum(p for p, _ in inside) / len(inside),
                            sum(y for _, y in inside) / len(inside)))
    return Calibration(len(answers), log_loss(answers), brier(answers), bins, len(attempts), brier(attempts),
                       sum(p for p, _ in attempts) / len(attempts) if attempts else None,
                       sum(y for _, y in attempts) / len(attempts) if attempts else None)


def expected_calibration_error(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> float | None:
    """Σ over equal-width bins of (share of forecasts) × |mean forecast − share right|."""
    if not pairs:
        return None
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(p, y) for p, y in pairs if lo <= p < hi or (b == bins - 1 and p == 1.0)]
        if inside:
            total += len(inside) / len(pairs) * abs(sum(p for p, _ in inside) / len(inside)
                                                    - sum(y for _, y in inside) / len(inside))
    return total


__all__ = ["Bin", "Calibration", "brier", "calibration", "expected_calibration_error", "log_loss"]
