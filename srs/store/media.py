"""Media files kept with decks: content-addressed (SHA-256), one row a file however many
decks or names use it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from sqlalchemy import delete, insert, select

from srs.store.base import StoreBase
from srs.store.models import deck_media, media


class MediaQueries(StoreBase):
    def save_media(self, deck_id: str, files: Mapping[str, bytes]) -> int:
        """Keep ``files`` (name -> content) for the deck; a name already there takes the new
        content. Returns how many names were new or changed."""
        if not files:
            return 0
        changed = 0
        with self.atomic(write=True) as s:
            known = dict(s.execute(select(deck_media.c.name, deck_media.c.sha256).where(deck_media.c.deck_id == deck_id)).all())
            for name, data in files.items():
                digest = hashlib.sha256(data).hexdigest()
                if known.get(name) == digest:
                    continue
                if s.scalar(select(media.c.sha256).where(media.c.sha256 == digest)) is None:
                    s.execute(insert(media).values(sha256=digest, size=len(data), data=data))
                if name in known:
                    s.execute(delete(deck_media).where(deck_media.c.deck_id == deck_id, deck_media.c.name == name))
                s.execute(insert(deck_media).values(deck_id=deck_id, name=name, sha256=digest))
                changed += 1
        return changed

    def media_names(self, deck_id: str) -> set[str]:
        with self.atomic() as s:
            return set(s.scalars(select(deck_media.c.name).where(deck_media.c.deck_id == deck_id)))

    def media_files(self, deck: str | None = None) -> Iterator[tuple[str, bytes]]:
        """(name, content) of the media of one deck or all of them, each name once."""
        with self.atomic() as s:
            stmt = select(deck_media.c.name, media.c.data).join(media, media.c.sha256 == deck_media.c.sha256)
            if deck is not None:
                stmt = stmt.where(deck_media.c.deck_id == deck)
            seen: set[str] = set()
            for name, data in s.execute(stmt.order_by(deck_media.c.name)):
                if name not in seen:
                    seen.add(name)
                    yield name, data


__all__ = ["MediaQueries"]
