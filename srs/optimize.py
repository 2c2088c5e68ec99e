"""Fitting FSRS parameters to a learner's own reviews with fsrs-rs-python (no torch).

The data
    The learner's answers card by card in time order, as (card key, rating, learner day,
    source) -- ``Store.review_history``, which numbers days in the learner's own calendar
    (their UTC offset, the day starting at ``day_starts_at``), so the days between two
    answers are the day boundaries crossed, as Anki counts them for fsrs-rs.

The items (what fsrs-rs expects, and how Anki builds them)
    Each answer on a later day than the card's previous answer is one ``FSRSItem``: the
    card's whole history up to and including it, each entry (rating, whole days since the
    previous entry), 0 for the first entry and for answers on the same day. Same-day
    answers (learning steps, relearning) stay in the histories -- FSRS-6's short-term
    terms use them -- but are never predicted. Answers given in ``srs exam`` stay in the
    histories too (they refreshed the memory, and the scheduler counted them as Good or
    Again) but are not predicted either: a right letter there may be a guess, and the
    learner rated nothing.

The judgement
    Cards, not items, are shuffled with a seeded generator and a fifth of them held out, so
    no card's history is on both sides. fsrs-rs fits on the rest; both the current and the
    fitted parameters are then scored on the held-out items only (``FSRS.evaluate``: log
    loss and RMSE over bins). The fitted ones are kept only if their held-out log loss is
    lower and the ``fsrs`` scheduler accepts them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypedDict

from srs.collector import collector_paused

MIN_ITEMS = 400     # usable reviews (items) needed before a fit means anything
MIN_HELD_OUT = 50   # of which held out


@dataclass(frozen=True)
class Fit:
    items: int
    train_items: int
    test_items: int
    before: tuple[float, float] | None  # (log loss, RMSE bins) of the current parameters, held out
    after: tuple[float, float] | None   # the same for the fitted ones
    parameters: list[float] | None      # the fitted parameters (kept or not)
    kept: bool
    message: str


def items_by_card(history: Iterable[tuple[int, int, int, str]]) -> dict[int, list]:
    """FSRS items per card from (card key, rating, day, source) rows, by card then time.

    One pass: each card's history so far is one growing list, and an item is made from it
    as it stands (``FSRSItem`` copies what it is given into Rust, so nothing is copied in
    Python). Reviews are made once per (rating, days) pair and shared the same way."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items: dict[int, list] = {}
    made: dict[tuple[int, int], object] = {}
    reviews: list = []
    card_items: list = []
    last_key: int | None = None
    last_day = 0
    for key, rating, day, source in history:
        if key != last_key:
            reviews, card_items, last_key, last_day = [], [], key, day
        delta = day - last_day
        last_day = day
        review = made.get((rating, delta))
        if review is None:
            review = made[rating, delta] = FSRSReview(rating, delta)
        reviews.append(review)
        if delta > 0 and source == "review" and len(reviews) > 1:
            if not card_items:
                items[key] = card_items
            card_items.append(FSRSItem(reviews))
    return items



def split(by_card: dict[int, list], seed: int, held_out: float) -> tuple[list, list]:
    """(training items, held-out items): whole cards, drawn with a seeded generator."""
    keys = sorted(by_card)
    random.Random(seed).shuffle(keys)
    cut = max(1, round(len(keys) * held_out)) if keys else 0
    return ([item for key in keys[cut:] for item in by_card[key]],
            [item for key in keys[:cut] for item in by_card[key]])


def fit(history: Iterable[tuple[int, int, int, str]], current: list[float], seed: int = 42,
        held_out: float = 0.2) -> Fit:
    """Fit FSRS parameters to a learner's answers and judge them against ``current`` on
    held-out cards (see the module's docstring)."""
    from fsrs import Scheduler
    from fsrs_rs_python import DEFAULT_PARAMETERS, FSRS

    with collector_paused():
        train, test = split(items_by_card(history), seed, held_out)
    total = len(train) + len(test)
    if total < MIN_ITEMS or len(test) < MIN_HELD_OUT:
        return Fit(total, len(train), len(test), None, None, None, False,
                   f"too few reviews to fit: {total} usable reviews (answers on a later day than the card's "
                   f"previous answer, {len(test)} of them held out); at least {MIN_ITEMS} are needed. "
                   "Keep reviewing and try again; the current parameters stay.")
    try:
        before = FSRS(list(current)).evaluate(test)
        fitted = [float(x) for x in FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(train)]
        after = FSRS(fitted).evaluate(test)
    except BaseException as exc:  # fsrs-rs refusing the data (a Rust panic is a BaseException)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return Fit(total, len(train), len(test), None, None, None, False,
                   f"fsrs-rs could not fit these reviews ({str(exc).strip() or type(exc).__name__}); "
                   "the current parameters stay.")
    result = Fit(total, len(train), len(test), (before.log_loss, before.rmse_bins),
                 (after.log_loss, after.rmse_bins), fitted, False, "")
    if not after.log_loss < before.log_loss:
        return replace(result, message="the fitted parameters predict your held-out reviews no better "
                                       "than the current ones: the current ones stay")
    try:
        Scheduler(parameters=fitted)
    except ValueError as exc:
        return replace(result, message=f"the fitted parameters are outside what the scheduler accepts ({exc}); "
                                       "the current ones stay")
    return replace(result, kept=True,
                   message="the fitted parameters predict your held-out reviews better: they are kept")


class ScoreDict(TypedDict):
    log_loss: float
    rmse_bins: float


class OptimizedDict(TypedDict):
    """`srs optimize --json` (docs/json.md)."""

    items: int
    train: int
    held_out: int
    before: ScoreDict | None         # the parameters in force before, on the held-out reviews
    after: ScoreDict | None          # the fitted ones
    kept: bool
    fitted: list[float] | None
    parameters: list[float]          # in force afterwards
    scope: str                       # the deck, or "all decks"
    message: str


def _score(pair: tuple[float, float] | None) -> ScoreDict | None:
    return {"log_loss": pair[0], "rmse_bins": pair[1]} if pair else None


@dataclass(frozen=True)
class Optimized:
    """What `srs optimize` did: the fit, the parameters in force afterwards, for which deck."""

    fit: Fit
    parameters: list[float]
    deck: str | None                 # None: all decks

    def to_dict(self) -> OptimizedDict:
        f = self.fit
        return {"items": f.items, "train": f.train_items, "held_out": f.test_items, "before": _score(f.before),
                "after": _score(f.after), "kept": f.kept, "fitted": f.parameters, "parameters": self.parameters,
                "scope": self.deck or "all decks", "message": f.message}


def optimize(store, settings, deck: str | None, now) -> Optimized:
    """Fit to this learner's reviews (of ``deck``, or all of them) and keep the fitted
    parameters for that scope when they are better and within bounds."""
    import json

    from fsrs.scheduler import DEFAULT_PARAMETERS

    from srs.clock import shift_seconds

    current = list(settings.parameters or DEFAULT_PARAMETERS)
    result = fit(store.review_history(shift_seconds(now, settings.day_starts_at), deck), current)
    if result.kept and result.parameters is not None:
        store.set_setting("parameters", json.dumps(result.parameters), deck)
        return Optimized(result, list(result.parameters), deck)
    return Optimized(result, current, deck)


__all__ = ["Fit", "MIN_ITEMS", "Optimized", "OptimizedDict", "ScoreDict", "fit", "items_by_card", "optimize", "split"]
