"""Settings as stored text, per learner: global values and per-deck overrides."""

from __future__ import annotations

from sqlalchemy import select

from srs.store.base import StoreBase
from srs.store.models import Setting


class SettingQueries(StoreBase):
    def settings(self, deck: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """(global values, the deck's values) as stored text."""
        with self.atomic() as s:
            rows = s.execute(select(Setting.deck_id, Setting.key, Setting.value).where(
                Setting.learner == self.learner, Setting.deck_id.in_(["", deck or ""])))
            glob: dict[str, str] = {}
            per_deck: dict[str, str] = {}
            for deck_id, key, value in rows:
                (per_deck if deck_id else glob)[key] = value
            return glob, per_deck

    def set_setting(self, key: str, value: str, deck: str | None = None) -> None:
        with self.atomic(write=True) as s:
            row = s.get(Setting, (self.learner, deck or "", key))
            if row is None:
                s.add(Setting(learner=self.learner, deck_id=deck or "", key=key, value=value))
            else:
                row.value = value


__all__ = ["SettingQueries"]
