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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from srs.anki.html import cloze_numbers, list_items, to_text
from srs.anki.ids import BASIC_NOTETYPE_ID, MC_NOTETYPE_ID, MC_NOTETYPE_NAME
from srs.anki.media_names import clean_media_name, with_clean_media_refs
from srs.anki.protobuf import fields as proto_fields
from srs.anki.template import CardContext, render
from srs.deckfile import CardSpec, DeckSpec
from srs.errors import UserError
from srs.model import LETTERS
from srs.scripts import mixed_scripts

MAX_MEMBER = 2 * 1024**3        # no collection or media file in a package may inflate beyond 2 GiB
MAX_TOTAL = 8 * 1024**3
MAX_RATIO = 200                 # nor inflate more than 200 times its compressed size (zip bombs)
MAX_MEDIA_FILE = 64 * 1024**2   # a media file srs keeps with a deck


@dataclass(frozen=True)
class AnkiReview:
    rating: int
    at: datetime
    duration_ms: int


@dataclass(frozen=True)
class AnkiSchedule:
    """A card's scheduling as Anki keeps it: its type (0 new, 1 learning, 2 review,
    3 relearning), queue (-1 suspended, -2/-3 buried), due date, counts and, when the
    collection uses FSRS, its memory state."""

    type: int
    queue: int
    due: datetime | None
    reps: int
    lapses: int
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.queue == -1


@dataclass(frozen=True)
class AnkiCard:
    """One Anki card as srs will keep it: the card as rendered by its note's templates, and
    where it came from (the note's GUID, the card's ord, the Anki deck's name)."""

    spec: CardSpec
    guid: str
    ord: int
    deck: str
    notetype: str
    schedule: AnkiSchedule
    reviews: tuple[AnkiReview, ...] = ()
    target: tuple[str, str] | None = None  # (srs deck id, card id) when the file carries them


@dataclass(frozen=True)
class Skipped:
    """A note (or one of its cards) that srs does not import, named, and why."""

    note: str
    reason: str
    deck: str = ""


@dataclass
class AnkiPackage:
    cards: list[AnkiCard] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    source: str = ""
    history: bool = True  # a package has a review log (a text file does not)
    media: dict[str, bytes] = field(default_factory=dict)  # the media files the cards use, by name
    carries_targets = True  # placements() may name an srs card (a CSV's deck and id columns)

    # the reading interface of PackageReader, for a package already in memory
    def placements(self) -> Iterator[tuple[str, int, str, tuple[str, str] | None]]:
        for card in self.cards:
            yield card.guid, card.ord, card.deck, card.target

    def batches(self, size: int = 5_000) -> Iterator[list[AnkiCard]]:
        for i in range(0, len(self.cards), size):
            yield self.cards[i:i + size]

    def media_for(self, used: set[str]) -> dict[str, bytes]:
        return {name: self.media[name] for name in used if name in self.media}

    @property
    def reviews(self) -> list[AnkiReview]:
        return [r for c in self.cards for r in c.reviews]

    @property
    def decks(self) -> list[DeckSpec]:
        """The cards grouped by Anki deck, each deck under its own id (``deck_id``)."""
        by_deck: dict[str, list[CardSpec]] = {}
        for card in self.cards:
            by_deck.setdefault(card.deck, []).append(card.spec)
        return [DeckSpec(deck_id(name), name, "", None, tuple({c.id: c for c in cards}.values()), self.source)
                for name, cards in by_deck.items()]


def deck_id(name: str) -> str:
    """An Anki deck's srs id, readable in any script: its name lower-cased, every run of
    characters that are not letters or digits (in any alphabet) as one hyphen; `::`
    (a subdeck) too. A name with no letter or digit at all, or whose letters mix scripts
    that look alike (srs.scripts), gets a digest of the name."""
    s = re.sub(r"[\W_]+", "-", name.casefold()).strip("-")
    return s if s and not mixed_scripts(s) else "deck-" + hashlib.sha1(name.encode()).hexdigest()[:8]


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


