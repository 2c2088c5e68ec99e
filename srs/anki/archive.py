"""A package's archive read within limits. Every byte a package inflates to (its collection,
its media, its maps) is counted against one budget while it is decompressed, in chunks,
never after: a package that inflates beyond it is refused before anything is written.
Member names that would leave a folder are refused; a member larger than it declares too."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from srs.anki.media_names import clean_media_name
from srs.anki.protobuf import fields as proto_fields
from srs.errors import UserError, detail

MIB = 1024**2
BUDGET_RATIO = 200              # a package may inflate to 200 times its size in all ...
BUDGET_FLOOR = 256 * MIB        # ... or 256 MiB, whichever is more ...
BUDGET_CEILING = 4 * 1024**3    # ... but never beyond 4 GiB
MAX_MEMBER = 2 * 1024**3        # no collection or media file in a package may inflate beyond 2 GiB
MAX_TOTAL = 8 * 1024**3         # nor the members' declared sizes add up beyond 8 GiB
MAX_RATIO = 200                 # nor one member inflate more than 200 times its compressed size
CHUNK = 1 << 20                 # what is decompressed at a time


def fail(path: Path, message: str) -> UserError:
    return UserError(f"{path}: {message}")


def budget_for(size: int) -> int:
    """The bytes a package of ``size`` bytes may inflate to, in all."""
    return min(max(BUDGET_RATIO * size, BUDGET_FLOOR), BUDGET_CEILING)


class Budget:
    """What a package may still inflate to; ``spend`` refuses the package past it."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.limit, self.spent = path, budget_for(size), 0

    def spend(self, n: int) -> None:
        self.spent += n
        if self.spent > self.limit:
            raise fail(self.path, f"refused: it inflates beyond its budget of {self.limit // MIB} MiB "
                                  f"({BUDGET_RATIO} times its size, at least {BUDGET_FLOOR // MIB} MiB, "
                                  f"at most {BUDGET_CEILING // 1024**3} GiB)")


def check_names(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive before anything is read: a member leaving the folder, a member or all
    of them declaring sizes no real package has."""
    total = 0
    for info in infos:
        name = info.filename
        p = PurePosixPath(name.replace("\\", "/"))
        if name.startswith(("/", "\\")) or p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name):
            raise fail(path, f"unsafe archive: member {name!r} would leave the folder")
        total += info.file_size
        if info.file_size > MAX_MEMBER or (info.file_size > 10 * MIB and
                                           info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise fail(path, f"unsafe archive: {name!r} inflates to {info.file_size} bytes from {info.compress_size}")
    if total > MAX_TOTAL:
        raise fail(path, "unsafe archive: its entries inflate far beyond a sane size")


def chunks(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, zstd: bool,
           what: str = "") -> Iterator[bytes]:
    """A member's content in chunks of at most CHUNK bytes, unzipped and, with ``zstd``,
    decompressed (every frame, streamed): each chunk counted against ``budget`` before it
    is given."""
    what = what or repr(info.filename)
    with zf.open(info) as src:
        if not zstd:
            read = 0
            while chunk := src.read(CHUNK):
                read += len(chunk)
                if read > info.file_size:
                    raise fail(path, f"unsafe archive: {what} is larger than it declares")
                budget.spend(len(chunk))
                yield chunk
            return
        yield from _zstd_chunks(path, src, info, budget, what)


def _zstd_chunks(path: Path, src: IO[bytes], info: zipfile.ZipInfo, budget: Budget, what: str) -> Iterator[bytes]:
    import zstandard

    read = 0
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(src, read_across_frames=True)
        while chunk := reader.read(CHUNK):
            read += len(chunk)
            if read > MAX_MEMBER or read > MAX_RATIO * max(info.compress_size, CHUNK):
                raise fail(path, f"unsafe archive: {what} inflates far beyond a sane size")
            budget.spend(len(chunk))
            yield chunk
    except zstandard.ZstdError as exc:
        raise fail(path, f"{what} is not valid zstd data ({detail(exc)})") from None


def read_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, zstd: bool = False,
                limit: int = MAX_MEMBER, what: str = "") -> bytearray | None:
    """A member's content, or None when it is larger than ``limit`` (reading stops there).
    One buffer, grown in place (a bytearray, not chunks joined: one copy of the content)."""
    out = bytearray()
    for chunk in chunks(path, zf, info, budget, zstd, what):
        if len(out) + len(chunk) > limit:
            return None
        out += chunk
    return out


def extract(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: Budget, zstd: bool) -> None:
    """A member to a file, streamed (never the whole collection in memory), within the budget."""
    with dest.open("wb") as out:
        for chunk in chunks(path, zf, info, budget, zstd):
            out.write(chunk)


def media_map(path: Path, zf: zipfile.ZipFile, version: int, budget: Budget) -> dict[str, str]:
    """The package's media map, member -> file name. Anki refuses a package whose map
    names a path; so do we."""
    info = next((i for i in zf.infolist() if i.filename == "media"), None)
    if info is None:
        return {}
    raw = read_member(path, zf, info, budget, version >= 3, what="the media map") or b""
    members: dict[str, str] = {}
    if version >= 3:
        try:
            entries = [value for number, wire, value in proto_fields(raw)
                       if number == 1 and wire == 2 and isinstance(value, bytes)]
            for index, entry in enumerate(entries):  # MediaEntries { repeated MediaEntry entries = 1 }
                for n2, w2, v2 in proto_fields(entry):  # MediaEntry { string name = 1; ... }
                    if n2 == 1 and w2 == 2 and isinstance(v2, bytes):
                        members[str(index)] = v2.decode("utf-8", "replace")
        except ValueError:
            raise fail(path, "the media map is corrupt") from None
    else:
        try:
            loaded = json.loads(raw.decode("utf-8") or "{}")
            members = dict(loaded) if isinstance(loaded, dict) else {}
        except (ValueError, AttributeError):
            raise fail(path, "the media map is not valid JSON") from None
    for name in members.values():
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name:
            raise fail(path, f"unsafe archive: media name {name!r} is a path")
    return {member: clean_media_name(name) for member, name in members.items()}  # as the cards name them


__all__ = ["BUDGET_CEILING", "BUDGET_FLOOR", "BUDGET_RATIO", "Budget", "MAX_MEMBER", "budget_for", "check_names",
           "chunks", "extract", "fail", "media_map", "read_member"]
