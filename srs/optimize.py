"""Fitting FSRS parameters to a learner's own reviews with fsrs-rs-python (no torch).

Each card's history becomes FSRS items (every review after the first, with the days
between reviews); cards are split at random (seeded) into a training and a held-out set.
The fit is judged on the held-out reviews only: log loss and RMSE (bins), before and after.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from srs.clock import day_number
from srs.records import ReviewEntry

MIN_ITEMS = 400  # held-out + training items needed before a fit means anything


@dataclass(frozen=True)
class Fit:
    items: int
    train_items: int
    test_items: int
    before: tuple[float, float]        # (log loss, RMSE bins) of the current parameters, held out
    after: tuple[float, float] | None  # of the fitted ones
    parameters: list[float] | None
    kept: bool
    message: str


def items_by_card(log: Iterable[tuple[str, ReviewEntry]], day_starts_at: int) -> dict[int, list]:
    """FSRS items per card: for each review after the first on a later day, the history up
    to it (rating and whole days since the previous review)."""
    from fsrs_rs_python import FSRSItem, FSRSReview

    items: dict[int, list] = {}
    history: list = []
    last_key, last_day = None, None
    for _, entry in log:
        if entry.card_key != last_key:
            history, last_key, last_day = [], entry.card_key, None
        day = day_number(entry.reviewed_at, day_starts_at)
        delta = 0 if last_day is None else day - last_day
        history.append(FSRSReview(entry.rating, delta))
        last_day = day
        if len(history) > 1 and delta > 0:
            items.setdefault(entry.card_key, []).append(FSRSItem(list(history)))
    return items


def fit(log: Iterable[tuple[str, ReviewEntry]], current: list[float], day_starts_at: int = 4,
        seed: int = 42, held_out: float = 0.2) -> Fit:
    from fsrs_rs_python import FSRS, DEFAULT_PARAMETERS

    by_card = items_by_card(log, day_starts_at)
    keys = sorted(by_card)
    random.Random(seed).shuffle(keys)
    cut = max(1, int(len(keys) * held_out))
    test = [item for key in keys[:cut] for item in by_card[key]]
    train = [item for key in keys[cut:] for item in by_card[key]]
    total = len(test) + len(train)
    if total < MIN_ITEMS or len(test) < 50:
        return Fit(total, len(train), len(test), (float("nan"), float("nan")), None, None, False,
                   f"too few reviews to fit: {total} usable reviews (reviews on a later day than the card's "
                   f"previous one); at least {MIN_ITEMS} are needed. Keep reviewing and try again.")
    before = FSRS(current).evaluate(test)
    fitted = list(FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(train))
    after = FSRS(fitted).evaluate(test)
    kept = after.log_loss < before.log_loss
    message = ("the fitted parameters predict your held-out reviews better: kept" if kept else
               "the fitted parameters are no better on held-out reviews: the current ones stay")
    return Fit(total, len(train), len(test), (before.log_loss, before.rmse_bins), (after.log_loss, after.rmse_bins),
               fitted, kept, message)


__all__ = ["Fit", "fit", "items_by_card"]
