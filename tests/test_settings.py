"""Settings: parsing and validation of every key, layering, and the learner's day across a
daylight-saving change."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from srs.clock import LearnerDay, day_start
from srs.errors import UserError
from srs.settings import KEYS, Settings, resolve, validate


@pytest.mark.parametrize(("key", "text", "value"), [
    ("desired_retention", "0.85", 0.85), ("new_per_day", "0", 0), ("reviews_per_day", "99999", 99999),
    ("day_starts_at", "23", 23), ("learning_steps", " 1m   10m ", "1m 10m"), ("learning_steps", "", ""),
    ("relearning_steps", "1h 1d", "1h 1d"), ("maximum_interval", "1", 1), ("leech_threshold", "999", 999),
    ("exam_date", "2026-12-04", "2026-12-04"), ("exam_date", "none", None), ("exam_date", "", None),
])
def test_good_values(key, text, value):
    assert validate(key, text) == value


@pytest.mark.parametrize(("key", "text"), [
    ("desired_retention", "0.5"), ("desired_retention", "high"), ("new_per_day", "-1"), ("new_per_day", "2.5"),
    ("day_starts_at", "24"), ("learning_steps", "10"), ("learning_steps", "0m"), ("maximum_interval", "0"),
    ("exam_date", "04/12/2026"), ("exam_date", "2026-02-30"), ("colour", "red"),
])
def test_bad_values_are_refused_with_the_key_named(key, text):
    with pytest.raises(UserError, match=key):
        validate(key, text)


def test_deck_values_over_global_values_over_defaults():
    assert resolve({}) == Settings()
    s = resolve({"new_per_day": "5", "exam_date": "2026-12-04"}, {"new_per_day": "7", "desired_retention": "0.95"})
    assert (s.new_per_day, s.desired_retention, s.exam_date) == (7, 0.95, "2026-12-04")
    # a stored value that no longer validates falls back to the default
    assert resolve({"new_per_day": "many", "parameters": "[oops"}).new_per_day == 20
    assert set(Settings().to_dict()) == set(KEYS)


def test_the_learners_day_across_daylight_saving_changes():
    berlin = ZoneInfo("Europe/Berlin")
    # spring forward (2026-03-29, 02:00 -> 03:00): that day is 23 hours long
    at = datetime(2026, 3, 29, 10, 0, tzinfo=berlin)
    start = day_start(at, 4)
    assert start == datetime(2026, 3, 29, 4, 0, tzinfo=berlin) and start.utcoffset() == timedelta(hours=2)
    just_after_the_jump = datetime(2026, 3, 29, 3, 30, tzinfo=berlin)
    assert day_start(just_after_the_jump, 4) == datetime(2026, 3, 28, 4, 0, tzinfo=berlin)
    assert LearnerDay.of(just_after_the_jump, 4).end == datetime(2026, 3, 29, 4, 0, tzinfo=berlin)
    span = LearnerDay.of(just_after_the_jump, 4).end.astimezone(timezone.utc) - start.replace(day=28).astimezone(timezone.utc)
    assert span == timedelta(hours=23)
    # fall back (2026-10-25, 03:00 -> 02:00): that day is 25 hours long
    autumn = datetime(2026, 10, 25, 3, 30, tzinfo=berlin)
    assert day_start(autumn, 4) == datetime(2026, 10, 24, 4, 0, tzinfo=berlin)
    span = LearnerDay.of(autumn, 4).end.astimezone(timezone.utc) - day_start(autumn, 4).astimezone(timezone.utc)
    assert span == timedelta(hours=25)
    # a fixed offset (what SRS_NOW carries) keeps 24-hour days
    fixed = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=1)))
    assert LearnerDay.of(fixed, 4).end - day_start(fixed, 4) == timedelta(hours=24)
