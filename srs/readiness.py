"""The arithmetic of a drawn exam: given each card's chance of a right answer, the exact
probability of passing and how it moves with each card's chance. (Where the chances come
from is ``srs.forecast``.)

The exam
    The exam draws N of the deck's M multiple-choice cards, every N-subset equally likely
    (N = M: it takes them all), and is passed with at least ceil(pass_mark·N) right answers
    (the pass mark is inclusive: 14 of 20 at 0.70 passes). Answers are independent given
    the chances.

The pass probability (`exam_odds`)
    Exact: the cards are visited in turn, keeping for each a the distribution of the
    number right in a uniformly random a-subset of the cards seen so far. Adding a card to
    m cards: a random a-subset of the m + 1 holds it with chance a/(m + 1), so
        H'[a][c] = (m+1−a)/(m+1)·H[a][c] + a/(m+1)·(p·H[a−1][c−1] + (1−p)·H[a−1][c]).
    After all M cards, H[N] is the distribution of the score; only the a that can still
    reach N and the c below the pass line are kept (the rest is the passing mass). When the
    exam takes every card this is the Poisson-binomial distribution. Every term is a convex
    combination of non-negative numbers, so it is numerically stable. Cost: about
    M × min(N+1, M−N+1) × (right answers needed) cells. Beyond 2,000,000 (20 questions of
    more than ~6,800 cards, 100 of more than ~380, all of more than ~1,680) it is
    approximated, and `method` says how: when N ≤ M/20, N picks taken as independent at the
    mean chance (a binomial; drawing without replacement differs by O(N/M)); otherwise a
    normal law with the draw's mean and finite-population variance, continuity-corrected.

The value of a review
    With the other chances fixed, the pass probability is affine in each p_i: raising card
    i's chance from p_i to p_i' raises it by exactly (p_i' − p_i)·∂P/∂p_i, where
    ∂P/∂p_i = P(card i is drawn)·P(exactly one right answer short of passing among the
    other N − 1 drawn) -- the chance that card i decides the exam. It comes for every card
    at once from the same tables run forwards and backwards: card i combines the tables of
    the cards before it and after it, weighted by how many of the N − 1 others each side
    supplies (hypergeometric). Past the exact limit it comes from the approximating law
    (the same for every card). p_i' is the chance on the exam date if the card were
    reviewed now (``srs.forecast``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul

from srs.model import needed

EXACT_BUDGET = 2_000_000   # table cells (cards × subset sizes × scores) computed exactly (~1 s)


def poisson_binomial(ps: Sequence[float]) -> list[float]:
    """P(exactly j right) for j = 0..n, questions independent with chances ``ps``."""
    dist = [1.0]
    for p in ps:
        nxt = [0.0] * (len(dist) + 1)
        for j, mass in enumerate(dist):
            nxt[j] += mass * (1 - p)
            nxt[j + 1] += mass * p
        dist = nxt
    return dist


# ---------------------------------------------------------------- the exact computation
def _add(table: dict[int, list[float]], m: int, p: float, lo: int, hi: int, k: int) -> dict[int, list[float]]:
    """The tables (scores 0..k-1) of a random a-subset (a = lo..hi) of m + 1 cards, from
    those of the first m cards, when the new card is right with chance ``p``."""
    new: dict[int, list[float]] = {}
    inv = 1.0 / (m + 1)
    for a in range(lo, hi + 1):
        stay, take = (m + 1 - a) * inv, a * inv
        old = table.get(a) if stay else None
        prev = table.get(a - 1) if take else None
        if prev is None:
            new[a] = [stay * x for x in old] if old is not None else [0.0] * k
            continue
        tp, tq = take * p, take * (1 - p)
        shifted = [0.0, *prev[:-1]]
        if old is None:
            new[a] = [tq * x + tp * y for x, y in zip(prev, shifted, strict=True)]
        else:
            new[a] = [stay * o + tq * x + tp * y for o, x, y in zip(old, prev, shifted, strict=True)]
    return new


def _cells(m: int, n: int, k: int, budget: int) -> int:
    """Table cells the exact computation fills (counted until past the budget)."""
    total = 0
    for size in range(1, m + 1):
        total += (min(size, n) - max(0, n - m + size) + 1) * k
        if total > budget:
            break
    return total


def _log_comb(n: int, r: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(r + 1) - math.lgamma(n - r + 1)


def _exact(ps: Sequence[float], n: int, k: int, sensitivities: bool) -> tuple[float, list[float]]:
    m_total = len(ps)
    start = {0: [1.0] + [0.0] * (k - 1)}
    suffix: list[dict[int, list[float]]] = []
    if sensitivities:
        # suffix[j]: the tables of the cards j..M-1, for the subset sizes card j-1 needs
        suffix = [{}] * (m_total + 1)
        table = start
        suffix[m_total] = table
        for size in range(1, m_total + 1):
            j = m_total - size
            table = _add(table, size - 1, ps[j], max(0, n - m_total + size), min(size, n - 1), k)
            suffix[j] = table
    table, slopes = start, []
    lc_total = _log_comb(m_total - 1, n - 1)
    for i, p in enumerate(ps):
        if sensitivities:
            # card i decides the exam: drawn, with exactly k-1 right among the N-1 others,
            # a of them among the cards before it (hypergeometric) and N-1-a after it
            after = suffix[i + 1]
            rest = m_total - 1 - i
            total = 0.0
            for a in range(max(0, n - m_total + i), min(i, n - 1) + 1):
                before_row, after_row = table.get(a), after.get(n - 1 - a)
                if not before_row or not after_row:
                    continue
                weight = math.exp(_log_comb(i, a) + _log_comb(rest, n - 1 - a) - lc_total)
                total += weight * sum(map(mul, before_row, reversed(after_row)))
            slopes.append(n / m_total * total)
        table = _add(table, i, p, max(0, n - m_total + i + 1), min(i + 1, n), k)
    return max(0.0, min(1.0, 1.0 - sum(table[n]))), slopes


# ---------------------------------------------------------------- approximations (very large exams)
def _binomial_pmf(n: int, p: float, j: int) -> float:
    if j < 0 or j > n:
        return 0.0
    return math.comb(n, j) * p**j * (1 - p) ** (n - j)


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _draw_moments(ps: Sequence[float], n: int) -> tuple[float, float]:
    """Mean and variance of the number right in a random n-subset (finite population)."""
    m = len(ps)
    mean = sum(ps) / m
    within = sum(p * (1 - p) for p in ps) / m
    spread = sum((p - mean) ** 2 for p in ps) / m
    fpc = (m - n) / (m - 1) if m > 1 else 0.0
    return n * mean, n * within + n * spread * fpc


def _normal_tail(mu: float, var: float, k: int) -> float:
    if var <= 1e-15:
        return 1.0 if mu >= k - 1e-9 else 0.0
    return 1.0 - _normal_cdf((k - 0.5 - mu) / math.sqrt(var))


def _normal_point(mu: float, var: float, j: int) -> float:
    if var <= 1e-15:
        return 1.0 if abs(mu - j) < 0.5 else 0.0
    sd = math.sqrt(var)
    return _normal_cdf((j + 0.5 - mu) / sd) - _normal_cdf((j - 0.5 - mu) / sd)


@dataclass(frozen=True)
class Odds:
    pass_probability: float
    slopes: list[float]  # ∂P/∂p_i per card (empty when not asked for)
    method: str
    exact: bool


def exam_odds(ps: Sequence[float], questions: int, pass_mark: float, sensitivities: bool = True,
              budget: int | None = None) -> Odds:
    """The probability of passing an exam of ``questions`` drawn at random (every subset
    equally likely) from cards right with chances ``ps``; with ``sensitivities`` also
    ∂P/∂p_i for every card (see the module's docstring); exact up to ``budget`` table cells."""
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
    if _cells(m, n, k, budget) <= budget:
        probability, slopes = _exact(ps, n, k, sensitivities)
        how = "Poisson-binomial" if n == m else "every possible draw, weighted alike"
        return Odds(probability, slopes, f"exact ({how}): {draw} {m} cards", True)
    mean = sum(ps) / m
    if n * 20 <= m:
        probability = sum(_binomial_pmf(n, mean, j) for j in range(k, n + 1))
        slope = n / m * _binomial_pmf(n - 1, mean, k - 1)
        method = (f"approximate: {n} of {m} cards taken as independent picks at the mean chance "
                  f"(binomial; within about {n / m:.2%} of the exact draw)")
    else:
        mu, var = _draw_moments(ps, n)
        probability = _normal_tail(mu, var, k)
        mu1, var1 = _draw_moments(ps, n - 1)
        slope = n / m * _normal_point(mu1, var1, k - 1)
        method = (f"approximate: normal law with the draw's mean and variance and a continuity correction "
                  f"({draw} {m} cards; too many to sum exactly)")
    return Odds(max(0.0, min(1.0, probability)), [slope] * m if sensitivities else [], method, False)


def pass_probability(ps: Sequence[float], questions: int, pass_mark: float) -> float:
    """P(passing) for ``questions`` drawn from cards with chances ``ps`` (see ``exam_odds``)."""
    return exam_odds(ps, questions, pass_mark, sensitivities=False).pass_probability


__all__ = ["Odds", "exam_odds", "needed", "pass_probability", "poisson_binomial"]
