"""Where a learner stands: counts, reviews per day, true retention, the due forecast,
streak, time spent and exam scores. The store aggregates; this module shapes the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from srs.clock import day_number, day_start
from srs.records import STATE_NAMES
from srs.settings import Settings


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


def shift_seconds(now: datetime, day_starts_at: int) -> int:
    offset = now.utcoffset()
    return int((offset.total_seconds() if offset else 0) - day_starts_at * 3600)


def compute(store, settings: Settings, now: datetime, deck: str | None = None, days: int = 112) -> Stats:
    dsa = settings.day_starts_at
    shift = shift_seconds(now, dsa)
    today = day_number(now, dsa)
    start_today = day_start(now, dsa)
    window_start = start_today - timedelta(days=days - 1)
    # one query for the heat map, the time spent and the streak
    rows = store.review_days(window_start, shift, deck)
    per_day_all = {d: n for d, n, _ in rows}
    # the streak may run past the window: look further back, a window at a time, to a gap
    reach = window_start
    while all(per_day_all.get(d) for d in range(day_number(reach, dsa), today)) and \
            reach > start_today - timedelta(days=3650):
        earlier = reach - timedelta(days=days)
        per_day_all.update({d: n for d, n, _ in store.review_days(earlier, shift, deck, before=reach)})
        reach = earlier
    per_day = {d: n for d, n in per_day_all.items() if d > today - days}
    seconds = sum(ms for d, _, ms in rows if d > today - days) / 1000
    passed, answered = store.retention(now - timedelta(days=30), deck)
    forecast = [0] * 30
    for d, n in store.due_days(start_today, start_today + timedelta(days=30), shift, deck):
        if 0 <= d - today < 30:
            forecast[d - today] += n
    streak = 0
    day = today if per_day_all.get(today) else today - 1
    while per_day_all.get(day):
        streak += 1
        day -= 1
    counts = store.state_counts(deck)
    by_state = {STATE_NAMES[k]: counts.get(k, 0) for k in STATE_NAMES}
    by_state["suspended"] = counts.get(-1, 0)
    exams = [(a.started_at, a.score, a.passed) for a in store.attempts(deck)]
    return Stats(today, days, by_state, per_day, sum(per_day.values()), seconds,
                 passed / answered if answered else None, answered, settings.desired_retention, forecast, streak,
                 exams)


def to_json(stats: Stats) -> dict:
    return {
        "reviews": stats.reviews,
        "retention": stats.retention,
        "retention_answers": stats.retention_answers,
        "desired_retention": stats.desired_retention,
        "by_state": stats.by_state,
        "forecast": stats.forecast,
        "streak": stats.streak,
        "seconds": round(stats.seconds, 1),
        "days": stats.days,
        "per_day": {str(d - stats.today): n for d, n in sorted(stats.per_day.items())},
        "exams": [{"started_at": t.isoformat(), "score": s, "passed": p} for t, s, p in stats.exams],
    }


__all__ = ["Stats", "compute", "shift_seconds", "to_json"]
