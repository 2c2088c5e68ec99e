"""The evidence the forecast reads: each card's answers (when, right or not, the chance of
guessing, the card's FSRS stability after it; in a review or an exam), as records
(``Answer``, ``CardEvidence``) or as columns for many cards at once (``Evidence``), built
from the store's rows (``evidence``, ``evidence_columns``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from srs.rules import answered_right, code_exam, code_key, code_right, review_code

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

    def take(self, index: np.ndarray) -> Evidence:
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
    def of(cls, cards: Sequence[CardEvidence]) -> Evidence:
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
                    self.if_wrong.tolist(), strict=True))]


def as_evidence(cards: Evidence | Sequence[CardEvidence]) -> Evidence:
    """``cards`` as columns (they may already be)."""
    return cards if isinstance(cards, Evidence) else Evidence.of(cards)



def evidence(cards: Sequence, reviews: Sequence[tuple[int, float, int, str, float | None, bool | None]],
             exam_answers: Sequence[tuple[int, float, bool]], parameters: Sequence[float],
             if_reviewed: dict[int, tuple[float | None, float | None]] | None = None) -> list[CardEvidence]:
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
                     if_reviewed: dict[int, tuple[float | None, float | None]] | None = None) -> Evidence:
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
    if np.any(step_card < 0) or np.any((step_card == 0) & (step_at < 0)):
        order = np.lexsort((np.arange(len(card)), ~exam, at, card))
    elif mine_e.any():
        # the reviews by card and time already: each exam answer goes among its card's (a sort
        # of the mocked cards' answers only, not of the whole log)
        order = np.argsort(card, kind="stable")
        mocked = np.zeros(len(keys), bool)
        mocked[card_e[mine_e]] = True
        place = np.flatnonzero(mocked[card[order]])
        rows = order[place]
        order[place] = rows[np.lexsort((rows, ~exam[rows], at[rows], card[rows]))]
    else:  # reviews only, already by card and time (the store's order): keep it
        order = None
    if order is not None:
        card, at, correct, exam, guess = card[order], at[order], correct[order], exam[order], guess[order]
    # each answer's stability: the card's last logged one (in time, then value order) at most
    # a second after it; a card's own where its answers are its logged rows, none within a
    # second of another (the rest, e.g. one answered many times in a frozen-clock session,
    # computed apart: the cost does not grow with one card's answers)
    logged = (card_r >= 0) & ~np.isnan(stab_r)
    s_card, s_at, s_value = card_r[logged], at_r[logged], stab_r[logged]
    if np.any(np.diff(s_card) < 0):
        by = np.argsort(s_card, kind="stable")
        s_card, s_at, s_value = s_card[by], s_at[by], s_value[by]
    own = np.ones(len(keys), bool)
    own[card_e[mine_e]] = False
    own[card_r[(card_r >= 0) & (answer_r != logged)]] = False
    own[card[1:][(np.diff(card) == 0) & (at[1:] <= at[:-1] + 1.0)]] = False
    mine, theirs = own[card], own[s_card]
    stability = np.empty(len(card))
    stability[mine] = s_value[theirs]
    if not mine.all():
        stability[~mine] = _latest_logged(card[~mine], at[~mine], correct[~mine], s_card[~theirs], s_at[~theirs],
                                          s_value[~theirs], parameters)
    stability = np.maximum(stability, 0.01)
    start = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(card, minlength=len(keys)), out=start[1:])
    if_right, if_wrong = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    if if_reviewed:
        if_right[:] = [if_reviewed.get(key, (None, None))[0] or np.nan for key in keys.tolist()]
        if_wrong[:] = [if_reviewed.get(key, (None, None))[1] or np.nan for key in keys.tolist()]
    return Evidence(keys, names, choices, start, at, correct, guess, stability, exam, if_right, if_wrong)


def _latest_logged(card: np.ndarray, at: np.ndarray, correct: np.ndarray, s_card: np.ndarray, s_at: np.ndarray,
                   s_value: np.ndarray, parameters: Sequence[float]) -> np.ndarray:
    """Each answer's stability: its card's last logged one (in time, then value order) at
    most a second after it, else FSRS's first for Good or Again. The answers by card and
    time; the logged ones (card, time, value) by card."""
    ties = (np.diff(s_card) == 0) & (np.diff(s_at) <= 0)
    if ties.any():
        by = np.lexsort((s_value, s_at, s_card))
        s_card, s_at, s_value = s_card[by], s_at[by], s_value[by]
    # count the logged ones up to a second after each answer, by card and time: times as
    # ranks among the logged ones, so that (card, time) is one exact integer
    moments, rank = np.unique(s_at, return_inverse=True)
    span = len(moments) + 1
    logged_at = s_card * span + rank.reshape(-1)
    up_to = np.searchsorted(moments, at + 1.0, side="right") - 1  # rank of the last moment <= at + 1
    seen = np.searchsorted(logged_at, card * span + up_to, side="right")
    first_logged = np.searchsorted(s_card, card)               # logged ones of the cards before
    has = seen > first_logged
    stability = np.where(correct, float(parameters[2]), float(parameters[0]))
    stability[has] = s_value[seen[has] - 1]
    return stability


__all__ = ["Answer", "CardEvidence", "Evidence", "as_evidence", "evidence", "evidence_columns"]