def _media_map(path: Path, zf: zipfile.ZipFile, version: int) -> dict[str, str]:
    """The package's media map, member -> file name. Anki refuses a package whose map
    names a path; so do we."""
    info = next((i for i in zf.infolist() if i.filename == "media"), None)
    if info is None:
        return {}
    raw = _read_member(path, zf, info)
    members: dict[str, str] = {}
    if version >= 3:
        raw = _zstd(path, raw, "the media map")
        try:
            entries = [value for number, wire, value in proto_fields(raw) if number == 1 and wire == 2]
            for index, entry in enumerate(entries):  # MediaEntries { repeated MediaEntry entries = 1 }
                for n2, w2, v2 in proto_fields(entry):  # MediaEntry { string name = 1; ... }
                    if n2 == 1 and w2 == 2:
                        members[str(index)] = v2.decode("utf-8", "replace")
        except ValueError:
            raise _fail(path, "the media map is corrupt") from None
    else:
        try:
            loaded = json.loads(raw.decode("utf-8") or "{}")
            members = dict(loaded) if isinstance(loaded, dict) else {}
        except (ValueError, AttributeError):
            raise _fail(path, "the media map is not valid JSON") from None
    for name in members.values():
        if not isinstance(name, str) or name in ("", ".", "..") or "/" in name or "\\" in name:
            raise _fail(path, f"unsafe archive: media name {name!r} is a path")
    return {member: clean_media_name(name) for member, name in members.items()}  # as the cards name them


_MEDIA_REF = re.compile(r"\[(?:image|sound): ([^\]\n]+)\]")


def media_names(*texts: str) -> set[str]:
    """The media files a card's text names (`[image: x.png]`, `[sound: y.mp3]`)."""
    return {m.group(1) for t in texts for m in _MEDIA_REF.finditer(t)}


def _extract(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, compressed: bool) -> None:
    """A member to a file, streamed (never the whole collection in memory), within limits."""
    written = 0
    with zf.open(info) as src, dest.open("wb") as out:
        if compressed:
            import zstandard

            try:
                reader = zstandard.ZstdDecompressor().stream_reader(src)
                while chunk := reader.read(1 << 20):
                    written += len(chunk)
                    if written > MAX_MEMBER or written > MAX_RATIO * max(info.compress_size, 1 << 20):
                        raise _fail(path, f"unsafe archive: {info.filename} inflates far beyond a sane size")
                    out.write(chunk)
            except zstandard.ZstdError as exc:
                raise _fail(path, f"{info.filename} is not valid zstd data ({exc})") from None
            return
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > info.file_size or written > MAX_MEMBER:
                raise _fail(path, f"unsafe archive: {info.filename!r} is larger than it declares")
            out.write(chunk)


@contextmanager
def open_package(path: Path, with_reviews: bool = True) -> Iterator["PackageReader"]:
    """A package opened for reading its cards in batches (see PackageReader); the archive
    is checked first: hostile archives are refused before anything is read."""
    if not zipfile.is_zipfile(path):
        raise _fail(path, "not an Anki package (not a zip file)")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not an Anki package ({exc})") from None
    with zf, tempfile.TemporaryDirectory() as tmp:
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
        media = _media_map(path, zf, version)
        if version >= 3 or (version == 0 and "collection.anki21b" in members):
            name = "collection.anki21b"
        elif "collection.anki21" in members:
            name = "collection.anki21"
        else:
            name = "collection.anki2"
        if name not in members:
            raise _fail(path, f"the package has no {name}")
        db_path = Path(tmp) / "collection.db"
        _extract(path, zf, members[name], db_path, name.endswith("b"))
        try:
            db = sqlite3.connect(db_path)
        except sqlite3.DatabaseError as exc:
            raise _fail(path, f"the collection inside is corrupt ({exc})") from None
        try:
            yield PackageReader(db, path, with_reviews, zf, media, version)
        except sqlite3.DatabaseError as exc:
            raise _fail(path, f"the collection inside is corrupt ({exc})") from None
        finally:
            db.close()


def read_package(path: Path, with_reviews: bool = True) -> AnkiPackage:
    """The whole package in memory (small packages, tests; imports stream: open_package)."""
    with open_package(path, with_reviews) as reader:
        package = AnkiPackage(source=str(path), history=with_reviews)
        for batch in reader.batches():
            package.cards.extend(batch)
        used = set()
        for card in package.cards:
            used |= media_names(card.spec.question, card.spec.answer, card.spec.explanation)
        package.media = reader.media_for(used)
        package.skipped = reader.skipped
        return package


