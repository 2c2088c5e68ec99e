"""The forecast's use cases on a store: a deck's forecast (``assess``), each card's chance
now (``chances_now``), a deck's outlook on its exam date (``outlook``) and how the forecasts
stored with past attempts fared (``outcomes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from srs.collector import collector_paused
from srs.forecast.calibration import Calibration, CalibrationDict, calibration
from srs.forecast.evidence import evidence_columns
from srs.forecast.predict import forecast
from srs.forecast.records import Forecast, ForecastDict

VALUE_UP_TO = 2000   # cards: above, the value of a review is not computed



def assess(store, settings, deck_id: str, on: datetime, now: datetime, value: bool = True,
           past: bool = False) -> Forecast:
    """The forecast for the learner of ``store`` on deck ``deck_id`` (its exam settings),
    for an exam at ``on``, from everything they answered. ``past``: as it was at ``now``, a
    moment gone by, without the answers given since (an exam's forecast worked out at hand-in
    for its start); otherwise from every answer in the log (``SRS_NOW`` may freeze a clock that
    the answers' own times have passed)."""
    with collector_paused():
        return _assess(store, settings, deck_id, on, now, value, past)


def _assess(store, settings, deck_id: str, on: datetime, now: datetime, value: bool, past: bool) -> Forecast:
    from datetime import timezone

    from fsrs import Rating as FsrsRating

    from srs.scheduler import make_scheduler, to_fsrs

    deck = store.deck(deck_id)
    cards = [c for c in store.exam_cards(deck_id, memory=False) if c.choices >= 2]
    if deck is None or not cards:
        raise ValueError(f"deck {deck_id!r} has no multiple-choice cards")
    scheduler = make_scheduler(settings, fuzz=False)
    reviews, exam_answers = store.forecast_columns(deck_id, [c.key for c in cards])
    if past:
        reviews, exam_answers = _up_to(now, reviews, exam_answers)
    after: dict[int, tuple[float | None, float | None]] = {}
    if value and len(cards) <= VALUE_UP_TO:  # a small deck: its memory states too
        # the scheduler has no fuzz here, so a state's answer does not depend on the card: one
        # computation per distinct memory state (a deck's new cards all share one); only the
        # stability is kept, so fsrs is asked directly (``scheduler.rate`` would also seed its
        # fuzz and build the whole state after)
        seen: dict[tuple, tuple[float | None, float | None]] = {}
        when = now.astimezone(timezone.utc)
        review = scheduler.review_card
        for card in store.exam_cards(deck_id):
            state = (card.state, card.step, card.stability, card.difficulty, card.due, card.last_review)
            if state not in seen:
                before = to_fsrs(card.key, card.memory(), when)
                seen[state] = (review(before, FsrsRating.Good, when)[0].stability,
                               review(before, FsrsRating.Again, when)[0].stability)
            after[card.key] = seen[state]
    found = evidence_columns(cards, reviews, exam_answers, scheduler.parameters, after)
    return forecast(found, deck.exam_questions, deck.exam_pass_mark, on, now, deck_id, scheduler.parameters,
                    value=value and bool(after))


def _up_to(now: datetime, reviews, exam_answers):
    """The answers given up to ``now`` (a forecast for a moment past, such as the one an exam
    stores at hand-in for its start, does not see the answers given since). Each is a named
    tuple of aligned columns; its times are ``at`` (reviews) and ``ended`` (exam answers)."""
    cut = now.timestamp()

    def kept(columns, times):
        if not len(times) or times.max() <= cut:
            return columns
        keep = times <= cut
        return type(columns)(*(column[keep] for column in columns))

    return kept(reviews, reviews.at), kept(exam_answers, exam_answers.ended)


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


class ReadinessDict(ForecastDict):
    """`srs readiness --json` (docs/json.md)."""

    exam_date: str | None            # the date the forecast is for; none: as if the exam were now
    date_note: str | None            # why it is now: no exam date set, or it has passed
    calibration: CalibrationDict


@dataclass(frozen=True)
class Readiness:
    """What `srs readiness` reports: the forecast for a date, the note when that date is now
    (no exam date, or it has passed), and how past forecasts fared."""

    forecast: Forecast
    calibration: Calibration
    exam_date: datetime | None
    date_note: str | None = None

    def to_dict(self) -> ReadinessDict:
        return {**self.forecast.to_dict(), "exam_date": None if self.exam_date is None else self.exam_date.isoformat(),
                "date_note": self.date_note, "calibration": self.calibration.to_dict()}


def outcomes(store, deck_id: str) -> Calibration:
    """How the forecasts stored with past attempts fared (see ``calibration``)."""
    answers, attempts = store.forecast_outcomes(deck_id)
    return calibration(answers, attempts)


__all__ = ["Outlook", "Readiness", "ReadinessDict", "assess", "chances_now", "outcomes", "outlook"]
