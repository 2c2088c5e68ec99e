"""The readiness forecast: each question's chance on the exam date from all of the
learner's evidence, the learner's overall level, the pass probability and its calibration.

Why not FSRS's retrievability alone
    FSRS's R is the chance of recalling a self-graded card, given that the learner saw its
    answer at the last review. Right after a miss it is ~1, because the learner has just
    read the answer; reading it is not knowing it. And it knows nothing of a learner who
    has never studied, nor of what their mock exams said.

The model (a hidden Markov model per card, under learner-level parameters)
    For each card the learner either knows the answer (K) or not (U).
    - Before any answer, P(K) = ``prior``: what the learner knew before studying.
    - An answer is right with chance 1 − ``slip`` when K (a careless slip), and with the
      guessing chance g when U: g = 1/k for a multiple-choice answer among k choices,
      raised towards 1 by ``elimination`` (ruling out choices: g' = g + e·(1 − g)).
      A right multiple-choice answer is therefore weak evidence, a wrong one strong.
    - After every answer the learner sees the right one: after a review U becomes K with
      chance ``learn``; after an exam, whose report lists the misses at the end, with a
      quarter of that (``EXAM_LEARN``): reading the right answer after a miss is not
      knowing it.
    - Known answers are forgotten with time: K survives t days with FSRS's forgetting curve
      (1 + F·t / (``memory``·S))^−w20, S the card's FSRS stability after its last answer.
      ``memory`` scales FSRS's stabilities to this learner: FSRS's curve is borrowed for its
      shape and for the spacing effect it encodes, and the learner's answers decide how far
      to trust it.
    The answers to one card are filtered forward exactly (two states), which gives both the
    likelihood of that card's answers and P(K) now and on the exam date.

The learner as a whole
    The five learner-level parameters are unknown. They take values on a fixed grid with a
    prior (below); their posterior is the prior times the likelihood of all of the learner's
    answers to every card of the deck. Given the parameters, cards are independent; over the
    posterior they are not: after a mock of 2/20, most of the posterior sits on "knew little,
    learns slowly", so every card's chance and the pass probability stay low until new answers
    say otherwise, and after one mock the score distribution stays wide. A card never
    answered gets the posterior's ``prior`` (1/k only in the sense that with no evidence at
    all the prior is wide around a low level).

The pass probability
    For each grid point the exam's score distribution is exact (a Poisson-binomial when the
    exam takes every card, else the hypergeometric draw of ``srs.readiness``); the forecast is
    the posterior mixture of them: exact for the model, with no sampling. The score interval
    is the mixture's central 80%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from itertools import product

import numpy as np

from srs.model import needed
from srs.readiness import exam_odds

DAY = 86400.0

#: the grid of learner-level parameters, with prior weights (normalised below)
PRIOR = ((0.0, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.92), (0.17, 0.16, 0.15, 0.14, 0.12, 0.1, 0.09, 0.07))
LEARN = ((0.05, 0.2, 0.45, 0.75), (0.25, 0.25, 0.25, 0.25))
EXAM_LEARN = 0.25          # reading an exam's report teaches a quarter of what a review does
MEMORY = ((0.2, 0.5, 1.0, 2.0, 4.0), (0.15, 0.2, 0.25, 0.22, 0.18))
SLIP = ((0.02, 0.06, 0.12, 0.2), (0.3, 0.35, 0.2, 0.15))
ELIMINATION = ((0.0, 0.35), (0.7, 0.3))
#: the forgetting curve's decay: FSRS's own (None: the learner's w20), or steeper power laws
DECAY = ((None, 0.5, 1.0), (0.5, 0.3, 0.2))
#: how much of FSRS's growth of stability the learner's memory shows: S' = S0·(S/S0)^growth
GROWTH = ((1.0, 0.5), (0.5, 0.5))
STABILITY_REF = 2.3        # S0: about FSRS's stability after a first Good
RECALL_GUESS = 0.02        # a self-graded answer "right" without knowing (misgrading)
KEEP_MASS = 0.9999         # posterior mass kept for the predictions of a large deck
KEEP_WORK = 2_000_000      # cards × grid points below which every grid point is kept
FIT_CARDS = 1000           # cards whose answers fit the posterior (a fixed sample beyond)
CHUNK = 256                # cards filtered at once
EXACT_WORK = 40_000_000    # grid points × cards × score cells summed exactly
LITTLE_EVIDENCE = 20       # answers below which the forecast says it is mostly prior
TEMPER = 0.6               # the learner posterior's likelihood is raised to this power


@dataclass(frozen=True)
class Answer:
    """One answer of the learner to a card: when (epoch seconds), whether it was right, the
    chance of being right by guessing (1/k for a multiple-choice answer, 0 for a recall the
    learner graded), and the card's FSRS stability after it (days)."""

    at: float
    correct: bool
    guess: float
    stability: float
    source: str = "review"


