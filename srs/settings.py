"""Learner settings: defaults, validation, and the global / per-deck layering.

Values are stored as text (by the store) and turned into typed values here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, TypedDict

from srs.errors import UserError

_STEP = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_steps(text: str) -> tuple[timedelta, ...]:
    """'1m 10m' -> (1 minute, 10 minutes). An empty string means no steps."""
    steps = []
    for part in text.split():
        m = _STEP.match(part)
        if not m or float(m.group(1)) <= 0:
            raise ValueError(f"{part!r} is not a step like 30s, 10m, 1h or 1d")
        steps.append(timedelta(seconds=float(m.group(1)) * _UNIT[m.group(2)]))
    return tuple(steps)


def _retention(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("must be a number between 0.70 and 0.99") from None
    if not 0.70 <= value <= 0.99:
        raise ValueError("must be between 0.70 and 0.99")
    return value


def _int_range(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = lo - 1
        if not lo <= value <= hi:
            raise ValueError(f"must be a whole number from {lo} to {hi}")
        return value

    return parse


def _steps(text: str) -> str:
    parse_steps(text)
    return " ".join(text.split())


def _exam_date(text: str) -> str | None:
    """YYYY-MM-DD, or none / an empty value to clear it."""
    text = text.strip()
    if text.lower() in ("", "none"):
        return None
    from srs.clock import EARLIEST, LATEST

    try:
        day = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise ValueError("must be a date YYYY-MM-DD (or none)") from None
    if not EARLIEST.year <= day.year <= LATEST.year - 1:  # a day within srs's range, with time to spare
        raise ValueError(f"must be a date from {EARLIEST.year} to {LATEST.year - 1}")
    return day.strftime("%Y-%m-%d")


def _parameters(text: str) -> tuple[float, ...]:
    values = json.loads(text)
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) for v in values):
        raise ValueError("must be a JSON list of numbers")
    return tuple(float(v) for v in values)


#: key -> (parser of its text, what it means); the defaults are ``Settings``'s
KEYS: dict[str, tuple[Callable[[str], Any], str]] = {
    "desired_retention": (_retention, "target probability of recall when a card is due (0.70-0.99)"),
    "new_per_day": (_int_range(0, 9999), "new cards introduced per day"),
    "reviews_per_day": (_int_range(0, 99999), "reviews shown per day at most"),
    "day_starts_at": (_int_range(0, 23), "hour (local) at which a new day starts"),
    "learning_steps": (_steps, "steps for new cards, e.g. '1m 10m'"),
    "relearning_steps": (_steps, "steps after a lapse, e.g. '10m'"),
    "maximum_interval": (_int_range(1, 36500), "longest interval in days"),
    "leech_threshold": (_int_range(1, 999), "lapses after which a card is suspended as a leech"),
    "exam_date": (_exam_date, "the exam's date (YYYY-MM-DD), the default of readiness and review --until"),
}
#: settings that `srs optimize` writes; not set by hand.
INTERNAL = {"parameters": _parameters}


@dataclass(frozen=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4
    learning_steps: str = "1m 10m"
    relearning_steps: str = "10m"
    maximum_interval: int = 36500
    leech_threshold: int = 8
    exam_date: str | None = None
    parameters: tuple[float, ...] | None = field(default=None)

    def to_dict(self) -> SettingsDict:
        return {"desired_retention": self.desired_retention, "new_per_day": self.new_per_day,
                "reviews_per_day": self.reviews_per_day, "day_starts_at": self.day_starts_at,
                "learning_steps": self.learning_steps, "relearning_steps": self.relearning_steps,
                "maximum_interval": self.maximum_interval, "leech_threshold": self.leech_threshold,
                "exam_date": self.exam_date}


class SettingsDict(TypedDict, total=False):
    """`srs config --json` (docs/json.md): every setting, or with a KEY that one."""

    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    day_starts_at: int
    learning_steps: str
    relearning_steps: str
    maximum_interval: int
    leech_threshold: int
    exam_date: str | None


def validate(key: str, value: str) -> Any:
    """The typed value of ``key`` given as text; UserError if the key or the value is bad."""
    if key not in KEYS:
        raise UserError(f"unknown setting {key!r} (known: {', '.join(KEYS)})")
    try:
        return KEYS[key][0](value)
    except (ValueError, TypeError) as exc:
        raise UserError(f"bad value {value!r} for {key}: {exc}") from None


def resolve(global_values: dict[str, str], deck_values: dict[str, str] | None = None) -> Settings:
    """Settings from stored text: deck values over global values over defaults."""
    merged = dict(global_values)
    merged.update(deck_values or {})
    typed: dict[str, Any] = {}
    for key, text in merged.items():
        if key in KEYS:
            try:
                typed[key] = KEYS[key][0](text)
            except (ValueError, TypeError):
                continue  # a stored value that no longer validates falls back to the default
        elif key in INTERNAL:
            try:
                typed[key] = INTERNAL[key](text)
            except (ValueError, TypeError):
                continue
    return Settings(**typed)


def configure(store: Any, key: str | None = None, value: str | None = None,
              deck: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """`srs config`: set ``key`` to ``value`` (for ``deck``, or globally) when both are given,
    then return the values in force (just ``key``'s when given) and where each one comes
    from ("deck" or "global"; defaults are absent)."""
    if key is not None and key not in KEYS:
        validate(key, "")  # names the known keys
    if key is not None and value is not None:
        typed = validate(key, value)
        store.set_setting(key, typed if isinstance(typed, str) else str(typed), deck)
    glob, per_deck = store.settings(deck)
    values: dict[str, Any] = dict(resolve(glob, per_deck).to_dict())
    sources = {k: ("deck" if k in per_deck else "global") for k in values if k in per_deck or k in glob}
    if key is not None:
        values = {key: values[key]}  # SettingsDict is total=False: one key of it
    return values, sources


def describe() -> str:
    """Each setting with what it means and its default, one per line (for help texts)."""
    defaults = Settings()
    return "\n".join(f"{key}: {meaning} [default: {getattr(defaults, key) if getattr(defaults, key) is not None else 'none'}]"
                     for key, (_, meaning) in KEYS.items())


__all__ = ["KEYS", "Settings", "SettingsDict", "configure", "describe", "parse_steps", "resolve", "validate"]
