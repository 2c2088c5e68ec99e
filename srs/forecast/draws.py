"""The arithmetic of a drawn exam: from each card's chance of a right answer, the
distribution of the score, the probability of passing and how it moves with each card's
chance. One recurrence serves the forecast (many learner levels at once: columns) and the
exam's own odds (one column); one budget says where exact sums stop.

The exam
    The exam draws N of the deck's M multiple-choice cards, every N-subset equally likely
    (N = M: it takes them all), and is passed with at least ceil(pass_mark·N) right answers
    (the pass mark is inclusive: 14 of 20 at 0.70 passes). Answers are independent given
    the chances.

Every draw alike (``draw_tables``)
    The cards are visited in turn, keeping for each subset size a the distribution of the
    number right in a uniformly random a-subset of the cards seen so far. Adding a card to
    m cards: a random a-subset of the m + 1 holds it with chance a/(m + 1), so
        H'[a][c] = (m+1−a)/(m+1)·H[a][c] + a/(m+1)·(p·H[a−1][c−1] + (1−p)·H[a−1][c]).
    After all M cards, H[N] is the distribution of the score. Only the a that can still
    reach N are kept (N = M leaves one: the Poisson-binomial distribution), and for a pass
    probability only the scores below the pass line (the rest is the passing mass). Every
    term is a convex combination of non-negative numbers, so it is numerically stable.

Beyond the budget (``EXACT_BUDGET`` table cells, counted over every learner level)
    When N ≤ M/20, the N picks are taken as independent at the mean chance (a binomial;
    drawing without replacement differs by O(N/M)); otherwise a normal law with the draw's
    mean and finite-population variance, continuity-corrected. ``method`` says which.

The value of a review (``exam_odds(..., sensitivities=True)``)
    With the other chances fixed, the pass probability is affine in each p_i: raising card
    i's chance from p_i to p_i' raises it by exactly (p_i' − p_i)·∂P/∂p_i, where
    ∂P/∂p_i = P(card i is drawn)·P(exactly one right answer short of passing among the
    other N − 1 drawn) -- the chance that card i decides the exam. It comes for every card
    at once from the same tables run forwards and backwards: card i combines the tables of
    the cards before it and after it, weighted by how many of the N − 1 others each side
    supplies (hypergeometric). Past the budget it comes from the approximating law (the
    same for every card).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from srs.model import needed

#: table cells (learner levels × cards × subset sizes × scores) summed exactly; beyond, an
#: approximation that says so (NumPy fills ~20 M cells in well under a second)
EXACT_BUDGET = 20_000_000


def sizes(m: int, n: int, seen: int, most: int | None = None) -> tuple[int, int]:
    """The subset sizes worth keeping after ``seen`` of ``m`` cards when ``n`` are drawn
    (at most ``most``, default ``n``): those that can still reach ``n``."""
    return max(0, n - m + seen), min(seen, n if most is None else most)


def grow(table: np.ndarray, low: int, m: int, p: np.ndarray, lo: int, hi: int) -> np.ndarray:
    """The recurrence's step: ``table`` (columns × sizes ``low``.. × scores) of m cards, one
    card more right with chance ``p`` (one per column), kept for sizes ``lo..hi``."""
    columns, held, scores = table.shape
    padded = np.zeros((columns, hi - lo + 2, scores))   # sizes lo − 1 .. hi
    a, b = max(low, lo - 1), min(low + held - 1, hi)
    if a <= b:
        padded[:, a - lo + 1:b - lo + 2] = table[:, a - low:b - low + 1]
    count = np.arange(lo, hi + 1, dtype=float)[None, :, None]
    same, less = padded[:, 1:], padded[:, :-1]
    p = np.asarray(p, dtype=float).reshape(-1, 1, 1)
    out = same * ((m + 1 - count) / (m + 1))
    taken = less * (1.0 - p)
    taken[:, :, 1:] += less[:, :, :-1] * p
    out += taken * (count / (m + 1))
    return out


def draw_tables(ps: np.ndarray, n: int, scores: int) -> np.ndarray:
    """(columns, scores): P(score = c) for c < ``scores``, of ``n`` cards drawn from the rows
    of ``ps`` (cards × columns), every draw alike."""
    m, columns = ps.shape
    if n == m:
        return _every_card(ps, scores)
    table, low = np.zeros((columns, 1, scores)), 0
    table[:, 0, 0] = 1.0
    for i in range(m):
        lo, hi = sizes(m, n, i + 1)
        table, low = grow(table, low, i, ps[i], lo, hi), lo
    return table[:, n - low, :]


def _every_card(ps: np.ndarray, scores: int) -> np.ndarray:
    """``draw_tables`` when every card is drawn (one subset size: the Poisson-binomial), in
    place: H'[c] = (1−p)·H[c] + p·H[c−1], the recurrence's terms of weight 0 and 1 left out
    and only the scores the cards seen can reach (the same numbers, in a fraction of the time)."""
    table = np.zeros((scores, ps.shape[1]))  # scores × columns: each score's row is contiguous
    table[0] = 1.0
    for i, p in enumerate(ps):
        top = min(i + 1, scores - 1)
        moved = table[:top] * p
        table[:top + 1] *= 1.0 - p
        table[1:top + 1] += moved
    return np.ascontiguousarray(table.T)


def cells(m: int, n: int, scores: int, budget: int | None = None) -> int:
    """Table cells ``draw_tables`` fills for one column (counted until past ``budget``)."""
    total = 0
    for seen in range(1, m + 1):
        lo, hi = sizes(m, n, seen)
        total += (hi - lo + 1) * scores
        if budget is not None and total > budget:
            break
    return total


def score_distributions(ps: np.ndarray, questions: int) -> np.ndarray:
    """(columns, questions + 1): for each column of ``ps`` (cards × columns), the exact
    distribution of the number right among ``questions`` cards drawn at random."""
    return draw_tables(np.asarray(ps, dtype=float), questions, questions + 1)


def poisson_binomial(ps: Sequence[float]) -> list[float]:
    """P(exactly j right) for j = 0..n, questions independent with chances ``ps``."""
    if not len(ps):
        return [1.0]
    return draw_tables(np.asarray(ps, dtype=float)[:, None], len(ps), len(ps) + 1)[0].tolist()


def binomials(means: np.ndarray, n: int) -> np.ndarray:
    """(columns, n + 1): Binomial(n, mean) per column (``n`` picks at the mean chance)."""
    j = np.arange(n + 1)
    log_comb = np.array([math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1) for x in j])
    p = np.clip(np.asarray(means, dtype=float), 1e-12, 1 - 1e-12)[:, None]
    return np.exp(log_comb[None, :] + j[None, :] * np.log(p) + (n - j)[None, :] * np.log1p(-p))


def normal_distributions(ps: np.ndarray, questions: int) -> np.ndarray:
    """(columns, questions + 1): the continuity-corrected normal law with the draw's mean
    and finite-population variance, per column of ``ps`` (cards × columns)."""
    from statistics import NormalDist

    m, columns = ps.shape
    n = questions
    mean = ps.mean(axis=0)
    within = (ps * (1 - ps)).mean(axis=0)
    spread = ps.var(axis=0)
    fpc = (m - n) / (m - 1) if m > 1 else 0.0
    mu, var = n * mean, n * within + n * spread * fpc
    out = np.zeros((columns, n + 1))
    for col in range(columns):
        if var[col] <= 1e-12:
            out[col, min(n, max(0, round(mu[col])))] = 1.0
            continue
        law = NormalDist(mu[col], math.sqrt(var[col]))
        edges = [law.cdf(j + 0.5) for j in range(-1, n + 1)]
        edges[0], edges[-1] = 0.0, 1.0
        out[col] = np.diff(edges)
    return out


# ---------------------------------------------------------------- one exam's odds (one column)
@dataclass(frozen=True)
class Odds:
    pass_probability: float
    slopes: list[float]  # ∂P/∂p_i per card (empty when not asked for)
    method: str
    exact: bool


def _log_comb(n: int, r: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1)


def _exact(ps: np.ndarray, n: int, k: int, sensitivities: bool) -> tuple[float, list[float]]:
    """P(pass) and (with ``sensitivities``) ∂P/∂p_i, from the tables of scores below ``k``."""
    m = len(ps)
    start = np.zeros((1, 1, k))
    start[0, 0, 0] = 1.0
    suffix: list[tuple[np.ndarray, int]] = []
    if sensitivities:
        # suffix[j]: the tables of the cards j..M-1, for the subset sizes card j-1 needs
        suffix = [(start, 0)] * (m + 1)
        table, low = start, 0
        for seen in range(1, m + 1):
            j = m - seen
            lo, hi = sizes(m, n, seen, n - 1)
            table, low = grow(table, low, seen - 1, ps[j:j + 1], lo, hi), lo
            suffix[j] = (table, low)
    table, low, slopes = start, 0, []
    lc_total = _log_comb(m - 1, n - 1)
    for i in range(m):
        if sensitivities:
            # card i decides the exam: drawn, with exactly k-1 right among the N-1 others,
            # a of them among the cards before it (hypergeometric) and N-1-a after it
            after, after_low = suffix[i + 1]
            rest = m - 1 - i
            total = 0.0
            for a in range(max(0, n - m + i, low), min(i, n - 1, low + table.shape[1] - 1) + 1):
                b = n - 1 - a - after_low
                if not 0 <= b < after.shape[1]:
                    continue
                weight = math.exp(_log_comb(i, a) + _log_comb(rest, n - 1 - a) - lc_total)
                total += weight * float(table[0, a - low] @ after[0, b, ::-1])
            slopes.append(n / m * total)
        lo, hi = sizes(m, n, i + 1)
        table, low = grow(table, low, i, ps[i:i + 1], lo, hi), lo
    return max(0.0, min(1.0, 1.0 - float(table[0, n - low].sum()))), slopes


def exam_odds(ps: Sequence[float], questions: int, pass_mark: float, sensitivities: bool = True,
              budget: int | None = None) -> Odds:
    """The probability of passing an exam of ``questions`` drawn at random (every subset
    equally likely) from cards right with chances ``ps``; with ``sensitivities`` also
    ∂P/∂p_i for every card (see the module's docstring); exact up to ``budget`` table cells
    (default ``EXACT_BUDGET``)."""
    m = len(ps)
    if not 0 < questions <= m:
        raise ValueError("the exam needs 1 to len(ps) questions")
    n = questions
    k = needed(pass_mark, n)
    draw = "all" if n == m else f"{n} drawn at random from"
    if k == 0:
        return Odds(1.0, [0.0] * m if sensitivities else [], "exact: no right answer is needed", True)
    if k > n:
        return Odds(0.0, [0.0] * m if sensitivities else [], "exact: more right answers needed than questions",
                    True)
    budget = EXACT_BUDGET if budget is None else budget
    chances = np.asarray(ps, dtype=float)
    if cells(m, n, k, budget) * (2 if sensitivities else 1) <= budget:
        probability, slopes = _exact(chances, n, k, sensitivities)
        how = "Poisson-binomial" if n == m else "every possible draw, weighted alike"
        return Odds(probability, slopes, f"exact ({how}): {draw} {m} cards", True)
    if n * 20 <= m:
        mean = chances.mean(keepdims=True)
        probability = float(binomials(mean, n)[0, k:].sum())
        slope = n / m * float(binomials(mean, n - 1)[0, k - 1])
        method = (f"approximate: {n} of {m} cards taken as independent picks at the mean chance "
                  f"(binomial; within about {n / m:.2%} of the exact draw)")
    else:
        probability = float(normal_distributions(chances[:, None], n)[0, k:].sum())
        slope = n / m * float(normal_distributions(chances[:, None], n - 1)[0, k - 1])
        method = (f"approximate: normal law with the draw's mean and variance and a continuity correction "
                  f"({draw} {m} cards; too many to sum exactly)")
    return Odds(max(0.0, min(1.0, probability)), [slope] * m if sensitivities else [], method, False)


def pass_probability(ps: Sequence[float], questions: int, pass_mark: float) -> float:
    """P(passing) for ``questions`` drawn from cards with chances ``ps`` (see ``exam_odds``)."""
    return exam_odds(ps, questions, pass_mark, sensitivities=False).pass_probability


__all__ = ["EXACT_BUDGET", "Odds", "binomials", "cells", "draw_tables", "exam_odds", "normal_distributions",
           "pass_probability", "poisson_binomial", "score_distributions"]
