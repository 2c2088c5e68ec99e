"""The decks as `srs decks` and the web's deck page list them: each deck's counts for the
learner and, for an exam deck with an ``exam_date`` setting, its outlook (the days left and
the chance to pass then)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from srs.model import DeckSummary

if TYPE_CHECKING:
    from srs.forecast import Outlook
    from srs.store import Store


class DeckOverviewDict(TypedDict):
    """A deck in `srs decks --json` (docs/json.md)."""

    id: str
    name: str
    cards: int
    new: int
    learning: int
    review: int
    due: int                         # due now
    suspended: int
    exam: bool
    exam_date: str | None            # the exam_date setting (exam decks)
    days_left: int | None
    pass_probability: float | None   # the chance to pass on exam_date
    no_mock: bool | None             # no mock yet: pass_probability is no forecast


@dataclass(frozen=True)
class DeckOverview:
    summary: DeckSummary
    outlook: Outlook | None = None   # an exam deck with an exam_date only

    def to_dict(self) -> DeckOverviewDict:
        r, o = self.summary, self.outlook
        return {"id": r.id, "name": r.name, "cards": r.cards, "new": r.new, "learning": r.learning,
                "review": r.review, "due": r.due, "suspended": r.suspended, "exam": r.exam,
                "exam_date": o.exam_date if o else None, "days_left": o.days_left if o else None,
                "pass_probability": o.pass_probability if o else None, "no_mock": o.no_mock if o else None}


def deck_overviews(store: Store, now: datetime) -> list[DeckOverview]:
    """Every deck of the learner's, with the outlook of those that have an exam date (the
    forecast, and NumPy with it, is loaded only then)."""
    from srs.settings import resolve

    found = []
    for summary in store.deck_summaries(now):
        outlook = None
        if summary.exam:
            settings = resolve(*store.settings(summary.id))
            if settings.exam_date is not None:
                from srs.forecast import outlook as forecast_outlook

                outlook = forecast_outlook(store, settings, summary.id, now)
        found.append(DeckOverview(summary, outlook))
    return found


__all__ = ["DeckOverview", "DeckOverviewDict", "deck_overviews"]
