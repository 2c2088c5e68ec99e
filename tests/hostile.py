"""Hostile packages, made by the tests themselves: a genuine package from Anki's own engine
(the `anki` package), then taken apart and changed with zipfile, zstandard and sqlite3 as a
hostile author would."""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import zstandard

from tests.anki_helpers import add, new_collection, package


def genuine(folder: Path, media: int = 0, **notes: str) -> Path:
    """A package Anki writes (the current format: zstd collection and media, protobuf media
    map): one Basic note whose question shows ``media`` pictures, and a Cloze note for each
    keyword (its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    col = new_collection(folder / "source.anki2")
    names = [col.media.write_data(f"m{i}.png", b"png %d" % i) for i in range(media)]
    add(col, "Basic", "Hostile", Front="Which?" + "".join(f'<img src="{n}">' for n in names), Back="this")
    for text in notes.values():
        add(col, "Cloze", "Hostile", Text=text)
    out = package(col, folder / "genuine.apkg", legacy=False)
    col.close()
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write(path: Path, content: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in content.items():
            zf.writestr(name, data)
    return path


def with_media(source: Path, out: Path, frames: Callable[[int], bytes]) -> Path:
    """``source`` with each media member replaced by the zstd frame of ``frames(i)``."""
    content = members(source)
    compressor = zstandard.ZstdCompressor()
    for name in content:
        if name.isdigit():
            content[name] = compressor.compress(frames(int(name)))
    return write(out, content)


def with_collection(source: Path, out: Path, *statements: str) -> Path:
    """``source`` with SQL ``statements`` run on its collection (collection.anki21b)."""
    content = members(source)
    db_path = out.with_suffix(".db")
    db_path.write_bytes(zstandard.ZstdDecompressor().decompress(content["collection.anki21b"],
                                                                max_output_size=1 << 30))
    db = sqlite3.connect(db_path)
    db.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    for statement in statements:
        db.execute(statement)
    db.commit()
    db.close()
    content["collection.anki21b"] = zstandard.ZstdCompressor().compress(db_path.read_bytes())
    db_path.unlink()
    return write(out, content)


def inflated_size(path: Path, used_media: int) -> int:
    """Every byte srs inflates reading ``path`` (a package from ``genuine``/``with_media``):
    its meta, media map, collection and the first ``used_media`` media files."""
    content = members(path)
    unzstd = zstandard.ZstdDecompressor()

    def size(name: str) -> int:
        return len(unzstd.decompress(content[name], max_output_size=1 << 31))

    return (len(content["meta"]) + size("media") + size("collection.anki21b")
            + sum(size(str(i)) for i in range(used_media)))


__all__ = ["genuine", "inflated_size", "members", "with_collection", "with_media", "write"]
