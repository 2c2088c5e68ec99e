"""Reading .apkg packages: the legacy (`collection.anki2` / `collection.anki21`, schema 11)
and the current format (`collection.anki21b`, zstd-compressed, schema 18), chosen by the
package's `meta` — never the "please update" placeholder. Hostile archives are refused
before anything is written: names leaving the folder, entries inflating beyond sane
sizes, corrupt SQLite, files that are not zips."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from srs.anki.html import cloze, cloze_numbers, list_items, to_text
from srs.anki.ids import MC_NOTETYPE_NAME
from srs.anki.protobuf import fields as proto_fields
from srs.deckfile import CardSpec, DeckSpec, slug
from srs.errors import UserError
from srs.model import LETTERS

MAX_MEMBER = 2 * 1024**3        # no collection or media file in a package may inflate beyond 2 GiB
MAX_TOTAL = 8 * 1024**3
MAX_RATIO = 200                 # nor inflate more than 200 times its compressed size (zip bombs)


@dataclass
class AnkiReview:
    card_id: str
    deck_id: str
    rating: int
    at: datetime
    duration_ms: int


@dataclass
class AnkiPackage:
    decks: list[DeckSpec]
    reviews: list[AnkiReview] = field(default_factory=list)
    suspended: set[tuple[str, str]] = field(default_factory=set)


def _fail(path: Path, message: str) -> UserError:
    return UserError(f"{path}: {message}")


def _check_name(path: Path, name: str) -> None:
    p = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or p.is_absolute() or ".." in p.parts or re.match(r"^[A-Za-z]:", name):
        raise _fail(path, f"unsafe archive: member {name!r} would leave the folder")


def _read_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_MEMBER or (info.compress_size and info.file_size > MAX_RATIO * info.compress_size
                                       and info.file_size > 10 * 1024**2):
        raise _fail(path, f"unsafe archive: {info.filename!r} inflates to {info.file_size} bytes")
    out = bytearray()
    with zf.open(info) as f:
        while chunk := f.read(1 << 20):
            out += chunk
            if len(out) > info.file_size or len(out) > MAX_MEMBER:
                raise _fail(path, f"unsafe archive: {info.filename!r} is larger than it declares")
    return bytes(out)


def _zstd(path: Path, data: bytes, what: str) -> bytes:
    import zstandard

    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data)
        out = bytearray()
        while chunk := reader.read(1 << 20):
            out += chunk
            if len(out) > MAX_MEMBER or len(out) > MAX_RATIO * max(len(data), 1 << 20):
                raise _fail(path, f"unsafe archive: {what} inflates far beyond a sane size")
        return bytes(out)
    except zstandard.ZstdError as exc:
        raise _fail(path, f"{what} is not valid zstd data ({exc})") from None


def _check_media(path: Path, zf: zipfile.ZipFile, version: int) -> None:
    """Anki refuses a package whose media map names a path; so do we."""
    info = next((i for i in zf.infolist() if i.filename == "media"), None)
    if info is None:
        return
    raw = _read_member(path, zf, info)
    names: list[str] = []
    if version >= 3:
        raw = _zstd(path, raw, "the media map")
        try:
            for number, wire, value in proto_fields(raw):  # MediaEntries { repeated MediaEntry entries = 1 }
                if number == 1 and wire == 2:
                    for n2, w2, v2 in proto_fields(value):  # MediaEntry { string name = 1; ... }
                        if n2 == 1 and w2 == 2:
                            names.append(v2.decode("utf-8", "replace"))
        except ValueError:
            raise _fail(path, "the media map is corrupt") from None
    else:
        try:
            names = list(json.loads(raw.decode("utf-8") or "{}").values())
        except (ValueError, AttributeError):
            raise _fail(path, "the media map is not valid JSON") from None
    for name in names:
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name:
            raise _fail(path, f"unsafe archive: media name {name!r} is a path")


def read_package(path: Path) -> AnkiPackage:
    if not zipfile.is_zipfile(path):
        raise _fail(path, "not an Anki package (not a zip file)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not an Anki package ({exc})") from None
    with zf:
        infos = zf.infolist()
        total = 0
        for info in infos:
            _check_name(path, info.filename)
            total += info.file_size
            if info.file_size > MAX_MEMBER or (info.file_size > 10 * 1024**2 and
                                               info.file_size > MAX_RATIO * max(info.compress_size, 1)):
                raise _fail(path, f"unsafe archive: {info.filename!r} inflates to {info.file_size} bytes "
                                  f"from {info.compress_size}")
        if total > MAX_TOTAL:
            raise _fail(path, "unsafe archive: its entries inflate far beyond a sane size")
        members = {i.filename: i for i in infos}
        version = 0
        if "meta" in members:
            try:
                version = next((v for n, w, v in proto_fields(_read_member(path, zf, members["meta"]))
                                if n == 1 and w == 0), 0)  # PackageMetadata.version
            except ValueError:
                raise _fail(path, "the package's meta is corrupt") from None
        _check_media(path, zf, version)
        if version >= 3 or (version == 0 and "collection.anki21b" in members):
            name = "collection.anki21b"
        elif "collection.anki21" in members:
            name = "collection.anki21"
        else:
            name = "collection.anki2"
        if name not in members:
            raise _fail(path, f"the package has no {name}")
        data = _read_member(path, zf, members[name])
        if name.endswith("b"):
            data = _zstd(path, data, name)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "collection.db"
        db_path.write_bytes(data)
        try:
            db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
            try:
                return _read_collection(db, path)
            finally:
                db.close()
        except sqlite3.DatabaseError as exc:
            raise _fail(path, f"the collection inside is corrupt ({exc})") from None


@dataclass
class _Notetype:
    name: str
    cloze: bool
    fields: list[str]
    templates: int


def _notetypes(db: sqlite3.Connection) -> dict[int, _Notetype]:
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    if "notetypes" in tables:  # schema 18
        out = {}
        for ntid, name, config in db.execute("select id, name, config from notetypes"):
            kind = next((v for n, w, v in proto_fields(config or b"") if n == 1 and w == 0), 0)
            fields = [r[0] for r in db.execute("select name from fields where ntid = ? order by ord", (ntid,))]
            templates = db.execute("select count() from templates where ntid = ?", (ntid,)).fetchone()[0]
            out[ntid] = _Notetype(name, kind == 1, fields, templates)
        return out
    models = json.loads(db.execute("select models from col").fetchone()[0])
    return {int(k): _Notetype(m["name"], m.get("type") == 1, [f["name"] for f in m["flds"]], len(m["tmpls"]))
            for k, m in models.items()}


def _decks(db: sqlite3.Connection) -> dict[int, str]:
    tables = {r[0] for r in db.execute("select name from sqlite_master where type='table'")}
    if "decks" in tables:
        return {did: name.replace("\x1f", "::") for did, name in db.execute("select id, name from decks")}
    return {int(k): d["name"] for k, d in json.loads(db.execute("select decks from col").fetchone()[0]).items()}


def _card_id(guid: str, ord_: int, many: bool) -> str:
    base = "n" + hashlib.sha1(guid.encode()).hexdigest()[:12]
    return f"{base}-{ord_ + 1}" if many else base


def _read_collection(db: sqlite3.Connection, path: Path) -> AnkiPackage:
    notetypes = _notetypes(db)
    deck_names = _decks(db)
    notes = {nid: (guid, mid, flds.split("\x1f"), tags.split())
             for nid, guid, mid, flds, tags in db.execute("select id, guid, mid, flds, tags from notes")}
    by_deck: dict[str, list[CardSpec]] = {}
    names: dict[str, str] = {}
    where: dict[int, tuple[str, str]] = {}
    suspended: set[tuple[str, str]] = set()
    rows = db.execute("select c.id, c.nid, c.did, c.ord, c.queue from cards c order by c.did, c.due, c.nid, c.ord")
    for cid, nid, did, ord_, queue in rows:
        if nid not in notes:
            continue
        guid, mid, fields, tags = notes[nid]
        nt = notetypes.get(mid) or _Notetype("?", False, [], 1)
        spec = _card(nt, guid, ord_, fields, tuple(dict.fromkeys(t.replace(" ", "_") for t in tags)))
        if spec is None:
            continue
        name = deck_names.get(did, "Imported")
        deck_id = slug(name)
        names[deck_id] = name
        by_deck.setdefault(deck_id, []).append(spec)
        where[cid] = (deck_id, spec.id)
        if queue == -1:
            suspended.add((deck_id, spec.id))
    decks = []
    for deck_id, cards in by_deck.items():
        unique = list({c.id: c for c in cards}.values())
        decks.append(DeckSpec(deck_id, names[deck_id], "", None, tuple(unique), str(path)))
    reviews = []
    for rid, cid, ease, taken, kind in db.execute("select id, cid, ease, time, type from revlog order by id"):
        if cid in where and 1 <= ease <= 4 and kind in (0, 1, 2, 3):
            deck_id, card_id = where[cid]
            at = datetime.fromtimestamp(rid / 1000, tz=timezone.utc)
            reviews.append(AnkiReview(card_id, deck_id, ease, at, max(0, int(taken))))
    return AnkiPackage(decks, reviews, suspended)


def _card(nt: _Notetype, guid: str, ord_: int, fields: list[str], tags: tuple[str, ...]) -> CardSpec | None:
    while len(fields) < 2:
        fields.append("")
    if nt.name == MC_NOTETYPE_NAME and len(fields) >= 5:
        choices = tuple(list_items(fields[1]))
        letter = to_text(fields[2])[:1].upper()
        if 2 <= len(choices) <= 6 and letter and letter in LETTERS[: len(choices)]:
            return CardSpec(_card_id(guid, ord_, False), to_text(fields[0]), letter, choices, to_text(fields[3]),
                            to_text(fields[4]), tags)
    if nt.cloze:
        numbers = cloze_numbers(fields[0])
        number = ord_ + 1
        if number not in numbers:
            return None
        question, answer = cloze(fields[0], number)
        extra = to_text(fields[1]) if len(fields) > 1 else ""
        return CardSpec(_card_id(guid, ord_, True), to_text(question), to_text(answer), None, extra, "", tags)
    front, back = to_text(fields[0]), to_text(fields[1])
    if nt.templates >= 2 and ord_ == 1:  # "Basic (and reversed card)": the second card asks the back
        front, back = back, front
    if not front or not back:
        return None
    return CardSpec(_card_id(guid, ord_, nt.templates >= 2), front, back, None, "", "", tags)


__all__ = ["AnkiPackage", "AnkiReview", "read_package"]
