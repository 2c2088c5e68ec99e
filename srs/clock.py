"""The current time (SRS_NOW replaces the clock) and the learner's day: one window computed once.

Everything in the core takes ``now`` as an argument; only the CLI asks this module.
Times are timezone-aware; the store keeps them in UTC.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo

from srs.errors import UserError

#: the times srs works with: SRS_NOW and every date option must lie within (a card's due
#: date may be up to maximum_interval, 100 years, later; Python's dates end with the year 9999)
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 12, 31, 23, 59, 59, tzinfo=timezone.utc)


def check_range(value: datetime, what: str, text: str) -> datetime:
    """``value`` when it lies within EARLIEST..LATEST, else a user error naming ``what``."""
    if not EARLIEST <= value <= LATEST:
        raise UserError(f"{what} {text!r} is out of range: srs works with times from {EARLIEST.year} "
                        f"to {LATEST.year}")
    return value


def simulated() -> str | None:
    """SRS_NOW's text when it replaces the clock."""
    return os.environ.get("SRS_NOW") or None


def check_not_before(now: datetime, latest: datetime | None) -> None:
    """A write dated ``now`` must not come before the learner's latest answer (``latest``):
    the review log would run backwards and cards would fall due in the past's future."""
    if latest is None or now >= latest:
        return
    when = latest.astimezone(now.tzinfo).isoformat(timespec="minutes")
    if simulated():
        raise UserError(f"SRS_NOW {simulated()} is before your latest answer ({when}): set SRS_NOW to {when} "
                        "or later, or try simulated days on a scratch database (--db /tmp/try.db)")
    raise UserError(f"your latest answer is dated {when}, after the current time (it was given under "
                    f"SRS_NOW): set SRS_NOW={when} or later to go on from it")


def not_a_date(what: str, text: str) -> UserError:
    """The one message for a date or time srs cannot read."""
    return UserError(f"{what} {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time")


def parse_instant(text: str, what: str = "time") -> datetime:
    """An ISO 8601 date or date-time; a naive one is taken as local time."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise not_a_date(what, text) from None
    try:
        if value.tzinfo is None:
            value = value.astimezone()  # local time zone
        return check_range(value, what, text)
    except (OverflowError, ValueError):  # a naive time at the very ends of Python's range
        return check_range(datetime.max.replace(tzinfo=timezone.utc), what, text)


def zone_note(at: datetime) -> str | None:
    """Which zone times are shown in, when it is not this machine's: srs shows every time in
    the learner's zone, the offset of ``at`` (SRS_NOW's when it is set)."""
    mine, machine = at.utcoffset(), at.astimezone().utcoffset()
    if mine is None or mine == machine:
        return None

    def name(offset: timedelta | None) -> str:
        minutes = int((offset or timedelta()).total_seconds() // 60)
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"

    return f"times are shown in {name(mine)} (SRS_NOW's offset), not this machine's {name(machine)}"


def now() -> datetime:
    """The current time, aware; SRS_NOW (ISO 8601 with offset) replaces the clock."""
    fixed = os.environ.get("SRS_NOW")
    if fixed:
        return parse_instant(fixed, "SRS_NOW")
    return datetime.now(timezone.utc).astimezone()


def local_zone(at: datetime) -> tzinfo:
    """The learner's zone: the offset ``at`` carries (SRS_NOW's, or the machine's)."""
    return at.tzinfo if at.tzinfo is not None else datetime.now().astimezone().tzinfo  # type: ignore[return-value]


def day_start(at: datetime, day_starts_at: int) -> datetime:
    """Start of the learner's day containing ``at`` (days begin at ``day_starts_at`` o'clock local)."""
    local = at.astimezone(local_zone(at))
    start = local.replace(hour=day_starts_at, minute=0, second=0, microsecond=0)
    if local < start:
        start -= timedelta(days=1)
    return start


def shift_seconds(now: datetime, day_starts_at: int) -> int:
    """Seconds to add to a UTC time before cutting days at midnight: the learner's offset
    from UTC (that of ``now``) minus the hour their day starts. A time's learner day is
    floor((epoch seconds + shift) / 86400); the store buckets reviews with the same formula."""
    offset = now.utcoffset()
    return int((offset.total_seconds() if offset else 0) - day_starts_at * 3600)


@dataclass(frozen=True)
class LearnerDay:
    """The learner's day that contains a moment: it starts at ``day_starts_at`` o'clock
    local time and ends when the next one starts (23 or 25 hours across a DST change)."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, at: datetime, day_starts_at: int) -> "LearnerDay":
        start = day_start(at, day_starts_at)
        return cls(start, start + timedelta(days=1))


def on_date(text: str, day_starts_at: int, reference: datetime, what: str = "date") -> datetime:
    """A DATE option (YYYY-MM-DD or a full date-time) as an instant: noon of that day, local."""
    text = text.strip()
    if len(text) == 10:
        try:
            d = datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            raise not_a_date(what, text) from None
        return check_range(d.replace(hour=12, tzinfo=local_zone(reference)), what, text)
    return parse_instant(text, what)


def exam_date(option: str | None, setting: str | None, day_starts_at: int, now: datetime,
              flag: str = "--on") -> datetime | None:
    """The exam date a command is about: the option's DATE, else the ``exam_date`` setting
    (None when neither is given), at noon of that day and never before ``now``. A date
    given as the option that is before today is an error; a setting that has passed is
    ignored (None)."""
    text = option if option is not None else setting
    if text is None:
        return None
    when = on_date(text, day_starts_at, now, flag if option is not None else "exam_date")
    if day_start(when, day_starts_at) < day_start(now, day_starts_at):
        if option is not None:
            raise UserError(f"{flag} {option}: the date is in the past")
        return None
    return max(when, now)


__all__ = ["EARLIEST", "LATEST", "LearnerDay", "check_range", "exam_date", "now", "parse_instant", "local_zone",
           "day_start", "shift_seconds", "on_date", "zone_note"]
