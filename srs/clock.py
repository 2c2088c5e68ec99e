"""The current time (SRS_NOW replaces the clock) and the learner's day boundaries.

Everything in the core takes ``now`` as an argument; only the CLI asks this module.
Times are timezone-aware; the store keeps them in UTC.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone, tzinfo

from srs.errors import UserError


def parse_instant(text: str, what: str = "time") -> datetime:
    """An ISO 8601 date or date-time; a naive one is taken as local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{what} {text!r} is not an ISO 8601 date or date-time") from None
    if value.tzinfo is None:
        value = value.astimezone()  # local time zone
    return value


def now() -> datetime:
    """The current time, aware; SRS_NOW (ISO 8601 with offset) replaces the clock."""
    fixed = os.environ.get("SRS_NOW")
    if fixed:
        return parse_instant(fixed, "SRS_NOW")
    return datetime.now(timezone.utc).astimezone()


def local_zone(at: datetime) -> tzinfo:
    """The learner's zone: the offset ``at`` carries (SRS_NOW's, or the machine's)."""
    return at.tzinfo if at.tzinfo is not None else datetime.now().astimezone().tzinfo  # type: ignore[return-value]


def to_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(timezone.utc)


def day_start(at: datetime, day_starts_at: int) -> datetime:
    """Start of the learner's day containing ``at`` (days begin at ``day_starts_at`` o'clock local)."""
    local = at.astimezone(local_zone(at))
    start = local.replace(hour=day_starts_at, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start


def day_end(at: datetime, day_starts_at: int) -> datetime:
    return day_start(at, day_starts_at) + timedelta(days=1)


def day_number(at: datetime, day_starts_at: int) -> int:
    """Days since 1970-01-01 in the learner's calendar (for per-day counts and streaks)."""
    start = day_start(at, day_starts_at)
    return start.date().toordinal() - datetime(1970, 1, 1).date().toordinal()


def on_date(text: str, day_starts_at: int, reference: datetime) -> datetime:
    """A DATE option (YYYY-MM-DD or a full date-time) as an instant: noon of that day, local."""
    text = text.strip()
    if len(text) == 10:
        try:
            d = datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise UserError(f"date {text!r} is not a date (YYYY-MM-DD)") from None
        return d.replace(hour=12, tzinfo=local_zone(reference))
    return parse_instant(text, "date")


__all__ = ["now", "parse_instant", "local_zone", "to_utc", "day_start", "day_end", "day_number", "on_date"]
