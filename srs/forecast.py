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
    - Recognition: in a review of a card seen before, a learner who does not know the
      answer may still pick the right choice among the same choices (``recognition``, a
      learner-level unknown with "none" its likeliest prior value); an exam answer has no
      such help. So the learner's own answers decide how much a right review answer says
      about a right exam answer.
    - After every answer the learner sees the right one: after a review U becomes K with
      chance ``learn`` (possibly 0: a guesser, or knowledge no feedback changes); after an exam, whose report lists the misses at the end, with a
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
    The learner-level parameters are unknown. They take values on a fixed grid with a
    prior (below); their posterior is the prior times the likelihood of all of the learner's
    answers to every card of the deck. Given the parameters, cards are independent; over the
    posterior they are not: after a mock of 2/20, most of the posterior sits on "knew little,
    learns slowly", so every card's chance and the pass probability stay low until new answers
    say otherwise, and after one mock the score distribution stays wide. A card never
    answered gets the posterior's ``prior`` (1/k only in the sense that with no evidence at
    all the prior is wide around a low level).

What the mocks say beyond the reviews (``srs.forecast_drift``)
    Each exam answer's chance before it was given (over the posterior) is kept; the exam
    answers fit a level and a trend of exams against the model on the logit scale. Every
    card's chance is moved by that level (integrated over its posterior), so a failed mock
    after perfect reviews is believed; with no mock the level keeps its prior width.

Two assumptions about the days until the exam
    "stop" (the headline): the learner stops studying now; what they know fades and the
    level stays. "pace": they keep their recent pace; what they know now holds and the
    trend goes on (at most ``TREND_DAYS`` ahead).

The pass probability
    For each grid point (and offset node) the exam's score distribution is exact (a Poisson-binomial when the
    exam takes every card, else the hypergeometric draw of ``srs.readiness``); the forecast is
    the posterior mixture of them: exact for the model, with no sampling (a few questions of
    many cards, N ≤ M/20: independent picks at the mean chance, and the method says so). The
    score interval is the mixture's central 80% by mid-quantiles. A card's last
    ``MAX_ANSWERS`` answers are filtered, so one card answered 1,300 times costs no more than
    one answered 64 times.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from datetime import datetime
from itertools import product
from typing import NamedTuple

import numpy as np

from srs.forecast_drift import Drift, fit as fit_drift, nodes as offset_nodes, shifted as shift
from srs.model import needed
from srs.readiness import exam_odds
from srs.rules import answered_right, code_exam, code_key, code_right, review_code

DAY = 86400.0

#: the grid of learner-level parameters, with prior weights (normalised below)
PRIOR = ((0.0, 0.15, 0.35, 0.55, 0.75, 0.92), (0.2, 0.2, 0.18, 0.16, 0.14, 0.12))
#: 0: a learner whom reading the answer teaches nothing (a guesser, or fixed knowledge)
LEARN = ((0.0, 0.1, 0.3, 0.7), (0.2, 0.3, 0.3, 0.2))
EXAM_LEARN = 0.25          # reading an exam's report teaches a quarter of what a review does
MEMORY = ((0.25, 0.7, 1.5, 4.0), (0.2, 0.3, 0.3, 0.2))
SLIP = ((0.03, 0.1, 0.2), (0.4, 0.4, 0.2))
ELIMINATION = ((0.0, 0.35), (0.7, 0.3))
#: the forgetting curve's decay: FSRS's own (None: the learner's w20), or a steeper power law
DECAY = ((None, 1.0), (0.6, 0.4))
#: how much of FSRS's growth of stability the learner's memory shows: S' = S0·(S/S0)^growth
GROWTH = ((1.0, 0.5), (0.5, 0.5))
#: recognition: in a review of a card seen before, a learner who does not know the answer
#: picks the right choice with this extra chance (the same choices again); an exam's
#: answers have none. The learner's own answers decide how much a right review answer is worth.
RECOGNITION = ((0.0, 0.5, 0.8), (0.7, 0.2, 0.1))
STABILITY_REF = 2.3        # S0: about FSRS's stability after a first Good
RECALL_GUESS = 0.02        # a self-graded answer "right" without knowing (misgrading)
KEEP_MASS = 0.9999         # posterior mass kept for the predictions of a large deck
KEEP_WORK = 300_000        # cards × grid points below which every grid point is kept
FIT_CARDS = 200            # cards whose answers fit the posterior (every mock's cards, then a fixed sample)
CHUNK = 256                # cards filtered at once (at least)
FIT_CHUNK = 250_000        # cards × grid points filtered at once to fit the posterior (fits a cache)
PREDICT_CHUNK = 2_000_000  # cards × grid points filtered at once for the predictions
EXACT_WORK = 20_000_000    # grid points × cards × score cells (× offset nodes) summed exactly
VALUE_BUDGET = 200_000     # table cells of the exact value of a review (beyond: its approximation)
LITTLE_EVIDENCE = 20       # answers below which the forecast says it is mostly prior
TEMPER = 0.85              # the learner posterior's likelihood is raised to this power
LOG_GROUP = 16             # answers' likelihoods multiplied before a logarithm is taken
#: a card's answers filtered: its last this many (before them, what srs assumes of any card;
#: forgetting and learning leave older answers little say once a card has had this many)
MAX_ANSWERS = 64


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
    recognition: float
    grid_points: int


