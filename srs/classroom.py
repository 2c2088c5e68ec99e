"""What a teacher sees of a class on one deck: per learner (every account) the cards due,
the last review, the mock exam scores and the readiness forecast's headline, from the same
core functions `srs decks` and `srs readiness` use, run per learner; and the questions the
class misses most (aggregated by the store). As a table, or as CSV whose cells cannot
start a spreadsheet formula (the names and questions are untrusted text)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from srs.model import Missed

if TYPE_CHECKING:
    from srs.store import Store


@dataclass(frozen=True)
class LearnerRow:
    name: str
    teacher: bool
    due: int                      # cards due (as `srs decks` counts them)
    new: int                      # cards never studied
    studied: int                  # cards of the deck with a memory state
    last_review: datetime | None
    scores: list[float]           # mock exam scores (shares right), oldest first
    passed: int                   # attempts passed
    pass_probability: float | None  # None: no forecast (not an exam deck; no mock yet)
    no_mock: bool                 # no mock exam yet: the chance is not a forecast, only the range
    expected_score: float | None
    score_interval: tuple[float, float] | None

    @property
    def best(self) -> float | None:
        return max(self.scores) if self.scores else None


def class_rows(store: Store, store_for: Callable[[str], Store], deck: str, now: datetime) -> list[LearnerRow]:
    """One row per account of ``store``'s database on ``deck``; ``store_for(name)`` is a store
    for that learner (on the same engine)."""
    from srs.clock import exam_date
    from srs.forecast import assess
    from srs.settings import resolve

    last = store.last_reviews(deck)
    rows = []
    for account in store.users():
        mine = store_for(account.name)
        summary = next((s for s in mine.deck_summaries(now) if s.id == deck), None)
        attempts = mine.attempts(deck)
        chance = expected = interval = None
        no_mock = not attempts
        if summary is not None and summary.exam:
            settings = resolve(*mine.settings(deck))
            when = exam_date(None, settings.exam_date, settings.day_starts_at, now) or now
            try:
                forecast = assess(mine, settings, deck, max(when, now), now, value=False)
            except ValueError:
                pass
            else:
                no_mock = forecast.no_mock  # as `srs readiness` says it: no chance without a mock
                chance = None if no_mock else forecast.pass_probability
                expected, interval = forecast.expected_score, forecast.score_interval
        rows.append(LearnerRow(
            account.name, account.teacher, summary.due if summary else 0, summary.new if summary else 0,
            (summary.learning + summary.review) if summary else 0, last.get(account.name),
            [a.score for a in attempts], sum(a.passed for a in attempts), chance, no_mock, expected, interval))
    return rows


#: a cell a spreadsheet would read as a formula (or a DDE call) starts with one of these
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text: a leading ``'`` before a cell
    that would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def class_csv(deck: str, rows: list[LearnerRow], missed: list[Missed]) -> str:
    """The class table, then the most-missed questions, as CSV."""
    out = io.StringIO()
    write = csv.writer(out, lineterminator="\r\n").writerow
    write(["deck", "learner", "teacher", "due", "new", "studied", "last_review", "attempts", "passed", "best_score",
           "last_score", "no_mock", "pass_probability", "expected_score", "score_low", "score_high"])
    for r in rows:
        low, high = r.score_interval or (None, None)
        write([safe_cell(deck), safe_cell(r.name), "yes" if r.teacher else "no", r.due, r.new, r.studied,
               r.last_review.isoformat() if r.last_review else "", len(r.scores), r.passed, _share(r.best),
               _share(r.scores[-1] if r.scores else None), "yes" if r.no_mock else "no", _share(r.pass_probability), _share(r.expected_score),
               _share(low), _share(high)])
    write([])
    write(["card", "question", "wrong", "answers", "learners"])
    for m in missed:
        write([safe_cell(m.name), safe_cell(m.question), m.wrong, m.answers, m.learners])
    return out.getvalue()


__all__ = ["FORMULA_START", "LearnerRow", "class_csv", "class_rows", "safe_cell"]