@dataclass(frozen=True)
class CardEvidence:
    key: int
    name: str
    choices: int
    answers: tuple[Answer, ...] = ()
    #: FSRS stability if the card were reviewed now and answered right / wrong (None: unknown)
    stability_if_right: float | None = None
    stability_if_wrong: float | None = None


@dataclass(frozen=True)
class Learner:
    """Posterior means of the learner-level parameters (for the report)."""

    prior: float
    learn: float
    memory: float
    slip: float
    elimination: float
    decay: float
    growth: float
    grid_points: int


@dataclass(frozen=True)
class CardChance:
    key: int
    name: str
    p: float                         # chance of a right answer on the exam date
    p_now: float                     # the same now
    answers: int
    right: int
    p_if_reviewed: float | None = None   # on the exam date, if reviewed once now
    gain: float = 0.0                # rise in the pass probability from that review


@dataclass(frozen=True)
class Forecast:
    deck: str
    on: datetime
    questions: int
    pass_mark: float
    pass_probability: float
    expected_score: float            # expected share right
    score_interval: tuple[float, float]   # central 80% of the share right
    distribution: list[float]        # P(score = j right), j = 0..questions
    cards: list[CardChance]
    learner: Learner
    answers: int                     # evidence: answers given to the deck's cards
    method: str

    @property
    def needed(self) -> int:
        return needed(self.pass_mark, self.questions)

    @property
    def little_evidence(self) -> bool:
        return self.answers < LITTLE_EVIDENCE

    def study_first(self, n: int = 5) -> list[CardChance]:
        worth = [c for c in self.cards if c.gain > 1e-9]
        return sorted(worth, key=lambda c: (-c.gain, c.p))[:n]

    def to_dict(self) -> dict:
        """The forecast as `srs readiness --json` prints it (SPEC §10), calibration aside."""
        return {"deck": self.deck, "on": self.on.isoformat(), "questions": self.questions,
                "pass_mark": self.pass_mark, "needed": self.needed, "expected_score": self.expected_score,
                "score_interval": list(self.score_interval), "interval_mass": 0.8,
                "pass_probability": self.pass_probability, "method": self.method,
                "evidence": {"answers": self.answers, "little": self.little_evidence},
                "learner": {"prior_knowledge": self.learner.prior, "learning": self.learner.learn,
                            "memory": self.learner.memory, "slip": self.learner.slip,
                            "elimination": self.learner.elimination},
                "distribution": self.distribution,
                "cards": [{"card": q.name, "p_correct": q.p, "p_now": q.p_now, "answers": q.answers,
                           "right": q.right, "p_if_reviewed": q.p_if_reviewed, "gain": q.gain} for q in self.cards],
                "study_first": [{"card": q.name, "gain": q.gain} for q in self.study_first(10)]}


