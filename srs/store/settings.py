"""Settings as stored text, per learner: global values and per-deck overrides."""

from __future__ import annotations

from sqlalchemy import and_, insert, select, update

from srs.store.base import StoreBase
from srs.store.models import settings


class SettingQueries(StoreBase):
    def settings(self, deck: str | None = None) -> tuple[dict[str, str], dict[str, str]]:
        """(global values, the deck's values) as stored text."""
        with self.atomic() as s:
            rows = s.execute(select(settings.c.deck_id, settings.c.key, settings.c.value).where(
                settings.c.learner == self.learner, settings.c.deck_id.in_(["", deck or ""])))
            glob: dict[str, str] = {}
            per_deck: dict[str, str] = {}
            for deck_id, key, value in rows:
                (per_deck if deck_id else glob)[key] = value
            return glob, per_deck

    def set_setting(self, key: str, value: str, deck: str | None = None) -> None:
        with self.atomic(write=True) as s:
            mine = and_(settings.c.learner == self.learner, settings.c.deck_id == (deck or ""), settings.c.key == key)
            if not s.execute(update(settings).where(mine).values(value=value)).rowcount:
                s.execute(insert(settings).values(learner=self.learner, deck_id=deck or "", key=key, value=value))


__all__ = ["SettingQueries"]