@dataclass
class _Notetype:
    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]  # (name, question format, answer format) by ord
    srs: str = ""  # "mc" or "basic" for the note types srs writes


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("select name from sqlite_master where type='table'")}


def _notetypes(db: sqlite3.Connection) -> dict[int, _Notetype]:
    if "notetypes" in _tables(db):  # schema 18
        out = {}
        for ntid, name, config in db.execute("select id, name, config from notetypes"):
            kind = next((v for n, w, v in proto_fields(config or b"") if n == 1 and w == 0), 0)
            fields = [r[0] for r in db.execute("select name from fields where ntid = ? order by ord", (ntid,))]
            templates = []
            for tname, tconfig in db.execute("select name, config from templates where ntid = ? order by ord",
                                             (ntid,)):
                parts = {n: v for n, w, v in proto_fields(tconfig or b"") if w == 2 and n in (1, 2)}
                templates.append((tname, parts.get(1, b"").decode("utf-8", "replace"),
                                  parts.get(2, b"").decode("utf-8", "replace")))
            out[ntid] = _Notetype(name, kind == 1, fields, templates)
    else:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        out = {int(k): _Notetype(m["name"], m.get("type") == 1, [f["name"] for f in m["flds"]],
                                 [(t.get("name", ""), t.get("qfmt", ""), t.get("afmt", "")) for t in m["tmpls"]])
               for k, m in models.items()}
    for ntid, nt in out.items():
        if ntid == MC_NOTETYPE_ID or (nt.name == MC_NOTETYPE_NAME and nt.fields[:3] == ["Question", "Choices", "Answer"]):
            nt.srs = "mc"
        elif ntid == BASIC_NOTETYPE_ID:
            nt.srs = "basic"
    return out


def _decks(db: sqlite3.Connection) -> dict[int, str]:
    if "decks" in _tables(db):
        return {did: name.replace("\x1f", "::") for did, name in db.execute("select id, name from decks")}
    return {int(k): d["name"] for k, d in json.loads(db.execute("select decks from col").fetchone()[0]).items()}


ANKI_ID = re.compile(r"^n[0-9a-f]{12}(?:-\d+)?$")  # what card_id gives


def card_id(guid: str, ord_: int, many: bool) -> str:
    """The srs id of an Anki card: from its note's GUID (and its ord, for a note type that
    makes several cards), so every import of the note finds the same card."""
    base = "n" + hashlib.sha1(guid.encode()).hexdigest()[:12]
    return f"{base}-{ord_ + 1}" if many else base


