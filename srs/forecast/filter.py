"""The filter: every card's answers run forward through the two-state model (knows / does
not) under every grid point at once, giving the likelihood of the answers and P(known) now
and on the exam date; and the learner posterior over the grid from those likelihoods.

One card under one grid point (what ``tests/test_forecast_oracle.py`` writes out as plain loops):
    before an answer, what was known fades with the time since the card's last answer
    (``grid.survival``, from that answer's stability); the answer is right with 1 − slip if
    known, with the guessing chance g if not (g raised by recognition in a review of a card
    seen before); Bayes' rule gives P(known | answer); then the right answer is shown and an
    unknown answer becomes known with ``learn`` (a quarter of it, ``EXAM_LEARN``, after an exam).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from srs.forecast.evidence import CardEvidence, Evidence, as_evidence
from srs.forecast.grid import DAY, EXAM_LEARN, RECALL_GUESS, Grid, guess, kept_memory, survival

#: The learner posterior's likelihood is raised to this power (a "tempered" or power
#: posterior). The model takes a learner's cards as independent given the grid point, which
#: real learners are not (topics known or forgotten together, a bad day): the product of
#: hundreds of answers' likelihoods would then be far more certain of the learner than the
#: answers warrant, and a single grid point would take all the weight. Tempering keeps the
#: posterior as wide as a likelihood of 85% as many independent answers would.
TEMPER = 0.85
KEEP_MASS = 0.9999         # posterior mass kept for the predictions of a large deck
KEEP_WORK = 300_000        # cards × grid points below which every grid point is kept
FIT_CARDS = 200            # cards whose answers fit the posterior (every mock's cards, then a fixed sample)
FIT_CHUNK = 125_000        # cards × grid points filtered at once to fit the posterior (half a MB: fits a cache)
LOG_GROUP = 16             # answers' likelihoods multiplied before a logarithm is taken
#: a card's answers filtered: its last this many (before them, what srs assumes of any card;
#: forgetting and learning leave older answers little say once a card has had this many)
MAX_ANSWERS = 64


@dataclass
class Filtered:
    loglik: np.ndarray            # (G,) summed over the cards
    known_now: np.ndarray | None  # (C, G) P(K) now (None: only the likelihood was asked for)
    known_on: np.ndarray | None   # (C, G) P(K) on the exam date
    last_at: np.ndarray           # (C,) time of the last answer (nan: none)
    last_stability: np.ndarray    # (C,)
    #: with weights: every exam answer's chance before it was given (over the weighted
    #: grid), whether it was right and when: (predicted, right, at) columns
    exam_predicted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None



def _log_sum(likelihoods: np.ndarray) -> np.ndarray:
    """Σ log over the rows (cards) of ``likelihoods``, per column: the logarithm of the
    product of ``LOG_GROUP`` rows at a time (a logarithm costs as much as ~40 products). An
    answer's likelihood is at least the smallest slip or guessing chance of the grid (0.02), so a
    product of 16 stays far above the smallest float; the sum differs from one logarithm per
    answer by rounding only (~1e-16 relative)."""
    rows, columns = likelihoods.shape
    whole = rows - rows % LOG_GROUP
    total = np.log(likelihoods[whole:]).sum(axis=0, dtype=np.float64)
    if whole:
        total += np.log(likelihoods[:whole].reshape(-1, LOG_GROUP, columns).prod(axis=1)).sum(axis=0, dtype=np.float64)
    return total


def filter_answers(cards: Evidence | Sequence[CardEvidence], grid: Grid, now: float, on: float,
                   predict: bool = True, weights: np.ndarray | None = None, dtype: DTypeLike = np.float64) -> Filtered:
    """Every card's answers filtered forward under every grid point: the summed likelihood
    and (with ``predict``) P(K) now and on the exam date per card and grid point; with
    ``weights`` (one per grid point, summing to 1) also each exam answer's chance before it
    was given, over those weights. ``dtype``: the filter's precision (the posterior's fit
    runs in single precision: half the memory traffic; each card's likelihood is still summed
    in double)."""
    ev = as_evidence(cards)
    # cards with the most answers first: at answer j only the first ``n`` rows have one, so each
    # round works on a prefix (the results are put back in the callers' order). A card's last
    # ``MAX_ANSWERS`` answers only: the cost must not grow with one card's (a frozen-clock session)
    counts = np.minimum(ev.counts, MAX_ANSWERS)
    skipped = ev.counts - counts
    order = np.argsort(-counts, kind="stable")
    sorted_counts = counts[order]
    n_cards, g = len(ev), len(grid)
    rounds = int(sorted_counts[0]) if n_cards else 0
    # the answers round by round: round j holds the (j+1)-th answer of the first ``per_round[j]``
    # cards (a prefix), at ``round_start[j]`` on; memory and work grow with the answers, not
    # with the cards × the most answers one card has
    per_round = np.bincount(sorted_counts, minlength=rounds + 1)[::-1].cumsum()[::-1][1:]
    round_start = np.zeros(rounds + 1, dtype=np.int64)
    np.cumsum(per_round, out=round_start[1:])
    total_answers = int(counts.sum())
    row = np.repeat(np.arange(n_cards), sorted_counts)
    first = np.zeros(n_cards + 1, dtype=np.int64)
    np.cumsum(sorted_counts, out=first[1:])
    col = np.arange(total_answers) - np.repeat(first[:-1], sorted_counts)
    src = np.empty(total_answers, dtype=np.int64)
    src[round_start[col] + row] = np.repeat(ev.start[:-1][order] + skipped[order], sorted_counts) + col
    at, right, stab, exam = ev.at[src], ev.correct[src], ev.stability[src], ev.exam[src]
    bases, which = np.unique(np.maximum(ev.guess[src], RECALL_GUESS), return_inverse=True)
    which = which.reshape(-1)
    slip, learn = grid.slip[None, :], grid.learn[None, :]
    # the two likelihoods of an answer as rows to pick from: known (by right/wrong) and not
    # known (by right/wrong and guessing chance)
    like_known = np.stack([slip[0], 1.0 - slip[0]]).astype(dtype)
    gs = guess(bases[:, None], grid.elimination[None, :])
    like_unknown = np.concatenate([1.0 - gs, gs]).astype(dtype)  # row b: wrong, row len(bases) + b: right
    # a review of a card seen before: recognising the same choices raises a multiple-choice guess
    gs_seen = np.where((bases > RECALL_GUESS)[:, None], gs + grid.recognition[None, :] * (1.0 - gs), gs)
    like_seen = np.concatenate([1.0 - gs_seen, gs_seen]).astype(dtype)
    predicted: list[np.ndarray] = []
    predicted_right: list[np.ndarray] = []
    predicted_at: list[np.ndarray] = []
    _, spread = grid.memories
    # a grid by memory (``posterior`` sorts it so), in blocks of one size: forgetting multiplies
    # each block by its memory's column, no column spread to every point
    distinct = int(spread.max()) + 1 if g else 1
    blocks = g % distinct == 0 and np.array_equal(spread, np.repeat(np.arange(distinct), g // distinct))
    known = np.empty((n_cards, g), dtype=dtype)
    known[:] = grid.prior[None, :]
    loglik = np.zeros(g)
    last_at = np.full(n_cards, np.nan)
    last_s = np.ones(n_cards)
    for j in range(rounds):
        n = int(per_round[j])  # the cards with a (j+1)-th answer: a prefix
        now_j = slice(int(round_start[j]), int(round_start[j]) + n)
        at_j, which_j = at[now_j], which[now_j]
        k = known[:n]
        if j:  # every card of the prefix has an earlier answer: what it knew then fades
            days = (at_j - last_at[:n]) / DAY
            fade = kept_memory(days[:, None], last_s[:n, None], grid)
            if blocks:
                by_block = k.reshape(n, distinct, -1)
                by_block *= fade[:, :, None]
            else:
                k *= fade[:, spread]
        y = right[now_j]
        in_exam = exam[now_j]
        pick = which_j + y * len(bases)
        if weights is not None and in_exam.any():  # the exam answers' chances before them
            rows = np.flatnonzero(in_exam)
            g_rows = gs[which_j[rows]]
            before = k[rows] * (1.0 - slip) + (1.0 - k[rows]) * g_rows
            predicted.append(before @ weights)
            predicted_right.append(y[rows])
            predicted_at.append(at_j[rows])
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
        last_at[:n] = at_j
        last_s[:n] = stab[now_j]
    back = np.empty_like(order)
    back[order] = np.arange(len(order))  # sorted row of each card in the callers' order
    exam_predicted = None
    if weights is not None:
        exam_predicted = (np.concatenate(predicted) if predicted else np.zeros(0),
                          np.concatenate(predicted_right) if predicted else np.zeros(0, bool),
                          np.concatenate(predicted_at) if predicted else np.zeros(0))
    if not predict:
        return Filtered(loglik, None, None, last_at[back], last_s[back], exam_predicted)
    seen = ~np.isnan(last_at)
    since = np.nan_to_num(last_at)
    keep_now = survival(((now - since) / DAY)[:, None], last_s[:, None], grid)
    keep_on = survival(((on - since) / DAY)[:, None], last_s[:, None], grid)
    known_now = np.where(seen[:, None], known * keep_now, known)
    known_on = np.where(seen[:, None], known * keep_on, known)
    return Filtered(loglik, known_now[back], known_on[back], last_at[back], last_s[back], exam_predicted)




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
    ev = as_evidence(cards)
    answered = _sample(ev)
    log_post = grid.log_weight.copy()
    by_memory = np.argsort(grid.memories[1], kind="stable")  # the same points, each memory's together
    ordered = grid.take(by_memory)
    step = max(1, FIT_CHUNK // max(len(grid), 1))
    for start in range(0, len(answered), step):
        log_post[by_memory] += TEMPER * filter_answers(ev.take(answered[start:start + step]), ordered, now, now,
                                                predict=False, dtype=np.float32).loglik
    log_post -= log_post.max()
    w = np.exp(log_post)
    return w / w.sum()


def kept(weights: np.ndarray, cards: int) -> np.ndarray:
    """The grid points the predictions use, heaviest first: all of them for a small deck;
    for a large one those holding ``KEEP_MASS`` of the posterior, at most what fits the
    work budget (the method then says how much of the posterior is used)."""
    order = np.argsort(-weights, kind="stable")
    if cards * len(weights) <= KEEP_WORK:
        return order
    cumulative = np.cumsum(weights[order])
    count = min(max(16, KEEP_WORK // cards), int(np.searchsorted(cumulative, KEEP_MASS)) + 1)
    return order[:count]


def if_reviewed(s_right: np.ndarray, s_wrong: np.ndarray, known_now: np.ndarray, choices: np.ndarray,
                 grid: Grid, now: float, on: float) -> np.ndarray:
    """P(right on the exam date) if each card were reviewed once now: right (with its
    chance now) or wrong, then shown the answer, then kept with its FSRS stability after
    that review (``s_right`` / ``s_wrong``, NaN: unknown)."""
    slip, learn = grid.slip[None, :], grid.learn[None, :]
    g = guess((1.0 / choices)[:, None], grid.elimination[None, :])
    p_right = known_now * (1.0 - slip) + (1.0 - known_now) * g
    after_right = known_now * (1.0 - slip) / p_right
    after_wrong = known_now * slip / (1.0 - p_right)
    days = (on - now) / DAY
    out = np.zeros_like(known_now)
    for branch, post, stability in ((p_right, after_right, s_right), (1.0 - p_right, after_wrong, s_wrong)):
        learned = post + (1.0 - post) * learn
        keep = survival(np.full((len(known_now), 1), days), np.nan_to_num(stability, nan=1.0)[:, None], grid)
        out += branch * (learned * keep * (1.0 - slip) + (1.0 - learned * keep) * g)
    out[np.isnan(s_right) | np.isnan(s_wrong)] = np.nan
    return out



__all__ = ["FIT_CARDS", "MAX_ANSWERS", "TEMPER", "Filtered", "filter_answers", "if_reviewed", "kept", "posterior"]