# ---------------------------------------------------------------- the grid
@dataclass(frozen=True)
class Grid:
    prior: np.ndarray
    learn: np.ndarray
    memory: np.ndarray
    slip: np.ndarray
    elimination: np.ndarray
    decay: np.ndarray
    growth: np.ndarray
    log_weight: np.ndarray

    @property
    def factor(self) -> np.ndarray:
        """F of the curve (1 + F·t/S)^−decay: R = 0.9 when t = S, whatever the decay."""
        return 0.9 ** (-1.0 / self.decay) - 1.0

    def __len__(self) -> int:
        return len(self.prior)

    def take(self, index: np.ndarray) -> "Grid":
        return Grid(*(getattr(self, f)[index] for f in Grid.__dataclass_fields__))

    @cached_property
    def memories(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct (memory, decay, growth) of the grid — the only parameters forgetting
        depends on, a few dozen against thousands of grid points — and each point's index
        among them: forgetting is computed once per distinct memory, then spread."""
        keys = np.stack([self.memory, self.decay, self.growth], axis=1)
        distinct, index = np.unique(keys, axis=0, return_inverse=True)
        return distinct, index.reshape(-1)


def full_grid(fsrs_decay: float) -> Grid:
    decays = (tuple(fsrs_decay if d is None else d for d in DECAY[0]), DECAY[1])
    axes = [PRIOR, LEARN, MEMORY, SLIP, ELIMINATION, decays, GROWTH]
    points = list(product(*(range(len(values)) for values, _ in axes)))
    columns = []
    log_weight = np.zeros(len(points))
    for a, (values, weights) in enumerate(axes):
        idx = np.array([p[a] for p in points])
        columns.append(np.asarray(values, dtype=float)[idx])
        w = np.asarray(weights, dtype=float)
        log_weight += np.log(w / w.sum())[idx]
    return Grid(*columns, log_weight)


# ---------------------------------------------------------------- filtering the answers
@dataclass
class _Filtered:
    loglik: np.ndarray            # (G,) summed over the cards
    known_now: np.ndarray         # (C, G) P(K) now
    known_on: np.ndarray          # (C, G) P(K) on the exam date
    last_at: np.ndarray           # (C,) time of the last answer (nan: none)
    last_stability: np.ndarray    # (C,)


def _survival(days: np.ndarray, stability: np.ndarray, grid: Grid) -> np.ndarray:
    """P(a known answer is still known after ``days``) per card (rows) and grid point."""
    distinct, index = grid.memories
    memory, decay, growth = distinct[None, :, 0], distinct[None, :, 1], distinct[None, :, 2]
    factor = 0.9 ** (-1.0 / decay) - 1.0
    stability = STABILITY_REF * (stability / STABILITY_REF) ** growth
    return ((1.0 + factor * np.maximum(days, 0.0) / (memory * stability)) ** -decay)[:, index]


def _guess(base: np.ndarray, elimination: np.ndarray) -> np.ndarray:
    """Guessing chance per card and grid point: elimination raises only multiple-choice guesses."""
    mc = base > RECALL_GUESS
    return np.where(mc, base + elimination * (1.0 - base), base)


def _filter(cards: Sequence[CardEvidence], grid: Grid, now: float, on: float) -> _Filtered:
    # cards with the most answers first: at answer j only the first ``active[j]`` rows have one,
    # so each round works on a prefix (the results are put back in the callers' order)
    counts = np.array([len(c.answers) for c in cards], dtype=int)
    order = np.argsort(-counts, kind="stable")
    cards = [cards[i] for i in order]
    n_cards, g = len(cards), len(grid)
    rounds = int(counts.max()) if len(counts) else 0
    at = np.full((n_cards, max(rounds, 1)), np.nan)
    right = np.zeros((n_cards, max(rounds, 1)), dtype=bool)
    guess = np.full((n_cards, max(rounds, 1)), 0.25)
    stab = np.ones((n_cards, max(rounds, 1)))
    taught = np.ones((n_cards, max(rounds, 1)))
    for i, card in enumerate(cards):
        for j, a in enumerate(card.answers):
            at[i, j], right[i, j], guess[i, j], stab[i, j] = a.at, a.correct, max(a.guess, RECALL_GUESS), a.stability
            taught[i, j] = EXAM_LEARN if a.source == "exam" else 1.0
    prior, learn, slip = grid.prior[None, :], grid.learn[None, :], grid.slip[None, :]
    elim = grid.elimination[None, :]
    known = np.broadcast_to(prior, (n_cards, g)).copy()
    loglik = np.zeros((n_cards, g))
    last_at = np.full(n_cards, np.nan)
    last_s = np.ones(n_cards)
    sorted_counts = counts[order]
    for j in range(rounds):
        n = int(np.count_nonzero(sorted_counts > j))  # the cards with a (j+1)-th answer: a prefix
        rows = slice(0, n)
        seen = ~np.isnan(last_at[rows])
        days = np.where(seen, (at[rows, j] - np.nan_to_num(last_at[rows])) / DAY, 0.0)
        keep = _survival(days[:, None], last_s[rows, None], grid)
        k = np.where(seen[:, None], known[rows] * keep, known[rows])
        gj = _guess(guess[rows, j][:, None], elim)
        y = right[rows, j][:, None]
        like_k = np.where(y, 1.0 - slip, slip)
        like_u = np.where(y, gj, 1.0 - gj)
        total = k * like_k + (1.0 - k) * like_u
        post = k * like_k / total
        post = post + (1.0 - post) * learn * taught[rows, j][:, None]
        loglik[rows] += np.log(total)
        known[rows] = post
        last_at[rows] = at[rows, j]
        last_s[rows] = stab[rows, j]
    seen = ~np.isnan(last_at)
    base = np.nan_to_num(last_at)
    keep_now = _survival(((now - base) / DAY)[:, None], last_s[:, None], grid)
    keep_on = _survival(((on - base) / DAY)[:, None], last_s[:, None], grid)
    known_now = np.where(seen[:, None], known * keep_now, known)
    known_on = np.where(seen[:, None], known * keep_on, known)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))  # sorted row of each card in the callers' order
    return _Filtered(loglik[back].sum(axis=0), known_now[back], known_on[back], last_at[back], last_s[back])


def _chance(known: np.ndarray, choices: np.ndarray, grid: Grid) -> np.ndarray:
    """P(right) of a multiple-choice question per card and grid point."""
    g = _guess((1.0 / choices)[:, None], grid.elimination[None, :])
    return known * (1.0 - grid.slip[None, :]) + (1.0 - known) * g


def posterior(cards: Sequence[CardEvidence], grid: Grid, now: float) -> np.ndarray:
    """Normalised posterior weights of the grid points given every card's answers (a fixed
    sample of ``FIT_CARDS`` answered cards when there are more)."""
    answered = [c for c in cards if c.answers]
    if len(answered) > FIT_CARDS:
        answered = sorted(answered, key=lambda c: (c.key * 2654435761) % 2**32)[:FIT_CARDS]
    log_post = grid.log_weight.copy()
    for start in range(0, len(answered), CHUNK):
        log_post += TEMPER * _filter(answered[start:start + CHUNK], grid, now, now).loglik
    log_post -= log_post.max()
    w = np.exp(log_post)
    return w / w.sum()


def _kept(weights: np.ndarray, cards: int) -> np.ndarray:
    """The grid points the predictions use, heaviest first: all of them for a small deck;
    for a large one those holding ``KEEP_MASS`` of the posterior, at most what fits the
    work budget (the method then says how much of the posterior is used)."""
    order = np.argsort(-weights, kind="stable")
    if cards * len(weights) <= KEEP_WORK:
        return order
    cumulative = np.cumsum(weights[order])
    count = min(max(16, KEEP_WORK // cards), int(np.searchsorted(cumulative, KEEP_MASS)) + 1)
    return order[:count]


# ---------------------------------------------------------------- the score distribution
def score_distributions(ps: np.ndarray, questions: int) -> np.ndarray:
    """(G, questions + 1): for each column of ``ps`` (cards × G), the exact distribution of
    the number right among ``questions`` cards drawn at random (every subset alike)."""
    m, g = ps.shape
    n = questions
    if n == m:  # every card: Poisson-binomial
        dist = np.zeros((g, n + 1))
        dist[:, 0] = 1.0
        for i in range(m):
            p = ps[i][:, None]
            shifted = np.zeros_like(dist)
            shifted[:, 1:] = dist[:, :-1]
            dist = dist * (1.0 - p) + shifted * p
        return dist
    # H[a, c]: distribution of right answers c in a random a-subset of the cards seen so far
    table = np.zeros((g, n + 1, n + 1))
    table[:, 0, 0] = 1.0
    a = np.arange(n + 1)[None, :, None]
    for i in range(m):
        size = i + 1
        stay = np.clip((size - a) / size, 0.0, 1.0)
        take = np.minimum(a, size) / size
        p = ps[i][:, None, None]
        prev = np.zeros_like(table)
        prev[:, 1:, :] = table[:, :-1, :]
        shifted = np.zeros_like(prev)
        shifted[:, :, 1:] = prev[:, :, :-1]
        table = stay * table + take * ((1.0 - p) * prev + p * shifted)
    return table[:, n, :]


def _normal_distributions(ps: np.ndarray, questions: int) -> np.ndarray:
    """Approximate score distributions (continuity-corrected normal with the draw's mean and
    finite-population variance) for exams too large to sum exactly."""
    from statistics import NormalDist

    m, g = ps.shape
    n = questions
    mean = ps.mean(axis=0)
    within = (ps * (1 - ps)).mean(axis=0)
    spread = ps.var(axis=0)
    fpc = (m - n) / (m - 1) if m > 1 else 0.0
    mu, var = n * mean, n * within + n * spread * fpc
    out = np.zeros((g, n + 1))
    for col in range(g):
        if var[col] <= 1e-12:
            out[col, min(n, max(0, round(mu[col])))] = 1.0
            continue
        law = NormalDist(mu[col], math.sqrt(var[col]))
        edges = [law.cdf(j + 0.5) for j in range(-1, n + 1)]
        edges[0], edges[-1] = 0.0, 1.0
        out[col] = np.diff(edges)
    return out


def _interval(dist: np.ndarray, mass: float = 0.8) -> tuple[int, int]:
    cdf = np.cumsum(dist)
    tail = (1.0 - mass) / 2
    low = int(np.searchsorted(cdf, tail - 1e-12))
    high = int(np.searchsorted(cdf, 1.0 - tail - 1e-12))
    return low, min(high, len(dist) - 1)


# ---------------------------------------------------------------- the forecast
def forecast(cards: Sequence[CardEvidence], questions: int | None, pass_mark: float, on: datetime,
             now: datetime, deck: str, parameters: Sequence[float], value: bool = True) -> Forecast:
    """The forecast for an exam on ``on`` of ``questions`` (None: all) of these
    multiple-choice cards, from the evidence up to ``now``; ``parameters`` are the learner's
    FSRS parameters (for the shape of the forgetting curve). With ``value``, the gain from
    reviewing each card now."""
    cards = [c for c in cards if c.choices >= 2]
    if not cards:
        raise ValueError("no multiple-choice cards")
    m = len(cards)
    n = min(questions or m, m)
    t_now, t_on = now.timestamp(), max(on.timestamp(), now.timestamp())
    grid = full_grid(float(parameters[20]))
    weights = posterior(cards, grid, t_now)
    kept = _kept(weights, m)
    used = float(weights[kept].sum())
    sub, w = grid.take(kept), weights[kept] / used
    choices = np.array([c.choices for c in cards], dtype=float)
    p_on = np.zeros((m, len(sub)))
    p_now = np.zeros((m, len(sub)))
    p_review = np.full((m, len(sub)), np.nan)
    for start in range(0, m, CHUNK):
        part = cards[start:start + CHUNK]
        f = _filter(part, sub, t_now, t_on)
        ch = choices[start:start + CHUNK]
        p_on[start:start + CHUNK] = _chance(f.known_on, ch, sub)
        p_now[start:start + CHUNK] = _chance(f.known_now, ch, sub)
        if value:
            p_review[start:start + CHUNK] = _if_reviewed(part, f.known_now, ch, sub, t_now, t_on)
    # the score distribution: exact per grid point where affordable, fewer points before approximating
    method = "exact: Poisson-binomial per learner level" if n == m else "exact: every draw alike, per learner level"
    if used < 1 - 1e-9:
        method += f" ({used:.2%} of the posterior's weight used)"
    order = np.arange(len(sub))
    cost = m * (n + 1) * (1 if n == m else n + 1)
    if cost * len(order) > EXACT_WORK:
        fit = max(1, EXACT_WORK // cost)
        if fit >= 16:
            order = order[:fit]  # kept points are sorted by weight: the heaviest
            method += f", over the {fit} most likely learner levels ({w[order].sum():.1%} of the posterior)"
        else:
            order = np.array([], dtype=int)
    if len(order):
        ww = w[order] / w[order].sum()
        dists = score_distributions(p_on[:, order], n)
    else:
        ww = w
        dists = _normal_distributions(p_on, n)
        method = "approximate (normal law per learner level: too many cards to sum exactly)"
    dist = ww @ dists
    dist = np.clip(dist, 0.0, None)
    dist /= dist.sum()
    k = needed(pass_mark, n)
    pass_probability = float(dist[k:].sum())
    expected = float((np.arange(n + 1) * dist).sum() / n)
    low, high = _interval(dist)
    mean_on = p_on @ w
    mean_now = p_now @ w
    gains = np.zeros(m)
    p_if = [None] * m
    if value and m <= 5000:
        slopes = exam_odds(list(map(float, mean_on)), n, pass_mark, sensitivities=True).slopes
        reviewed = np.where(np.isnan(p_review), p_on, p_review) @ w
        for i in range(m):
            if not math.isnan(p_review[i, 0]):
                p_if[i] = float(reviewed[i])
                gains[i] = max(0.0, (reviewed[i] - mean_on[i]) * slopes[i])
    chances = [CardChance(c.key, c.name, float(mean_on[i]), float(mean_now[i]), len(c.answers),
                          sum(a.correct for a in c.answers), p_if[i], float(gains[i])) for i, c in enumerate(cards)]
    learner = Learner(*(float(getattr(sub, f) @ w) for f in ("prior", "learn", "memory", "slip", "elimination",
                                                              "decay", "growth")), grid_points=len(sub))
    return Forecast(deck, on, n, pass_mark, pass_probability, expected, (low / n, high / n), list(map(float, dist)),
                    chances, learner, sum(len(c.answers) for c in cards), method)


def _if_reviewed(cards: Sequence[CardEvidence], known_now: np.ndarray, choices: np.ndarray, grid: Grid,
                 now: float, on: float) -> np.ndarray:
    """P(right on the exam date) if each card were reviewed once now: right (with its
    chance now) or wrong, then shown the answer, then kept with its FSRS stability after
    that review."""
    s_right = np.array([c.stability_if_right or np.nan for c in cards])
    s_wrong = np.array([c.stability_if_wrong or np.nan for c in cards])
    slip, learn = grid.slip[None, :], grid.learn[None, :]
    g = _guess((1.0 / choices)[:, None], grid.elimination[None, :])
    p_right = known_now * (1.0 - slip) + (1.0 - known_now) * g
    after_right = known_now * (1.0 - slip) / p_right
    after_wrong = known_now * slip / (1.0 - p_right)
    days = (on - now) / DAY
    out = np.zeros_like(known_now)
    for branch, post, stability in ((p_right, after_right, s_right), (1.0 - p_right, after_wrong, s_wrong)):
        learned = post + (1.0 - post) * learn
        keep = _survival(np.full((len(cards), 1), days), np.nan_to_num(stability, nan=1.0)[:, None], grid)
        out += branch * (learned * keep * (1.0 - slip) + (1.0 - learned * keep) * g)
    out[np.isnan(s_right) | np.isnan(s_wrong)] = np.nan
    return out


# ---------------------------------------------------------------- evidence from the store's rows
def evidence(cards: Sequence, reviews: Sequence[tuple[int, float, int, str, float | None]],
             exam_answers: Sequence[tuple[int, float, bool]], parameters: Sequence[float],
             if_reviewed: dict[int, tuple[float, float]] | None = None) -> list[CardEvidence]:
    """Each card's answers, oldest first, from the store's rows:
    - ``cards``: ``ExamCard`` records (key, name, choices);
    - ``reviews``: (card key, epoch seconds, rating, source, FSRS stability after), every
      review-log entry; those of source "exam" only carry the stability (the exam's own
      answers come from ``exam_answers``, which also hold attempts taken with --no-schedule);
    - ``exam_answers``: (card key, epoch seconds the attempt ended, right?) for every
      answered exam question.
    A review rated Again is a wrong answer, any other rating a right one; an answer in review
    of a multiple-choice card is a choice among its k choices, like an exam answer."""
    stabilities: dict[int, list[tuple[float, float]]] = {}
    events: dict[int, list[Answer]] = {}
    choices = {c.key: c.choices for c in cards}
    for key, at, rating, source, stability in reviews:
        if key not in choices:
            continue
        if stability is not None:
            stabilities.setdefault(key, []).append((at, float(stability)))
        if source != "exam":
            events.setdefault(key, []).append(Answer(at, rating >= 2, 1.0 / choices[key] if choices[key] >= 2 else 0.0,
                                                     math.nan, source))
    for key, at, correct in exam_answers:
        if key in choices:
            events.setdefault(key, []).append(Answer(at, bool(correct), 1.0 / max(choices[key], 1), math.nan, "exam"))
    w = parameters
    out = []
    for card in cards:
        answers = sorted(events.get(card.key, ()), key=lambda a: (a.at, a.source != "exam"))
        known = sorted(stabilities.get(card.key, ()))
        filled = []
        j, last = 0, None
        for a in answers:
            while j < len(known) and known[j][0] <= a.at + 1.0:
                last = known[j][1]
                j += 1
            s = last if last is not None else (w[2] if a.correct else w[0])
            filled.append(Answer(a.at, a.correct, a.guess, max(s, 0.01), a.source))
        right, wrong = (if_reviewed or {}).get(card.key, (None, None))
        out.append(CardEvidence(card.key, card.name, card.choices, tuple(filled), right, wrong))
    return out


# ---------------------------------------------------------------- from the store
VALUE_UP_TO = 2000   # cards: above, the value of a review is not computed


def assess(store, settings, deck_id: str, on: datetime, now: datetime, value: bool = True) -> Forecast:
    """The forecast for the learner of ``store`` on deck ``deck_id`` (its exam settings),
    for an exam at ``on``, from everything they answered up to ``now``."""
    from srs.model import AGAIN, GOOD
    from srs.scheduler import make_scheduler, rate

    deck = store.deck(deck_id)
    cards = [c for c in store.exam_cards(deck_id) if c.choices >= 2]
    if deck is None or not cards:
        raise ValueError(f"deck {deck_id!r} has no multiple-choice cards")
    scheduler = make_scheduler(settings, fuzz=False)
    reviews, exam_answers = store.forecast_evidence(deck_id)
    after: dict[int, tuple[float, float]] = {}
    if value and len(cards) <= VALUE_UP_TO:
        for card in cards:
            memory = card.memory()
            after[card.key] = (rate(scheduler, card.key, memory, GOOD, now).stability,
                               rate(scheduler, card.key, memory, AGAIN, now).stability)
    found = evidence(cards, reviews, exam_answers, scheduler.parameters, after)
    return forecast(found, deck.exam_questions, deck.exam_pass_mark, on, now, deck_id, scheduler.parameters,
                    value=value and bool(after))


@dataclass(frozen=True)
class Outlook:
    """A deck's exam date (the ``exam_date`` setting), the days left, the chance of passing then."""

    exam_date: str | None = None
    days_left: int | None = None
    pass_probability: float | None = None


def outlook(store, settings, deck_id: str, now: datetime) -> Outlook:
    """The outlook of a deck with an ``exam_date`` setting (empty without one)."""
    from srs.clock import on_date

    if settings.exam_date is None:
        return Outlook()
    when = on_date(settings.exam_date, settings.day_starts_at, now)
    days = (when.date() - now.astimezone(when.tzinfo).date()).days
    try:
        chance = assess(store, settings, deck_id, max(when, now), now, value=False).pass_probability
    except ValueError:
        chance = None
    return Outlook(settings.exam_date, days, chance)


def outcomes(store, deck_id: str) -> Calibration:
    """How the forecasts stored with past attempts fared (see ``calibration``)."""
    answers, attempts = store.forecast_outcomes(deck_id)
    return calibration(answers, attempts)


# ---------------------------------------------------------------- calibration against outcomes
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

    def to_json(self) -> dict:
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
    for lo, hi in zip(edges, edges[1:]):
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


__all__ = ["Answer", "Bin", "CardChance", "CardEvidence", "Calibration", "Forecast", "Learner", "Outlook", "brier",
           "assess", "calibration", "evidence", "expected_calibration_error", "forecast", "log_loss", "outcomes", "outlook", "posterior",
           "score_distributions"]
