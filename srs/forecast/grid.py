"""The grid of learner-level values and what one grid point says of one answer: the
chance of guessing it, of keeping a known answer over time (forgetting), of a right answer.

Eight learner-level unknowns, each on a few values with prior weights (``full_grid`` takes
their product: 6·4·4·3·2·2·2·3 = 6,912 points):

- ``prior``: P(the answer is known) before any answer (what the learner knew before studying);
- ``learn``: P(an unknown answer becomes known once the right one is shown after a review);
  0 is a learner whom reading the answer teaches nothing (a guesser, or fixed knowledge);
- ``memory``: how FSRS's stabilities scale to this learner (×0.25 … ×4);
- ``slip``: P(a known answer is answered wrong);
- ``elimination``: the share of the wrong choices a learner who does not know rules out;
- ``decay``: the forgetting curve's power: FSRS's own (its w20) or a steeper one;
- ``growth``: how much of FSRS's growth of stability with each review the learner's memory shows;
- ``recognition``: in a review of a card seen before, the extra chance that a learner who
  does not know picks the right choice anyway (the same choices again); exams have none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

DAY = 86400.0

#: the grid of learner-level values, with prior weights (normalised in ``full_grid``); half of
#: ``prior``'s weight on knowing none or 15% of a deck before studying it (a course deck is
#: mostly new to a learner: with weight on the high values as on the low ones, a learner with no
#: answers was told 34% where such learners of benchmarks/honesty.py pass about 20%)
PRIOR = ((0.0, 0.15, 0.35, 0.55, 0.75, 0.92), (0.25, 0.25, 0.18, 0.14, 0.1, 0.08))
LEARN = ((0.0, 0.1, 0.3, 0.7), (0.2, 0.3, 0.3, 0.2))
EXAM_LEARN = 0.25          # reading an exam's report teaches a quarter of what a review does
MEMORY = ((0.25, 0.7, 1.5, 4.0), (0.2, 0.3, 0.3, 0.2))
SLIP = ((0.03, 0.1, 0.2), (0.4, 0.4, 0.2))
ELIMINATION = ((0.0, 0.35), (0.7, 0.3))
#: the forgetting curve's decay: FSRS's own (None: the learner's w20), or a steeper power law
DECAY = ((None, 1.0), (0.6, 0.4))
#: how much of FSRS's growth of stability the learner's memory shows: S' = S0·(S/S0)^growth
GROWTH = ((1.0, 0.5), (0.5, 0.5))
RECOGNITION = ((0.0, 0.5, 0.8), (0.7, 0.2, 0.1))
STABILITY_REF = 2.3        # S0: about FSRS's stability after a first Good
RECALL_GUESS = 0.02        # a self-graded answer "right" without knowing (misgrading)

FIELDS = ("prior", "learn", "memory", "slip", "elimination", "decay", "growth", "recognition")


@dataclass(frozen=True)
class Grid:
    """The grid's points as columns (one value per point and unknown) and their log prior weight."""

    prior: np.ndarray
    learn: np.ndarray
    memory: np.ndarray
    slip: np.ndarray
    elimination: np.ndarray
    decay: np.ndarray
    growth: np.ndarray
    recognition: np.ndarray
    log_weight: np.ndarray

    def __len__(self) -> int:
        return len(self.prior)

    def take(self, index: np.ndarray) -> Grid:
        return Grid(*(getattr(self, f)[index] for f in Grid.__dataclass_fields__))

    @cached_property
    def memories(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (memory, decay, growth) of the grid — the only values forgetting
        depends on, a few dozen against thousands of grid points — and each point's index
        among them: forgetting is computed once per distinct memory, then spread."""
        keys = np.stack([self.memory, self.decay, self.growth], axis=1)
        code = np.zeros(len(keys), dtype=np.int64)  # each row's rank among the rows, in their order
        for column in keys.T:  # (np.unique(keys, axis=0) gives the same, ten times slower)
            values, index = np.unique(column, return_inverse=True)
            code = code * len(values) + index.reshape(-1)
        _, first, index = np.unique(code, return_index=True, return_inverse=True)
        return keys[first], index.reshape(-1)


def full_grid(fsrs_decay: float) -> Grid:
    """Every combination of the unknowns' values, with the product of their prior weights."""
    decays = (tuple(fsrs_decay if d is None else d for d in DECAY[0]), DECAY[1])
    axes = [PRIOR, LEARN, MEMORY, SLIP, ELIMINATION, decays, GROWTH, RECOGNITION]
    points = np.indices([len(values) for values, _ in axes]).reshape(len(axes), -1)  # itertools.product's order
    columns = []
    log_weight = np.zeros(points.shape[1])
    for idx, (values, weights) in zip(points, axes, strict=True):
        columns.append(np.asarray(values, dtype=float)[idx])
        w = np.asarray(weights, dtype=float)
        log_weight += np.log(w / w.sum())[idx]
    return Grid(**dict(zip(FIELDS, columns, strict=True)), log_weight=log_weight)


def kept_memory(days: np.ndarray, stability: np.ndarray, grid: Grid) -> np.ndarray:
    """P(a known answer is still known after ``days``) per card (rows) and distinct memory of
    the grid (``grid.memories``): a few dozen columns, spread to the grid points by the caller.
    The curve (1 + F·t / (memory·S'))^−decay with F = 0.9^(−1/decay) − 1 (R = 0.9 when
    t = memory·S', whatever the decay) and S' = S0·(S/S0)^growth."""
    distinct, _ = grid.memories
    memory, decay, growth = distinct[None, :, 0], distinct[None, :, 1], distinct[None, :, 2]
    factor = 0.9 ** (-1.0 / decay) - 1.0
    ratio = stability / STABILITY_REF
    grows = growth[0] != 1.0
    if grows.all():
        grown = ratio ** growth
    else:  # x ** 1.0 is x: a power only where the growth is not 1 (a power costs ~30 products)
        grown = np.repeat(ratio, growth.shape[1], axis=1)
        if grows.any():
            grown[:, grows] = ratio ** growth[:, grows]
    return (1.0 + factor * np.maximum(days, 0.0) / (memory * (STABILITY_REF * grown))) ** -decay


def survival(days: np.ndarray, stability: np.ndarray, grid: Grid) -> np.ndarray:
    """P(a known answer is still known after ``days``) per card (rows) and grid point."""
    return kept_memory(days, stability, grid)[:, grid.memories[1]]


def guess(base: np.ndarray, elimination: np.ndarray) -> np.ndarray:
    """Guessing chance per card and grid point: elimination raises only multiple-choice guesses."""
    mc = base > RECALL_GUESS
    return np.where(mc, base + elimination * (1.0 - base), base)


def chance(known: np.ndarray, choices: np.ndarray, grid: Grid) -> np.ndarray:
    """P(right) of a multiple-choice question per card and grid point, from P(known)."""
    g = guess((1.0 / choices)[:, None], grid.elimination[None, :])
    return known * (1.0 - grid.slip[None, :]) + (1.0 - known) * g


__all__ = ["DAY", "EXAM_LEARN", "FIELDS", "Grid", "RECALL_GUESS", "STABILITY_REF", "chance", "full_grid",
           "guess", "kept_memory", "survival"]
