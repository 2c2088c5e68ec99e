"""Where a learner stands: counts, reviews per day, true retention, the due forecast,
streak, time spent and exam scores. The store aggregates; this module shapes the result."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TypedDict

from srs.clock import shift_seconds
from srs.model import STATE_NAMES, StudyCard
from srs.settings import Settings
from srs.store import Store


class ExamScoreDict(TypedDict):
    started_at: str
    score: float
    passed: bool


class StatsDict(TypedDict):
    """`srs stats --json` (docs/json.md)."""

    reviews: int
    retention: float | None
    retention_answers: int
    desired_retention: float
    by_state: dict[str, int]         # new, learning, review, relearning; suspended among them
    forecast: list[int]
    streak: int
    seconds: float
    days: int
    per_day: dict[str, int]          # days from today ("0", "-3") -> reviews
    exams: list[ExamScoreDict]


@dataclass(frozen=True)
class Stats:
    today: int                       # the learner's day number today
    days: int                        # the window of the heat map
    by_state: dict[str, int]
    per_day: dict[int, int]          # day number -> reviews
    reviews: int                     # reviews in the window
    seconds: float                   # time spent in the window
    retention: float | None          # true retention over the last 30 days
    retention_answers: int
    desired_retention: float
    forecast: list[int]              # cards falling due on each of the next 30 days (today first)
    streak: int
    exams: list[tuple[datetime, float, bool]] = field(default_factory=list)

    def to_dict(self) -> StatsDict:
        return {
            "reviews": self.reviews,
            "retention": self.retention,
            "retention_answers": self.retention_answers,
            "desired_retention": self.desired_retention,
            "by_state": self.by_state,
            "forecast": self.forecast,
            "streak": self.streak,
            "seconds": round(self.seconds, 1),
            "days": self.days,
            "per_day": {str(d - self.today): n for d, n in sorted(self.per_day.items())},
            "exams": [{"started_at": t.isoformat(), "score": s, "passed": p} for t, s, p in self.exams],
        }


class CardViewDict(TypedDict):
    """A card in `srs cards --json` (docs/json.md)."""

    card: str                        # DECK/CARD
    deck: str
    id: str
    kind: str                        # mc, basic
    question: str
    choices: list[str] | None
    answer: str
    tags: list[str]
    state: str                       # new, learning, review, relearning
    due: str | None
    stability: float | None
    difficulty: float | None
    retrievability: float | None     # FSRS's ("memory R")
    chance_now: float | None         # the forecast's chance of a right answer now
    reps: int
    lapses: int
    suspended: bool
    leech: bool
    buried_until: str | None


@dataclass(frozen=True)
class CardView:
    """One card as `srs cards` lists it: content, state and recall now (table and JSON)."""

    card: StudyCard
    state: str
    due: datetime | None
    retrievability: float | None     # FSRS's ("memory R"): ~1 right after any review, a miss too
    buried: bool = False             # buried now: it returns at ``buried_until``
    chance: float | None = None      # the forecast's chance of a right answer now (multiple choice)

    @property
    def name(self) -> str:
        return self.card.name

    @property
    def stability(self) -> float | None:
        return self.card.memory.stability

    @property
    def reps(self) -> int:
        return self.card.memory.reps

    @property
    def lapses(self) -> int:
        return self.card.memory.lapses

    @property
    def suspended(self) -> bool:
        return self.card.memory.suspended

    @property
    def leech(self) -> bool:
        return self.card.memory.leech

    @property
    def buried_until(self) -> datetime | None:
        """When a buried card returns (None: not buried now)."""
        return self.card.memory.buried_until if self.buried else None

    def to_dict(self) -> CardViewDict:
        c, m = self.card, self.card.memory
        return {"card": c.name, "deck": c.deck_id, "id": c.card_id, "kind": c.kind.value, "question": c.question,
                "choices": list(c.choices) if c.choices is not None else None, "answer": c.answer,
                "tags": list(c.tags), "state": self.state, "due": self.due.isoformat() if self.due else None,
                "stability": m.stability, "difficulty": m.difficulty, "retrievability": self.retrievability,
                "chance_now": self.chance,
                "reps": m.reps, "lapses": m.lapses, "suspended": m.suspended, "leech": m.leech,
                "buried_until": self.buried_until.isoformat() if self.buried_until else None}


def card_views(store: Store, settings: Settings, now: datetime, deck: str | None = None, tag: str | None = None,
               due: bool = False, settings_of: Callable[[str], Settings] | None = None,
               limit: int | None = None) -> list[CardView]:
    """Cards of ``deck`` / ``tag`` (only those due now with ``due``; the first ``limit`` when
    given), in deck order, with FSRS's recall now and, given ``settings_of`` (deck id -> its
    settings), each multiple-choice card's chance of a right answer now (``chances_now``),
    worked out only for the decks of the cards listed."""
    return list(iter_card_views(store, settings, now, deck, tag, due, settings_of, limit))


def iter_card_views(store: Store, settings: Settings, now: datetime, deck: str | None = None,
                    tag: str | None = None, due: bool = False,
                    settings_of: Callable[[str], Settings] | None = None,
                    limit: int | None = None) -> Iterator[CardView]:
    """``card_views``, streamed: the cards come in deck order, so one deck's chances are
    held at a time (a deck's forecast is worked out when its first card comes)."""
    from srs.scheduler import make_scheduler, retrievability

    scheduler = make_scheduler(settings)
    chances: dict[int, float] = {}
    chances_of: str | None = None
    for card in store.iter_cards(deck, tag, due_before=now if due else None, now=now, limit=limit):
        if settings_of is not None and card.deck_id != chances_of:
            chances_of = card.deck_id
            chances = chances_now(store, settings_of, [chances_of], now)
        yield CardView(card, STATE_NAMES[card.memory.state], card.memory.due if card.memory.state else None,
                       retrievability(scheduler, card.memory, now),
                       card.memory.buried_until is not None and card.memory.buried_until > now, chances.get(card.key))


def chances_now(store: Store, settings_of: Callable[[str], Settings], decks: Sequence[str],
                now: datetime) -> dict[int, float]:
    """Card key -> the chance of a right answer now, from the readiness forecast
    (``srs.forecast``: every answer the learner gave, the time since each, guessing among the
    choices) — unlike FSRS's retrievability, low right after a miss. Multiple-choice cards
    of ``decks`` only (the forecast is about them)."""
    from srs.forecast import chances_now as deck_chances

    chances: dict[int, float] = {}
    for deck in decks:
        chances.update(deck_chances(store, settings_of(deck), deck, now))
    return chances


def day_begins(day: int, shift: int) -> datetime:
    """When learner day ``day`` starts, as a UTC time (the inverse of the bucketing)."""
    return datetime.fromtimestamp(day * 86400 - shift, timezone.utc)


STREAK_PROBE = 60          # days checked per statement once a streak runs past the heat map
STREAK_HORIZON = 3660      # and at most this far back


def streak(per_day: dict[int, int], today: int, first_counted: int, probe) -> int:
    """Consecutive days with reviews, ending today (or yesterday, when today has none yet).
    ``per_day`` covers the days from ``first_counted`` to today; beyond it, ``probe(lo, hi)``
    says for each day lo..hi-1 whether it had reviews (asked a window at a time)."""
    day = today if per_day.get(today) else today - 1
    count = 0
    while day >= first_counted and per_day.get(day):
        count, day = count + 1, day - 1
    if day >= first_counted:
        return count  # the streak broke inside the window
    while count < STREAK_HORIZON:
        lo = day - STREAK_PROBE + 1
        seen = probe(lo, day + 1)
        for had in reversed(seen):
            if not had:
                return count
            count += 1
        day = lo - 1
    return count


def compute(store, settings: Settings, now: datetime, deck: str | None = None, days: int = 112) -> Stats:
    """Everything ``srs stats`` shows, for the learner's day containing ``now``: a handful
    of aggregate queries, none of which reads every review."""
    dsa = settings.day_starts_at
    shift = shift_seconds(now, dsa)
    today = (int(now.timestamp()) + shift) // 86400
    start_today = day_begins(today, shift)
    window_start = day_begins(today - days + 1, shift)
    rows = store.review_days(window_start, shift, deck, before=day_begins(today + 1, shift))
    per_day = {d: n for d, n, _ in rows if d > today - days}
    seconds = sum(ms for d, _, ms in rows if d > today - days) / 1000

    def probe(lo: int, hi: int) -> list[bool]:
        return store.review_presence([day_begins(d, shift) for d in range(lo, hi + 1)], deck)

    run = streak(per_day, today, today - days + 1, probe)
    passed, answered = store.retention(now - timedelta(days=30), deck)
    forecast = [0] * 30
    for d, n in store.due_days(start_today, day_begins(today + 30, shift), shift, deck):
        if 0 <= d - today < 30:
            forecast[d - today] += n
    counts = store.state_counts(deck)
    by_state = {STATE_NAMES[k]: counts.get(k, 0) for k in STATE_NAMES}
    by_state["suspended"] = counts.get(-1, 0)
    exams = [(a.started_at, a.score, a.passed) for a in store.attempts(deck)]
    return Stats(today, days, by_state, per_day, sum(per_day.values()), seconds,
                 passed / answered if answered else None, answered, settings.desired_retention, forecast, run,
                 exams)


__all__ = ["CardView", "Stats", "card_views", "chances_now", "compute", "day_begins", "streak", "CardViewDict", "ExamScoreDict", "StatsDict"]
