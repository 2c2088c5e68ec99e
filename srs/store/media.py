"""Media files kept with decks: content-addressed (SHA-256), one row a file however many
decks or names use it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlalchemy import Connection, delete, func, insert, literal_column, select

from srs.store.base import StoreBase
from srs.store.models import deck_media, media

#: what is copied into a SQLite blob at a time
BLOB_CHUNK = 1 << 20


def _insert_content(s: Connection, digest: str, data: bytes | bytearray) -> None:
    """A media file's row, written with no further copy of its content: on SQLite a blob of
    zeros written over in place, a chunk at a time (a bound parameter would be copied
    twice: by the driver, then into SQLite's record); elsewhere a plain insert."""
    if s.dialect.name != "sqlite":
        s.execute(insert(media).values(sha256=digest, size=len(data), data=data))
        return
    s.execute(insert(media).values(sha256=digest, size=len(data), data=func.zeroblob(len(data))))
    rowid: int = s.execute(select(literal_column("rowid")).select_from(media).where(media.c.sha256 == digest)
                           ).scalar_one()
    view = memoryview(data)
    sqlite3 = s.connection.driver_connection
    assert sqlite3 is not None, "an open connection"
    with sqlite3.blobopen("media", "data", rowid) as blob:
        for start in range(0, len(view), BLOB_CHUNK):
            blob.write(view[start:start + BLOB_CHUNK])


class MediaQueries(StoreBase):
    def save_media_file(self, deck_id: str, name: str, data: bytes | bytearray) -> bool:
        """Keep one file for the deck under ``name`` (a name already there takes the new
        content), its content stored once by its SHA-256. Whether it was new or changed.
        Media are written one at a time, as they are read: never all of them in memory."""
        digest = hashlib.sha256(data).hexdigest()
        with self.atomic(write=True) as s:
            known = s.execute(select(deck_media.c.sha256).where(deck_media.c.deck_id == deck_id,
                                                                deck_media.c.name == name)).scalar()
            if known == digest:
                return False
            if s.execute(select(media.c.sha256).where(media.c.sha256 == digest)).first() is None:
                _insert_content(s, digest, data)
            if known is not None:
                s.execute(delete(deck_media).where(deck_media.c.deck_id == deck_id, deck_media.c.name == name))
            s.execute(insert(deck_media).values(deck_id=deck_id, name=name, sha256=digest))
        return True

    def media_names(self, deck_id: str) -> set[str]:
        with self.atomic() as s:
            return set(s.scalars(select(deck_media.c.name).where(deck_media.c.deck_id == deck_id)))

    def media_file(self, deck_id: str, name: str) -> bytes | None:
        """The content of one of the deck's media files by its name (None: no such file)."""
        entry = self.media_entry(deck_id, name)
        return entry[1] if entry is not None else None

    def media_entry(self, deck_id: str, name: str) -> tuple[str, bytes] | None:
        """(SHA-256, content) of one of the deck's media files by its name (None: no such file)."""
        with self.atomic() as s:
            stmt = (select(media.c.sha256, media.c.data).join(deck_media, media.c.sha256 == deck_media.c.sha256)
                    .where(deck_media.c.deck_id == deck_id, deck_media.c.name == name))
            row = s.execute(stmt).first()
            return (row[0], row[1]) if row is not None else None

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