class CardChance(NamedTuple):
    """One question's chances (a tuple, so that 100,000 of them are made quickly)."""

    key: int
    name: str
    p: float                         # chance of a right answer on the exam date
    p_now: float                     # the same now
    answers: int
    right: int
    p_if_reviewed: float | None = None   # on the exam date, if reviewed once now
    gain: float = 0.0                # rise in the pass probability from that review


@dataclass(frozen=True)
class Scenario:
    """The exam's score under one assumption about the days until it."""

    pass_probability: float
    expected_score: float            # expected share right
    score_interval: tuple[float, float]   # central 80% of the share right
    distribution: list[float]        # P(score = j right), j = 0..questions

    def to_dict(self) -> dict:
        return {"pass_probability": self.pass_probability, "expected_score": self.expected_score,
                "score_interval": list(self.score_interval)}


#: the two assumptions about the days until the exam, and which one is the headline
ASSUMPTIONS = {"stop": "if you stop studying now", "pace": "if you keep your recent pace"}
HEADLINE = "stop"


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
    stop: Scenario | None = None     # if the learner stops studying now (the headline)
    pace: Scenario | None = None     # if they keep their recent pace
    drift: Drift = field(default_factory=Drift)   # what the exams say beyond the reviews
    exam_answers: int = 0

    @property
    def needed(self) -> int:
        return needed(self.pass_mark, self.questions)

    @property
    def little_evidence(self) -> bool:
        return self.answers < LITTLE_EVIDENCE

    @property
    def mocks(self) -> int:
        return self.drift.mocks

    @property
    def headline(self) -> str:
        return HEADLINE

    @property
    def headline_label(self) -> str:
        return ASSUMPTIONS[HEADLINE]

    @property
    def other_label(self) -> str:
        return next(label for key, label in ASSUMPTIONS.items() if key != HEADLINE)

    @property
    def other(self) -> Scenario | None:
        """The assumption that is not the headline (None: the exam is now, both agree)."""
        chosen = self.pace if HEADLINE == "stop" else self.stop
        return None if chosen is None or chosen is getattr(self, HEADLINE) else chosen

    def beyond_reviews_sentence(self) -> str:
        """What the mocks say beyond the reviews, in words."""
        d = self.drift
        if self.no_mock:
            return ("No mock yet: how your exam answers compare with your reviews is unknown, so the range "
                    "allows for either.")
        sd = d.to_dict()["level_sd"]
        if d.level > 2 * sd:
            said = "Your mocks go better than your reviews predict"
        elif d.level < -2 * sd:
            said = "Your mocks go worse than your reviews predict (the mocks are believed)"
        else:
            said = "Your mocks agree with your reviews so far"
        if d.direction:
            said += f"; you are {d.direction} faster than your reviews explain"
        elif d.mocks >= 2:
            said += "; no trend beyond your reviews yet"
        return said + f" ({d.mocks} mock{'s' if d.mocks != 1 else ''})."

    @property
    def no_mock(self) -> bool:
        """No answer under exam conditions yet: the pass probability is a range, not a point."""
        return self.mocks == 0

    def study_first(self, n: int = 5) -> list[CardChance]:
        worth = [c for c in self.cards if c.gain > 1e-9]
        return sorted(worth, key=lambda c: (-c.gain, c.p))[:n]

    def to_dict(self) -> dict:
        """The forecast as `srs readiness --json` prints it (docs/json.md), calibration aside."""
        return {"deck": self.deck, "on": self.on.isoformat(), "questions": self.questions,
                "pass_mark": self.pass_mark, "needed": self.needed, "expected_score": self.expected_score,
                "score_interval": list(self.score_interval), "interval_mass": 0.8,
                "pass_probability": self.pass_probability, "method": self.method,
                "assumptions": {"headline": HEADLINE,
                                **{key: {"label": label, **getattr(self, key).to_dict()}
                                   for key, label in ASSUMPTIONS.items() if getattr(self, key) is not None}},
                "evidence": {"answers": self.answers, "exam_answers": self.exam_answers, "mocks": self.mocks,
                             "little": self.little_evidence, "no_mock": self.no_mock,
                             "beyond_reviews": self.drift.to_dict()},
                "learner": {"prior_knowledge": self.learner.prior, "learning": self.learner.learn,
                            "memory": self.learner.memory, "slip": self.learner.slip,
                            "elimination": self.learner.elimination, "recognition": self.learner.recognition,
                            "estimated": True},
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
    recognition: np.ndarray
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
    axes = [PRIOR, LEARN, MEMORY, SLIP, ELIMINATION, decays, GROWTH, RECOGNITION]
    points = list(product(*(range(len(values)) for values, _ in axes)))
    columns = []
    log_weight = np.zeros(len(points))
    for a, (values, weights) in enumerate(axes):
        idx = np.array([p[a] for p in points])
        columns.append(np.asarray(values, dtype=float)[idx])
        w = np.asarray(weights, dtype=float)
        log_weight += np.log(w / w.sum())[idx]
    return Grid(*columns, log_weight)


# ---------------------------------------------------------------- many cards' evidence as arrays
@dataclass(frozen=True)
class Evidence:
    """The evidence of many cards at once, as arrays (what the forecast computes on): card i
    has key ``keys[i]``, name ``names[i]`` and ``choices[i]`` choices; its answers are rows
    ``start[i]:start[i + 1]`` of the answer columns, oldest first (the fields of ``Answer``;
    ``exam``: the answer was given in an exam). ``if_right`` / ``if_wrong``: the card's FSRS
    stability if reviewed now and answered right / wrong (NaN: unknown)."""

    keys: np.ndarray
    names: Sequence[str]
    choices: np.ndarray
    start: np.ndarray
    at: np.ndarray
    correct: np.ndarray
    guess: np.ndarray
    stability: np.ndarray
    exam: np.ndarray
    if_right: np.ndarray
    if_wrong: np.ndarray

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def counts(self) -> np.ndarray:
        """Answers per card."""
        return np.diff(self.start)

    def take(self, index: np.ndarray) -> "Evidence":
        """The cards at ``index``, in that order."""
        index = np.asarray(index, dtype=np.int64)
        counts = self.counts[index]
        start = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(counts, out=start[1:])
        rows = np.repeat(self.start[:-1][index] - start[:-1], counts) + np.arange(start[-1])
        return Evidence(self.keys[index], [self.names[i] for i in index.tolist()], self.choices[index], start,
                        self.at[rows], self.correct[rows], self.guess[rows], self.stability[rows], self.exam[rows],
                        self.if_right[index], self.if_wrong[index])

    @classmethod
    def of(cls, cards: Sequence[CardEvidence]) -> "Evidence":
        answers = [a for c in cards for a in c.answers]
        start = np.zeros(len(cards) + 1, dtype=np.int64)
        np.cumsum([len(c.answers) for c in cards], out=start[1:])

        def column(values, dtype=float):
            return np.array(list(values), dtype=dtype)

        def unknown(x):
            return x or np.nan

        return cls(column((c.key for c in cards), np.int64), [c.name for c in cards],
                   column((c.choices for c in cards), np.int64), start, column(a.at for a in answers),
                   column((a.correct for a in answers), bool), column(a.guess for a in answers),
                   column(a.stability for a in answers), column((a.source == "exam" for a in answers), bool),
                   column(unknown(c.stability_if_right) for c in cards),
                   column(unknown(c.stability_if_wrong) for c in cards))

    def records(self) -> list[CardEvidence]:
        """The same evidence as one record per card."""
        at, correct, guess = self.at.tolist(), self.correct.tolist(), self.guess.tolist()
        stability, exam, start = self.stability.tolist(), self.exam.tolist(), self.start.tolist()
        answers = [Answer(at[r], correct[r], guess[r], stability[r], "exam" if exam[r] else "review")
                   for r in range(len(at))]

        def known(x):
            return None if math.isnan(x) else x

        return [CardEvidence(key, name, choices, tuple(answers[start[i]:start[i + 1]]), known(right), known(wrong))
                for i, (key, name, choices, right, wrong) in enumerate(zip(
                    self.keys.tolist(), self.names, self.choices.tolist(), self.if_right.tolist(),
                    self.if_wrong.tolist()))]


def _evidence(cards: Evidence | Sequence[CardEvidence]) -> Evidence:
    return cards if isinstance(cards, Evidence) else Evidence.of(cards)


# ---------------------------------------------------------------- filtering the answers
@dataclass
class _Filtered:
    loglik: np.ndarray            # (G,) summed over the cards
    known_now: np.ndarray | None  # (C, G) P(K) now (None: only the likelihood was asked for)
    known_on: np.ndarray | None   # (C, G) P(K) on the exam date
    last_at: np.ndarray           # (C,) time of the last answer (nan: none)
    last_stability: np.ndarray    # (C,)
    #: with weights: every exam answer's chance before it was given (over the weighted
    #: grid), whether it was right and when: (predicted, right, at) columns
    exam_predicted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _kept_memory(days: np.ndarray, stability: np.ndarray, grid: Grid) -> np.ndarray:
    """P(a known answer is still known after ``days``) per card (rows) and distinct memory of
    the grid (``grid.memories``): a few dozen columns, spread to the grid points by the caller."""
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


def _survival(days: np.ndarray, stability: np.ndarray, grid: Grid) -> np.ndarray:
    """P(a known answer is still known after ``days``) per card (rows) and grid point."""
    return _kept_memory(days, stability, grid)[:, grid.memories[1]]


def _guess(base: np.ndarray, elimination: np.ndarray) -> np.ndarray:
    """Guessing chance per card and grid point: elimination raises only multiple-choice guesses."""
    mc = base > RECALL_GUESS
    return np.where(mc, base + elimination * (1.0 - base), base)


def _log_sum(likelihoods: np.ndarray) -> np.ndarray:
    """Σ log over the rows (cards) of ``likelihoods``, per column: the logarithm of the
    product of ``LOG_GROUP`` rows at a time (a logarithm costs as much as ~40 products). An
    answer's likelihood is at least the smallest slip or guessing chance of the grid (0.02), so a
    product of 16 stays far above the smallest float; the sum differs from one logarithm per
    answer by rounding only (~1e-16 relative)."""
    rows, columns = likelihoods.shape
    whole = rows - rows % LOG_GROUP
    total = np.log(likelihoods[whole:]).sum(axis=0)
    if whole:
        total += np.log(likelihoods[:whole].reshape(-1, LOG_GROUP, columns).prod(axis=1)).sum(axis=0)
    return total


def _filter(cards: Evidence | Sequence[CardEvidence], grid: Grid, now: float, on: float,
            predict: bool = True, weights: np.ndarray | None = None) -> _Filtered:
    """Every card's answers filtered forward under every grid point: the summed likelihood
    and (with ``predict``) P(K) now and on the exam date per card and grid point; with
    ``weights`` (one per grid point, summing to 1) also each exam answer's chance before it
    was given, over those weights."""
    ev = _evidence(cards)
    # cards with the most answers first: at answer j only the first ``n`` rows have one, so each
    # round works on a prefix (the results are put back in the callers' order). A card's last
    # ``MAX_ANSWERS`` answers only: the cost must not grow with one card's (a frozen-clock session)
    counts = np.minimum(ev.counts, MAX_ANSWERS)
    skipped = ev.counts - counts
    order = np.argsort(-counts, kind="stable")
    sorted_counts = counts[order]
    n_cards, g = len(ev), len(grid)
    rounds = int(sorted_counts[0]) if n_cards else 0
    width = max(rounds, 1)
    at = np.full((n_cards, width), np.nan)
    right = np.zeros((n_cards, width), dtype=bool)
    base = np.full((n_cards, width), 0.25)
    stab = np.ones((n_cards, width))
    exam = np.zeros((n_cards, width), dtype=bool)
    total_answers = int(counts.sum())
    if total_answers:
        row = np.repeat(np.arange(n_cards), sorted_counts)
        first = np.zeros(n_cards + 1, dtype=np.int64)
        np.cumsum(sorted_counts, out=first[1:])
        col = np.arange(total_answers) - np.repeat(first[:-1], sorted_counts)
        src = np.repeat(ev.start[:-1][order] + skipped[order], sorted_counts) + col
        at[row, col] = ev.at[src]
        right[row, col] = ev.correct[src]
        base[row, col] = np.maximum(ev.guess[src], RECALL_GUESS)
        stab[row, col] = ev.stability[src]
        exam[row, col] = ev.exam[src]
    slip, learn = grid.slip[None, :], grid.learn[None, :]
    # the two likelihoods of an answer as rows to pick from: known (by right/wrong) and not
    # known (by right/wrong and guessing chance)
    like_known = np.stack([slip[0], 1.0 - slip[0]])
    bases = np.unique(base)
    which = np.searchsorted(bases, base)                     # each answer's among the few distinct
    gs = _guess(bases[:, None], grid.elimination[None, :])
    like_unknown = np.concatenate([1.0 - gs, gs])           # row b: wrong, row len(bases) + b: right
    # a review of a card seen before: recognising the same choices raises a multiple-choice guess
    gs_seen = np.where((bases > RECALL_GUESS)[:, None], gs + grid.recognition[None, :] * (1.0 - gs), gs)
    like_seen = np.concatenate([1.0 - gs_seen, gs_seen])
    predicted: list[np.ndarray] = []
    predicted_right: list[np.ndarray] = []
    predicted_at: list[np.ndarray] = []
    _, spread = grid.memories
    # a grid by memory (``posterior`` sorts it so), in blocks of one size: forgetting multiplies
    # each block by its memory's column, no column spread to every point
    distinct = int(spread.max()) + 1 if g else 1
    blocks = g % distinct == 0 and np.array_equal(spread, np.repeat(np.arange(distinct), g // distinct))
    known = np.empty((n_cards, g))
    known[:] = grid.prior[None, :]
    loglik = np.zeros(g)
    last_at = np.full(n_cards, np.nan)
    last_s = np.ones(n_cards)
    for j in range(rounds):
        n = int(np.count_nonzero(sorted_counts > j))  # the cards with a (j+1)-th answer: a prefix
        k = known[:n]
        if j:  # every card of the prefix has an earlier answer: what it knew then fades
            days = (at[:n, j] - last_at[:n]) / DAY
            fade = _kept_memory(days[:, None], last_s[:n, None], grid)
            if blocks:
                by_block = k.reshape(n, distinct, -1)
                by_block *= fade[:, :, None]
            else:
                k *= fade[:, spread]
        y = right[:n, j]
        in_exam = exam[:n, j]
        pick = which[:n, j] + y * len(bases)
        if weights is not None and in_exam.any():  # the exam answers' chances before them
            rows = np.flatnonzero(in_exam)
            g_rows = gs[which[rows, j]]
            before = k[rows] * (1.0 - slip) + (1.0 - k[rows]) * g_rows
            predicted.append(before @ weights)
            predicted_right.append(y[rows])
            predicted_at.append(at[rows, j])
        if not j or in_exam.all():
            like_u = like_unknown[pick]
        elif not in_exam.any():
            like_u = like_seen[pick]
        else:
            like_u = np.where(in_exam[:, None], like_unknown[pick], like_seen[pick])
        like_k = like_known[y.view(np.int8)]
        like_k *= k                                          # k·P(answer | K)
        np.subtract(1.0, k, out=k)
        k *= like_u                                          # (1 − k)·P(answer | U)
        total = like_u
        np.add(like_k, k, out=total)
        np.divide(like_k, total, out=k)                      # P(K | answer)
        np.subtract(1.0, k, out=like_k)
        like_k *= learn
        if in_exam.any():
            like_k *= np.where(in_exam, EXAM_LEARN, 1.0)[:, None]
        k += like_k                                          # then shown the answer: maybe learned
        loglik += _log_sum(total)
        last_at[:n] = at[:n, j]
        last_s[:n] = stab[:n, j]
    back = np.empty_like(order)
    back[order] = np.arange(len(order))  # sorted row of each card in the callers' order
    exam_predicted = None
    if weights is not None:
        exam_predicted = (np.concatenate(predicted) if predicted else np.zeros(0),
                          np.concatenate(predicted_right) if predicted else np.zeros(0, bool),
                          np.concatenate(predicted_at) if predicted else np.zeros(0))
    if not predict:
        return _Filtered(loglik, None, None, last_at[back], last_s[back], exam_predicted)
    seen = ~np.isnan(last_at)
    since = np.nan_to_num(last_at)
    keep_now = _survival(((now - since) / DAY)[:, None], last_s[:, None], grid)
    keep_on = _survival(((on - since) / DAY)[:, None], last_s[:, None], grid)
    known_now = np.where(seen[:, None], known * keep_now, known)
    known_on = np.where(seen[:, None], known * keep_on, known)
    return _Filtered(loglik, known_now[back], known_on[back], last_at[back], last_s[back], exam_predicted)


def _chance(known: np.ndarray, choices: np.ndarray, grid: Grid) -> np.ndarray:
    """P(right) of a multiple-choice question per card and grid point."""
    g = _guess((1.0 / choices)[:, None], grid.elimination[None, :])
    return known * (1.0 - grid.slip[None, :]) + (1.0 - known) * g


def _sample(ev: Evidence) -> np.ndarray:
    """The answered cards whose answers fit the posterior: all of them, or when there are
    more than ``FIT_CARDS``, every card answered in an exam (what the exam's conditions say
    must count) and then a fixed sample (by a hash of the key) up to ``FIT_CARDS``."""
    answered = np.flatnonzero(ev.counts > 0)
    if len(answered) > FIT_CARDS:
        in_exam = np.zeros(len(ev), dtype=bool)
        in_exam[np.repeat(np.arange(len(ev)), ev.counts)[ev.exam]] = True
        spread = (ev.keys[answered].astype(np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
        by_hash = answered[np.argsort(spread, kind="stable")]
        first = by_hash[in_exam[by_hash]]
        rest = by_hash[~in_exam[by_hash]][:max(0, FIT_CARDS - len(first))]
        answered = np.sort(np.concatenate([first, rest]))
    return answered


def posterior(cards: Evidence | Sequence[CardEvidence], grid: Grid, now: float) -> np.ndarray:
    """Normalised posterior weights of the grid points given every card's answers (a fixed
    sample of ``FIT_CARDS`` answered cards when there are more)."""
    ev = _evidence(cards)
    answered = _sample(ev)
    log_post = grid.log_weight.copy()
    by_memory = np.argsort(grid.memories[1], kind="stable")  # the same points, each memory's together
    ordered = grid.take(by_memory)
    step = max(1, FIT_CHUNK // max(len(grid), 1))
    for start in range(0, len(answered), step):
        log_post[by_memory] += TEMPER * _filter(ev.take(answered[start:start + step]), ordered, now, now,
                                                predict=False).loglik
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


def _binomials(means: np.ndarray, n: int) -> np.ndarray:
    """(G, n + 1): Binomial(n, mean) per grid point."""
    j = np.arange(n + 1)
    log_comb = np.array([math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1) for x in j])
    p = np.clip(means, 1e-12, 1 - 1e-12)[:, None]
    return np.exp(log_comb[None, :] + j[None, :] * np.log(p) + (n - j)[None, :] * np.log1p(-p))


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
    know now holds, and the exams' trend beyond the reviews goes on: ``srs.forecast_drift``)."""
    ev = _evidence(cards)
    if not np.all(ev.choices >= 2):
        ev = ev.take(np.flatnonzero(ev.choices >= 2))
    if not len(ev):
        raise ValueError("no multiple-choice cards")
    m = len(ev)
    n = min(questions or m, m)
    t_now, t_on = now.timestamp(), max(on.timestamp(), now.timestamp())
    grid = full_grid(float(parameters[20]))
    weights = posterior(ev, grid, t_now)
    kept = _kept(weights, m)
    used = float(weights[kept].sum())
    sub, w = grid.take(kept), weights[kept] / used
    choices = ev.choices.astype(float)
    p_on = np.zeros((m, len(sub)))
    p_now = np.zeros((m, len(sub)))
    p_review = np.full((m, len(sub)), np.nan)
    exam_pred: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    step = max(CHUNK, PREDICT_CHUNK // len(sub))
    for start in range(0, m, step):
        part = slice(start, start + step)
        f = _filter(ev if step >= m else ev.take(np.arange(start, min(m, start + step))), sub, t_now, t_on,
                    weights=w)
        exam_pred.append(f.exam_predicted)
        p_on[part] = _chance(f.known_on, choices[part], sub)
        p_now[part] = _chance(f.known_now, choices[part], sub)
        if value:
            p_review[part] = _if_reviewed(ev.if_right[part], ev.if_wrong[part], f.known_now, choices[part], sub,
                                          t_now, t_on)
    predicted, right_e, at_e = (np.concatenate(c) for c in zip(*exam_pred))
    drift = fit_drift(predicted, right_e, (at_e - t_now) / DAY, len(np.unique(ev.at[ev.exam])))
    # the score distribution: exact per grid point (and offset node) where affordable
    method = "exact: Poisson-binomial per learner level" if n == m else "exact: every draw alike, per learner level"
    if n * 20 <= m:
        method = (f"per learner level, {n} of {m} cards taken as independent picks at the mean chance "
                  f"(binomial; within about {n / m:.2%} of the exact draw)")
    if used < 1 - 1e-9:
        method += f" ({used:.2%} of the posterior's weight used)"
    stop_nodes = offset_nodes(*drift.at(0.0))
    cost = (n + 1 if n * 20 <= m else m * (n + 1) * (1 if n == m else n + 1)) * len(stop_nodes)
    order = np.arange(len(sub))
    if cost * len(order) > EXACT_WORK:
        fit = max(1, EXACT_WORK // cost)
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
    if value and m <= 5000:
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
    learner = Learner(*(float(getattr(sub, f) @ w) for f in ("prior", "learn", "memory", "slip", "elimination",
                                                              "decay", "growth", "recognition")), grid_points=len(sub))
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
            dist += nw * (ww @ _binomials(moved[:, order].mean(axis=0), n))
        elif len(order):
            ww = w[order] / w[order].sum()
            dist += nw * (ww @ score_distributions(moved[:, order], n))
        else:
            dist += nw * (w @ _normal_distributions(moved, n))
    dist = np.clip(dist, 0.0, None)
    dist /= dist.sum()
    low, high = _interval(dist)
    return Scenario(float(dist[k:].sum()), float((np.arange(n + 1) * dist).sum() / n), (low / n, high / n),
                    list(map(float, dist)))


def _if_reviewed(s_right: np.ndarray, s_wrong: np.ndarray, known_now: np.ndarray, choices: np.ndarray,
                 grid: Grid, now: float, on: float) -> np.ndarray:
    """P(right on the exam date) if each card were reviewed once now: right (with its
    chance now) or wrong, then shown the answer, then kept with its FSRS stability after
    that review (``s_right`` / ``s_wrong``, NaN: unknown)."""
    slip, learn = grid.slip[None, :], grid.learn[None, :]
    g = _guess((1.0 / choices)[:, None], grid.elimination[None, :])
    p_right = known_now * (1.0 - slip) + (1.0 - known_now) * g
    after_right = known_now * (1.0 - slip) / p_right
    after_wrong = known_now * slip / (1.0 - p_right)
    days = (on - now) / DAY
    out = np.zeros_like(known_now)
    for branch, post, stability in ((p_right, after_right, s_right), (1.0 - p_right, after_wrong, s_wrong)):
        learned = post + (1.0 - post) * learn
        keep = _survival(np.full((len(known_now), 1), days), np.nan_to_num(stability, nan=1.0)[:, None], grid)
        out += branch * (learned * keep * (1.0 - slip) + (1.0 - learned * keep) * g)
    out[np.isnan(s_right) | np.isnan(s_wrong)] = np.nan
    return out


# ---------------------------------------------------------------- evidence from the store's rows
def evidence(cards: Sequence, reviews: Sequence[tuple[int, float, int, str, float | None, bool | None]],
             exam_answers: Sequence[tuple[int, float, bool]], parameters: Sequence[float],
             if_reviewed: dict[int, tuple[float, float]] | None = None) -> list[CardEvidence]:
    """Each card's answers, oldest first, from the store's rows:
    - ``cards``: ``ExamCard`` records (key, name, choices);
    - ``reviews``: (card key, epoch seconds, rating, source, FSRS stability after, right
      letter? or None), every review-log entry; those of source "exam" only carry the
      stability (the exam's own answers come from ``exam_answers``, which also hold attempts
      taken with --no-schedule);
    - ``exam_answers``: (card key, epoch seconds the attempt ended, right?) for every
      answered exam question.
    A review is right or wrong by what was answered where the log holds it (a right letter
    rated Again is right), else by its rating (``srs.rules.answered_right``); an answer in
    review of a multiple-choice card is a choice among its k choices, like an exam answer.
    (``evidence_columns`` on the same rows as arrays.)"""
    code = np.array([review_code(k, r, int(answered_right(r, c)), int(s == "exam")) for k, _, r, s, _, c in reviews],
                    dtype=np.int64)
    at = np.array([t for _, t, *_ in reviews], dtype=float)
    stability = np.array([np.nan if s is None else s for *_, s, _ in reviews], dtype=float)
    exam = (np.array([k for k, _, _ in exam_answers], dtype=np.int64),
            np.array([t for _, t, _ in exam_answers], dtype=float),
            np.array([c for _, _, c in exam_answers], dtype=bool))
    return evidence_columns(cards, (code, at, stability), exam, parameters, if_reviewed).records()


def evidence_columns(cards: Sequence, reviews: tuple[np.ndarray, np.ndarray, np.ndarray],
                     exam_answers: tuple[np.ndarray, np.ndarray, np.ndarray], parameters: Sequence[float],
                     if_reviewed: dict[int, tuple[float, float]] | None = None) -> Evidence:
    """``evidence`` on the store's columns (``forecast_columns``): the review log as (code =
    ``srs.rules.review_code``, epoch seconds, stability after or NaN), the
    exam answers as (card key, epoch seconds, right?). Each card's answers in time order, an
    exam answer before a review at the same second, else in the rows' order; each answer
    takes the card's latest stability logged up to a second after it (FSRS's first
    stability for Good or Again when none is)."""
    keys = np.array([c.key for c in cards], dtype=np.int64)
    choices = np.array([c.choices for c in cards], dtype=np.int64)
    names = [c.name for c in cards]
    code, at_r, stab_r = reviews
    key_e, at_e, right_e = exam_answers
    sorter = np.argsort(keys, kind="stable")

    runs = len(keys) and keys[-1] - keys[0] == len(keys) - 1 and bool(np.all(np.diff(keys) == 1))

    def card_of(k: np.ndarray) -> np.ndarray:
        """Each key's card index (-1: not one of ``cards``)."""
        if not len(keys):
            return np.full(len(k), -1)
        if runs:  # keys lo, lo + 1, ... in order (a deck imported at once): the index is the offset
            offset = k - keys[0]
            return np.where((offset >= 0) & (offset < len(keys)), offset, -1)
        pos = np.minimum(np.searchsorted(keys[sorter], k), len(keys) - 1)
        return np.where(keys[sorter][pos] == k, sorter[pos], -1)

    card_r, card_e = card_of(code_key(code)), card_of(key_e)
    right_r, from_exam = code_right(code).astype(bool), code_exam(code).astype(bool)
    # the answers: reviews not from an exam, then the exam answers
    answer_r = (card_r >= 0) & ~from_exam
    mine_e = card_e >= 0
    card = np.concatenate([card_r[answer_r], card_e[mine_e]])
    at = np.concatenate([at_r[answer_r], at_e[mine_e]])
    correct = np.concatenate([right_r[answer_r], right_e[mine_e]])
    exam = np.concatenate([np.zeros(int(answer_r.sum()), bool), np.ones(int(mine_e.sum()), bool)])
    k = choices[card].astype(float)
    guess = np.where(exam, 1.0 / np.maximum(k, 1.0), np.where(k >= 2, 1.0 / np.maximum(k, 1.0), 0.0))
    step_card, step_at = np.diff(card), np.diff(at)
    if mine_e.any() or np.any(step_card < 0) or np.any((step_card == 0) & (step_at < 0)):
        order = np.lexsort((np.arange(len(card)), ~exam, at, card))
        card, at, correct, exam, guess = card[order], at[order], correct[order], exam[order], guess[order]
        in_order = False
    else:  # reviews only, already by card and time (the store's order): keep it
        in_order = True
    # each answer's stability: the card's last logged one (in time, then value order) at most
    # a second after it
    logged = (card_r >= 0) & ~np.isnan(stab_r)
    s_card, s_at, s_value = card_r[logged], at_r[logged], stab_r[logged]
    ties = (np.diff(s_card) == 0) & (np.diff(s_at) <= 0)
    if np.any(np.diff(s_card) < 0) or ties.any():
        by = np.lexsort((s_value, s_at, s_card))
        s_card, s_at, s_value = s_card[by], s_at[by], s_value[by]
        in_order = False
    if in_order and not mine_e.any() and np.array_equal(logged, answer_r) and not np.any(
            (np.diff(card) == 0) & (at[1:] <= at[:-1] + 1.0)):
        # the common case: the answers are the logged rows themselves, in the same order, and
        # no card has another one within a second: each answer's own
        stability = np.maximum(s_value, 0.01)
    else:
        # count the logged ones up to a second after each answer, by card and time: times as
        # ranks among the logged ones, so that (card, time) is one exact integer
        moments, rank = np.unique(s_at, return_inverse=True)
        span = len(moments) + 1
        logged_at = s_card * span + rank.reshape(-1)
        up_to = np.searchsorted(moments, at + 1.0, side="right") - 1  # rank of the last moment <= at + 1
        seen = np.searchsorted(logged_at, card * span + up_to, side="right")
        first_logged = np.searchsorted(s_card, card)               # logged ones of the cards before
        has = seen > first_logged
        w = parameters
        stability = np.where(correct, float(w[2]), float(w[0]))
        stability[has] = s_value[seen[has] - 1]
        stability = np.maximum(stability, 0.01)
    start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(card, minlength=len(keys)), out=start[1:])
    if_right, if_wrong = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    if if_reviewed:
        if_right[:] = [if_reviewed.get(key, (None, None))[0] or np.nan for key in keys.tolist()]
        if_wrong[:] = [if_reviewed.get(key, (None, None))[1] or np.nan for key in keys.tolist()]
    return Evidence(keys, names, choices, start, at, correct, guess, stability, exam, if_right, if_wrong)


# ---------------------------------------------------------------- from the store
VALUE_UP_TO = 2000   # cards: above, the value of a review is not computed


def assess(store, settings, deck_id: str, on: datetime, now: datetime, value: bool = True) -> Forecast:
    """The forecast for the learner of ``store`` on deck ``deck_id`` (its exam settings),
    for an exam at ``on``, from everything they answered up to ``now``."""
    from srs.model import AGAIN, GOOD
    from srs.scheduler import make_scheduler, rate

    deck = store.deck(deck_id)
    cards = [c for c in store.exam_cards(deck_id, memory=False) if c.choices >= 2]
    if deck is None or not cards:
        raise ValueError(f"deck {deck_id!r} has no multiple-choice cards")
    scheduler = make_scheduler(settings, fuzz=False)
    reviews, exam_answers = store.forecast_columns(deck_id, [c.key for c in cards])
    after: dict[int, tuple[float, float]] = {}
    if value and len(cards) <= VALUE_UP_TO:  # a small deck: its memory states too
        # the scheduler has no fuzz here, so a state's answer does not depend on the card: one
        # computation per distinct memory state (a deck's new cards all share one)
        seen: dict[tuple, tuple[float, float]] = {}
        for card in store.exam_cards(deck_id):
            state = (card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)
            if state not in seen:
                memory = card.memory()
                seen[state] = (rate(scheduler, card.key, memory, GOOD, now).stability,
                               rate(scheduler, card.key, memory, AGAIN, now).stability)
            after[card.key] = seen[state]
    found = evidence_columns(cards, reviews, exam_answers, scheduler.parameters, after)
    return forecast(found, deck.exam_questions, deck.exam_pass_mark, on, now, deck_id, scheduler.parameters,
                    value=value and bool(after))


def chances_now(store, settings, deck_id: str, now: datetime) -> dict[int, float]:
    """Each multiple-choice card's chance of a right answer now (card key -> chance), as the
    forecast has it (for a "chance now" column); empty when the deck has none."""
    try:
        found = assess(store, settings, deck_id, now, now, value=False)
    except ValueError:
        return {}
    return {q.key: q.p_now for q in found.cards}


@dataclass(frozen=True)
class Outlook:
    """A deck's exam date (the ``exam_date`` setting), the days left, the chance of passing then."""

    exam_date: str | None = None
    days_left: int | None = None
    pass_probability: float | None = None
    no_mock: bool = False            # no exam answers yet: the chance is not a forecast ("?")


def outlook(store, settings, deck_id: str, now: datetime) -> Outlook:
    """The outlook of a deck with an ``exam_date`` setting (empty without one)."""
    from srs.clock import on_date

    if settings.exam_date is None:
        return Outlook()
    when = on_date(settings.exam_date, settings.day_starts_at, now)
    days = (when.date() - now.astimezone(when.tzinfo).date()).days
    try:
        found = assess(store, settings, deck_id, max(when, now), now, value=False)
    except ValueError:
        return Outlook(settings.exam_date, days)
    return Outlook(settings.exam_date, days, found.pass_probability, found.no_mock)


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


__all__ = ["Answer", "Bin", "CardChance", "CardEvidence", "Calibration", "Evidence", "Forecast", "Learner", "Outlook", "brier",
           "assess", "calibration", "chances_now", "evidence", "evidence_columns", "expected_calibration_error", "forecast", "log_loss", "outcomes", "outlook", "posterior",
           "score_distributions"]
