"""Media files kept with decks: content-addressed (SHA-256), one row a file however many
decks or names use it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping

from sqlalchemy import delete, select

from srs.store.base import StoreBase
from srs.store.models import DeckMedia, Media


class MediaQueries(StoreBase):
    def save_media(self, deck_id: str, files: Mapping[str, bytes]) -> int:
        """Keep ``files`` (name -> content) for the deck; a name already there takes the new
        content. Returns how many names were new or changed."""
        if not files:
            return 0
        changed = 0
        with self.atomic(write=True) as s:
            known = dict(s.execute(select(DeckMedia.name, DeckMedia.sha256).where(DeckMedia.deck_id == deck_id)).all())
            for name, data in files.items():
                digest = hashlib.sha256(data).hexdigest()
                if known.get(name) == digest:
                    continue
                if s.get(Media, digest) is None:
                    s.add(Media(sha256=digest, size=len(data), data=data))
                    s.flush()
                if name in known:
                    s.execute(delete(DeckMedia).where(DeckMedia.deck_id == deck_id, DeckMedia.name == name))
                s.add(DeckMedia(deck_id=deck_id, name=name, sha256=digest))
                changed += 1
        return changed

    def media_names(self, deck_id: str) -> set[str]:
        with self.atomic() as s:
            return set(s.scalars(select(DeckMedia.name).where(DeckMedia.deck_id == deck_id)))

    def media_file(self, deck_id: str, name: str) -> bytes | None:
        """The content of one of the deck's media files by its name (None: no such file)."""
        with self.atomic() as s:
            stmt = (select(Media.data).join(DeckMedia, Media.sha256 == DeckMedia.sha256)
                    .where(DeckMedia.deck_id == deck_id, DeckMedia.name == name))
            return s.scalars(stmt).first()

    def media_files(self, deck: str | None = None) -> Iterator[tuple[str, bytes]]:
        """(name, content) of the media of one deck or all of them, each name once."""
        with self.atomic() as s:
            stmt = select(DeckMedia.name, Media.data).join(Media, Media.sha256 == DeckMedia.sha256)
            if deck is not None:
                stmt = stmt.where(DeckMedia.deck_id == deck)
            seen: set[str] = set()
            for name, data in s.execute(stmt.order_by(DeckMedia.name)):
                if name not in seen:
                    seen.add(name)
                    yield name, data


__all__ = ["MediaQueries"]