def _when(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def _schedule(type_: int, queue: int, due: int, odue: int, odid: int, reps: int, lapses: int, data: str,
              crt: int, last: datetime | None) -> AnkiSchedule:
    if odid and odue:  # in a filtered deck: its home deck's due
        due = odue
    when = None
    if type_ == 2:
        when = _when(crt + due * 86400)
    elif type_ in (1, 3):
        when = _when(due) if due > 1_000_000_000 else _when(crt + due * 86400)
    stability = difficulty = None
    try:
        memory = json.loads(data) if data and data != "{}" else {}
    except ValueError:
        memory = {}
    if isinstance(memory, dict) and isinstance(memory.get("s"), (int, float)) and \
            isinstance(memory.get("d"), (int, float)) and memory["s"] > 0:
        stability, difficulty = float(memory["s"]), float(memory["d"])
        if isinstance(memory.get("lrt"), (int, float)) and memory["lrt"] > 0:
            last = _when(memory["lrt"])
    return AnkiSchedule(type_, queue, when, reps, lapses, stability, difficulty, last)


def _label(fields: list[str], guid: str) -> str:
    """A note named for a person: its first field with text, shortened."""
    text = next((t for t in (" ".join(to_text(f).split()) for f in fields) if t), "")
    return (text[:60] + "…" if len(text) > 60 else text) or f"note {guid}"


class PackageReader:
    """An open package's collection, read in batches of cards so that importing a big deck
    never holds it all in memory: ``placements()`` (a light first pass: each card's GUID, ord
    and deck), ``batches()`` (the cards, rendered, with their schedule and, when asked,
    their reviews), ``media_for(names)``. Notes that do not become cards collect in
    ``skipped``."""

    carries_targets = False  # placements() never names an srs card (an AnkiPackage's may)

    def __init__(self, db: sqlite3.Connection, path: Path, with_reviews: bool, zf: zipfile.ZipFile,
                 media: dict[str, str], version: int) -> None:
        self.db, self.path, self.history, self.zf, self.version = db, path, with_reviews, zf, version
        self.source = str(path)
        self._media = media
        self.notetypes = _notetypes(db)
        self.deck_names = _decks(db)
        self.crt = int(db.execute("select crt from col").fetchone()[0] or 0)
        self.skipped: list[Skipped] = []
        if with_reviews:  # batches look reviews up by card
            db.execute("create index if not exists srs_revlog_cid on revlog (cid, id)")

    def is_empty(self) -> bool:
        return self.db.execute("select not exists (select 1 from notes)").fetchone()[0] == 1

    def _deck(self, did: int, odid: int) -> str:
        return self.deck_names.get(odid or did) or self.deck_names.get(did) or "Imported"

    def placements(self) -> Iterator[tuple[str, int, str, None]]:
        """(note GUID, card ord, deck name, no carried target) of every card whose note is there."""
        decks: dict[tuple[int, int], str] = {}
        for guid, ord_, did, odid in self.db.execute(
                "select n.guid, c.ord, c.did, c.odid from cards c join notes n on n.id = c.nid"):
            deck = decks.get((did, odid))
            if deck is None:
                deck = decks[(did, odid)] = self._deck(did, odid)
            yield guid, ord_, deck, None

    def batches(self, size: int = 5_000) -> Iterator[list[AnkiCard]]:
        rows = self.db.execute(
            "select c.id, c.did, c.ord, c.type, c.queue, c.due, c.odue, c.odid, c.reps, c.lapses, c.flags, c.data, "
            "n.guid, n.mid, n.flds, n.tags from cards c join notes n on n.id = c.nid "
            "order by c.did, c.due, c.nid, c.ord")
        decks: dict[tuple[int, int], str] = {}
        notetypes = self.notetypes
        while chunk := rows.fetchmany(size):
            reviews = self._reviews([r[0] for r in chunk]) if self.history else {}
            batch = []
            tag_sets: dict[str, tuple[str, ...]] = {}  # (a batch's notes share a few tag strings)
            for cid, did, ord_, type_, queue, due, odue, odid, reps, lapses, flags, data, guid, mid, flds, tags \
                    in chunk:
                fields = flds.split("\x1f")
                nt = notetypes.get(mid)
                deck = decks.get((did, odid))
                if deck is None:
                    deck = decks[(did, odid)] = self._deck(did, odid)
                if nt is None:
                    self.skipped.append(Skipped(_label(fields, guid), "its note type is missing from the package",
                                                deck))
                    continue
                tag_set = tag_sets.get(tags)
                if tag_set is None:
                    tag_set = tag_sets[tags] = tuple(dict.fromkeys(tags.split()))
                spec, why = _card(nt, guid, ord_, fields, tag_set, deck, flags & 7)
                spec = with_clean_media_refs(spec)  # its media named as srs stores them
                if spec is None:
                    self.skipped.append(Skipped(_label(fields, guid) + (f" (card {ord_ + 1})" if ord_ else ""),
                                                why, deck))
                    continue
                history = tuple(reviews.get(cid, ())) if reviews else ()
                if type_ == 0 and (not data or data == "{}"):  # a new card without memory: nothing to work out
                    schedule = AnkiSchedule(0, queue, None, reps, lapses, None, None,
                                            history[-1].at if history else None)
                else:
                    schedule = _schedule(type_, queue, due, odue, odid, reps, lapses, data, self.crt,
                                         history[-1].at if history else None)
                batch.append(AnkiCard(spec, guid, ord_, deck, nt.name, schedule, history))
            yield batch
        for guid, flds in self.db.execute("select guid, flds from notes where id not in (select nid from cards)"):
            self.skipped.append(Skipped(_label(flds.split("\x1f"), guid), "the note has no cards"))

    def _reviews(self, cids: list[int]) -> dict[int, list[AnkiReview]]:
        out: dict[int, list[AnkiReview]] = {}
        marks = ",".join("?" * len(cids))
        for rid, cid, ease, taken, kind in self.db.execute(
                f"select id, cid, ease, time, type from revlog where cid in ({marks}) order by cid, id", cids):
            if 1 <= ease <= 4 and kind in (0, 1, 2, 3):
                out.setdefault(cid, []).append(AnkiReview(ease, _when(rid / 1000), max(0, int(taken))))
        return out

    def media_for(self, used: set[str]) -> dict[str, bytes]:
        """The media files the imported cards use, each up to MAX_MEDIA_FILE (larger ones
        are named in ``skipped``, not kept); files no card uses stay behind, as in Anki."""
        out: dict[str, bytes] = {}
        by_name = {name: member for member, name in self._media.items()}
        infos = {i.filename: i for i in self.zf.infolist()}
        for name in sorted(used):
            info = infos.get(by_name.get(name, ""))
            if info is None:
                self.skipped.append(Skipped(name, "a media file the cards use is not in the package"))
                continue
            data = _read_member(self.path, self.zf, info)
            if self.version >= 3:
                data = _zstd(self.path, data, f"media file {name!r}")
            if len(data) > MAX_MEDIA_FILE:
                self.skipped.append(Skipped(name, f"a media file larger than {MAX_MEDIA_FILE // 2**20} MiB: "
                                                  "not kept"))
                continue
            out[name] = data
        return out


def _card(nt: _Notetype, guid: str, ord_: int, fields: list[str], tags: tuple[str, ...], deck: str,
          flag: int) -> tuple[CardSpec | None, str]:
    """The card ``ord_`` of a note, as srs keeps it, or None and why not."""
    if len(fields) < len(nt.fields):
        fields = fields + [""] * (len(nt.fields) - len(fields))
    if nt.srs == "mc" and len(fields) >= 5:
        choices = tuple(list_items(fields[1]))
        letter = to_text(fields[2])[:1].upper()
        if 2 <= len(choices) <= 6 and letter and letter in LETTERS[: len(choices)]:
            return CardSpec(card_id(guid, ord_, False), to_text(fields[0]), letter, choices, to_text(fields[3]),
                            to_text(fields[4]), tags), ""
    if nt.srs == "basic" and len(fields) >= 2:
        back, explanation = split_back(fields[1])
        question = to_text(fields[0])
        if question:
            return CardSpec(card_id(guid, ord_, False), question, to_text(back), None, to_text(explanation), "",
                            tags), ""
    if nt.cloze:
        template = nt.templates[0] if nt.templates else ("Cloze", "{{cloze:Text}}", "{{cloze:Text}}")
    elif ord_ < len(nt.templates):
        template = nt.templates[ord_]
    else:
        return None, f"its note type has no card template {ord_ + 1}"
    ctx = CardContext(dict(zip(nt.fields, fields)), ord_, tags, deck, nt.name, template[0], flag)
    question_html, answer_html = render(template[1], template[2], ctx)
    question, answer = to_text(question_html), to_text(answer_html)
    if nt.cloze and ord_ + 1 not in cloze_numbers(" ".join(fields)):
        return None, f"its text has no cloze deletion c{ord_ + 1}"
    if not question:
        return None, "the question side is empty"
    many = nt.cloze or len(nt.templates) > 1
    return CardSpec(card_id(guid, ord_, many), question, answer, None, "", "", tags), ""


_EXPLANATION = re.compile(r'<div class="srs-explanation">(.*?)</div>\s*$', re.S)


def split_back(back: str) -> tuple[str, str]:
    """The back of a card srs wrote: (answer, explanation), the explanation in its own div.
    (srs's packages before that put it after a blank line: it reads as part of the answer,
    as Anki shows it.)"""
    m = _EXPLANATION.search(back)
    return (back[:m.start()], m.group(1)) if m else (back, "")


__all__ = ["ANKI_ID", "AnkiCard", "AnkiPackage", "AnkiReview", "AnkiSchedule", "PackageReader", "Skipped", "card_id",
           "deck_id", "media_names", "open_package", "read_package", "split_back"]
