"""The optimizer fits a synthetic learner whose memory differs from FSRS's defaults, and
the fit beats the defaults on held-out reviews."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from srs.optimize import fit
from srs.records import MemoryState, ReviewEntry

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
TRUE = list(DEFAULT_PARAMETERS)
TRUE[0:4] = [0.05, 0.1, 0.3, 1.0]  # this learner forgets new cards much faster than the defaults say


def synthetic_log(cards: int, reviews_each: int, seed: int = 7):
    rng = random.Random(seed)
    truth = Scheduler(parameters=TRUE, enable_fuzzing=False)
    schedule = Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    rid = 0
    for key in range(cards):
        real = Card(card_id=key + 1, state=State.Learning, step=0, due=T0)
        shown = Card(card_id=key + 1, state=State.Learning, step=0, due=T0)
        when = T0 + timedelta(hours=rng.randint(0, 24 * 30))
        for _ in range(reviews_each):
            recall = truth.get_card_retrievability(real, when) if real.last_review else 0.0
            rating = Rating.Good if rng.random() < recall else Rating.Again
            if real.last_review is None:
                rating = rng.choice([Rating.Again, Rating.Good, Rating.Good, Rating.Easy])
            real, _ = truth.review_card(real, rating, when)
            shown, _ = schedule.review_card(shown, rating, when)
            rid += 1
            yield f"d/c{key}", ReviewEntry(rid, key, int(rating), when, 1000, "review", 0, None, MemoryState())
            when = max(shown.due, when + timedelta(days=1)) + timedelta(hours=rng.randint(0, 30))


def test_too_few_reviews_is_said_plainly():
    result = fit(synthetic_log(5, 3), list(DEFAULT_PARAMETERS))
    assert not result.kept and result.after is None and "too few reviews" in result.message


def test_fit_beats_the_defaults_on_held_out_reviews():
    result = fit(synthetic_log(400, 8), list(DEFAULT_PARAMETERS), seed=3)
    assert result.test_items >= 100 and result.train_items >= 1000
    assert result.after is not None and math.isfinite(result.before[0])
    assert result.after[0] < result.before[0]  # log loss
    assert result.after[1] < result.before[1]  # RMSE (bins)
    assert result.kept and len(result.parameters) == 21
    # the fit moved toward this learner's fast forgetting of new cards
    assert result.parameters[2] < DEFAULT_PARAMETERS[2]
