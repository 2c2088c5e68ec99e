"""Exam readiness: recall on a date, the exact probability of passing, the value of a review.

Each question is answered right with p = R + (1 − R)/k: R is FSRS's retrievability of the
card on the exam date (the learner remembers), otherwise a guess among its k choices is
right one time in k. A card never studied is a pure guess: p = 1/k. Questions are taken
as independent, so the number right follows a Poisson-binomial distribution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from srs.records import StudyCard
from srs.scheduler import GOOD, make_scheduler, rate, retrievability
from srs.settings import Settings


def needed(pass_mark: float, questions: int) -> int:
    """Right answers needed to pass (the pass mark is inclusive)."""
    return max(0, math.ceil(pass_mark * questions - 1e-9))


def p_correct(recall: float | None, choices: int) -> float:
    guess = 1 / choices
    return guess if recall is None else recall + (1 - recall) * guess


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


EXACT_DRAWS_UP_TO = 2000  # cards; above, draws are taken as independent picks (see pass_probability)


def binomial_tail(n: int, p: float, k: int) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1))


def pass_probability(ps: Sequence[float], questions: int, pass_mark: float) -> float:
    """The exact probability of passing an exam of ``questions`` drawn at random (without
    replacement, every subset equally likely) from cards with chances ``ps``.

    When the exam takes every card this is the Poisson-binomial tail. Otherwise the cards
    are visited in turn and the k-th is drawn with the hypergeometric chance
    (questions still to draw) / (cards still to visit); a dynamic programme over
    (questions drawn, right so far) sums over every possible draw exactly."""
    m = len(ps)
    if questions > m:
        raise ValueError("more questions than cards")
    k = needed(pass_mark, questions)
    if questions == m:
        return sum(poisson_binomial(ps)[k:])
    if m > EXACT_DRAWS_UP_TO:
        # N of very many cards: the draw is, to within N/M, N independent picks, each right
        # with the mean chance -- a binomial (and O(M) instead of O(M·N²))
        return binomial_tail(questions, sum(ps) / m, k)
    # f[n][c]: probability of having drawn n questions with c right so far
    f = [[0.0] * (questions + 1) for _ in range(questions + 1)]
    f[0][0] = 1.0
    for i, p in enumerate(ps):
        remaining = m - i
        for n in range(min(i, questions - 1), -1, -1):
            q = (questions - n) / remaining
            row, up = f[n], f[n + 1]
            for c in range(n, -1, -1):
                mass = row[c]
                if mass:
                    up[c + 1] += mass * q * p
                    up[c] += mass * q * (1 - p)
                    row[c] = mass * (1 - q)
    return sum(f[questions][k:])


@dataclass(frozen=True)
class Question:
    card: StudyCard
    recall: float | None  # FSRS retrievability on the date; None: never studied
    p: float              # chance of a right answer on the date
    p_if_reviewed: float  # the same if the card were reviewed (Good) now
    gain: float = 0.0     # rise in the pass probability from that review


@dataclass(frozen=True)
class Readiness:
    deck: str
    on: datetime
    questions: int
    pass_mark: float
    expected_score: float  # expected share right
    pass_probability: float
    cards: list[Question]
    method: str

    def study_first(self, n: int = 5) -> list[Question]:
        worth = [q for q in self.cards if q.gain > 1e-6]
        return sorted(worth, key=lambda q: (-q.gain, q.p))[:n]


def readiness(cards: Sequence[StudyCard], settings: Settings, questions: int | None, pass_mark: float,
              on: datetime, now: datetime, deck: str) -> Readiness:
    """Readiness for an exam of ``questions`` of these multiple-choice cards on ``on``."""
    mc = [c for c in cards if c.choices]
    if not mc:
        raise ValueError("no multiple-choice cards")
    n = min(questions or len(mc), len(mc))
    scheduler = make_scheduler(settings, fuzz=False)
    rows = []
    for card in mc:
        recall = retrievability(scheduler, card.memory, on)
        rows.append([card, recall, p_correct(recall, len(card.choices or ())), None])
    # the chance after a review now: for every card of a small deck, else for the weakest 300
    weakest = sorted(range(len(rows)), key=lambda i: rows[i][2])[: len(rows) if len(rows) <= 2000 else 300]
    for i in weakest:
        card = rows[i][0]
        after = rate(scheduler, card.key, card.memory, GOOD, now)
        rows[i][3] = p_correct(retrievability(scheduler, after, on), len(card.choices or ()))
    ps = [r[2] for r in rows]
    base = pass_probability(ps, n, pass_mark)
    k = needed(pass_mark, n)
    m = len(rows)
    # the value of a review: the pass probability is affine in each card's chance, so the
    # gain is exactly P(p_i → p_i') − P. Small decks: recomputed for the 30 cards whose
    # chance would rise most. Large decks (independent picks): the derivative is
    # N/M · P(exactly k−1 right of the other N−1 picks).
    candidates = [i for i in range(m) if rows[i][3] is not None and rows[i][3] > rows[i][2]]
    candidates.sort(key=lambda i: rows[i][2] - rows[i][3])
    slope = None
    if m > EXACT_DRAWS_UP_TO and n < m:
        mean = sum(ps) / m
        slope = n / m * (math.comb(n - 1, k - 1) * mean ** (k - 1) * (1 - mean) ** (n - k) if k >= 1 else 0.0)
    gains: dict[int, float] = {}
    for i in candidates[:30] if slope is None else candidates:
        if slope is None:
            gains[i] = pass_probability(ps[:i] + [rows[i][3]] + ps[i + 1:], n, pass_mark) - base
        else:
            gains[i] = (rows[i][3] - rows[i][2]) * slope
    result = [Question(card, recall, p, p_after if p_after is not None else p, gains.get(i, 0.0))
              for i, (card, recall, p, p_after) in enumerate(rows)]
    if n == len(mc):
        method = "Poisson-binomial over all questions"
    elif len(mc) <= EXACT_DRAWS_UP_TO:
        method = f"exact over random draws of {n} of {len(mc)} cards (hypergeometric dynamic programme)"
    else:
        method = (f"{n} of {len(mc)} cards: draws taken as independent picks at the mean chance "
                  f"(binomial; within {n / len(mc):.2%} of drawing without replacement)")
    return Readiness(deck, on, n, pass_mark, sum(ps) / len(ps), base, result, method)


def brier(history: Sequence[tuple[float, bool]]) -> float | None:
    """Mean squared error of stated pass probabilities against what happened."""
    if not history:
        return None
    return sum((f - float(passed)) ** 2 for f, passed in history) / len(history)


def pass_forecast(store, settings: Settings, deck_id: str, at: datetime) -> float | None:
    """The pass probability predicted for an attempt at ``at`` (stored beside the result)."""
    deck = store.deck(deck_id)
    cards = store.mc_cards(deck_id)
    if deck is None or not cards:
        return None
    return readiness(cards, settings, deck.exam_questions, deck.exam_pass_mark, at, at, deck_id).pass_probability


__all__ = ["Question", "Readiness", "brier", "needed", "p_correct", "pass_forecast", "pass_probability",
           "poisson_binomial", "readiness"]
