"""Reading .apkg packages: the legacy (`collection.anki2` / `collection.anki21`, schema 11)
and the current format (`collection.anki21b`, zstd-compressed, schema 18), chosen by the
package's `meta` — never the "please update" placeholder. Hostile archives are refused
before anything is written: names leaving the folder, a package inflating beyond its
budget (archive.py), a collection that is code rather than data (collection_db.py), corrupt
SQLite, files that are not zips; whatever else a package causes is one UserError naming
it (the reader's boundary: ``open_package`` and each step of a PackageReader)."""

from __future__ import annotations

import functools
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Container, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from srs.anki.archive import Budget, check_names, extract, fail as _fail, media_map, read_member
from srs.anki.collection_db import Notetype, StepBudget, deck_names, notetypes, open_collection, query_error
from srs.anki.convert import basic_card, mc_card
from srs.anki.html import to_text
from srs.anki.ids import card_id
from srs.anki.media_names import media_names, with_clean_media_refs
from srs.anki.protobuf import fields as proto_fields
from srs.anki.scan import MAX_FIELD_CHARS
from srs.anki.template import CardContext, cloze_numbers, render_counted
from srs.anki.text_budget import TextBudget, TextTooLong
from srs.anki.types import AnkiCard, AnkiPackage, AnkiReview, AnkiSchedule, CardHtml, Skipped
from srs.deckfile import CardSpec, _card_spec
from srs.errors import detail, reading
from srs.model import record_maker

T = TypeVar("T")

MAX_MEDIA_FILE = 64 * 1024**2   # a media file srs keeps with a deck


@contextmanager
def open_package(path: Path, with_reviews: bool = True) -> Iterator["PackageReader"]:
    """A package opened for reading its cards in batches (see PackageReader); the archive
    is checked first: hostile archives are refused before anything is read."""
    with ExitStack() as stack:
        with reading(path):  # the reader's boundary: whatever the archive causes is one line
            reader = _open(path, with_reviews, stack)
        yield reader


def _open(path: Path, with_reviews: bool, stack: ExitStack) -> "PackageReader":
    if not zipfile.is_zipfile(path):
        raise _fail(path, "not an Anki package (not a zip file)")
    try:
        zf = stack.enter_context(zipfile.ZipFile(path))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, f"not an Anki package ({detail(exc)})") from None
    budget = Budget(path, path.stat().st_size)
    tmp = stack.enter_context(tempfile.TemporaryDirectory())
    infos = zf.infolist()
    check_names(path, infos)
    members = {i.filename: i for i in infos}
    version = 0
    if "meta" in members:
        try:
            version = next((v for n, w, v in proto_fields(read_member(path, zf, members["meta"], budget) or b"")
                            if n == 1 and w == 0 and isinstance(v, int)), 0)  # PackageMetadata.version
        except ValueError:
            raise _fail(path, "the package's meta is corrupt") from None
    media = media_map(path, zf, version, budget)
    if version >= 3 or (version == 0 and "collection.anki21b" in members):
        name = "collection.anki21b"
    elif "collection.anki21" in members:
        name = "collection.anki21"
    else:
        name = "collection.anki2"
    if name not in members:
        raise _fail(path, f"the package has no {name}")
    db_path = Path(tmp) / "collection.db"
    extract(path, zf, members[name], db_path, budget, name.endswith("b"))
    db, steps = open_collection(path, db_path)
    stack.callback(db.close)
    with _boundary(path, steps):
        return PackageReader(db, path, with_reviews, zf, media, version, budget, steps,
                             TextBudget(path, path.stat().st_size))


def read_package(path: Path, with_reviews: bool = True) -> AnkiPackage:
    """The whole package in memory (small packages, tests; imports stream: open_package)."""
    with open_package(path, with_reviews) as reader:
        package = AnkiPackage(source=str(path), history=with_reviews, renders_html=True, ids_from_guids=True)
        for batch in reader.batches():
            package.cards.extend(batch)
        used = set()
        for card in package.cards:
            used |= media_names(card.spec.question, card.spec.answer, card.spec.explanation)
        package.media = dict(reader.read_media(used))
        package.skipped = reader.skipped
        return package


#: AnkiCard(...) and AnkiSchedule(...) from all their values, without the frozen
#: dataclasses' __init__ (one each per card of a package)
_new_card, _new_schedule = record_maker(AnkiCard), record_maker(AnkiSchedule)


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
    text, left = "", 4000  # (a label: read from the first 4,000 characters, whatever the note)
    for f in fields:
        text, left = " ".join(to_text(f[:left]).split()), left - len(f)
        if text or left <= 0:
            break
    return (text[:60] + "…" if len(text) > 60 else text) or f"note {guid}"


_END = object()


def _as_text(*columns: str) -> str:
    """SQL for ``columns`` read as text (and _as_int: as integers), whatever a file holds in them."""
    return ", ".join(f"cast({c} as text)" for c in columns)


def _as_int(*columns: str) -> str:
    return ", ".join(f"cast({c} as integer)" for c in columns)


def _guarded(method: Callable[..., Iterator[T]]) -> Callable[..., Iterator[T]]:
    """A generator method of PackageReader with each of its steps inside the reader's
    boundary (and not the caller's work between them)."""

    @functools.wraps(method)
    def wrapper(self: "PackageReader", *args: object, **kwargs: object) -> Iterator[T]:
        steps = method(self, *args, **kwargs)
        while True:
            with _boundary(self.path, self.steps, self._where):
                item = next(steps, _END)
            if item is _END:
                return
            yield item  # type: ignore[misc]

    return wrapper


class PackageReader:
    """An open package's collection, read in batches of cards so that importing a big deck
    never holds it all in memory: ``placements()`` (a light first pass: each card's GUID, ord
    and deck), ``batches()`` (the cards, rendered, with their schedule and, when asked,
    their reviews), ``read_media(names)`` (one file at a time). Notes that do not become
    cards collect in ``skipped``. Each of them is a reader's boundary: whatever the package
    makes go wrong comes out as one UserError naming it (and the note, where known)."""

    carries_targets = False  # placements() never names an srs card (an AnkiPackage's may)
    renders_html = True  # each card comes with the HTML its templates render, or None: its text says all
    ids_from_guids = True  # each card's id is card_id(its note's GUID, its ord, whether the note makes several)

    def __init__(self, db: sqlite3.Connection, path: Path, with_reviews: bool, zf: zipfile.ZipFile,
                 media: dict[str, str], version: int, budget: Budget, steps: StepBudget, text: TextBudget) -> None:
        self.db, self.path, self.history, self.zf, self.version = db, path, with_reviews, zf, version
        self.source = str(path)
        self._media, self.budget, self.steps, self.text = media, budget, steps, text
        self.notetypes = notetypes(db)
        self.deck_names = deck_names(db)
        self.crt = int(db.execute("select crt from col").fetchone()[0] or 0)
        self.skipped: list[Skipped] = []
        self._note = ""  # the GUID of the note being read, for an error's message
        if with_reviews:  # batches look reviews up by card (the collection is read-only: a copy, indexed)
            db.execute("create temp table srs_revlog as select cast(id as integer) as id, cast(cid as integer) as cid, "
                       "cast(ease as integer) as ease, cast(time as integer) as time, cast(type as integer) as type "
                       "from main.revlog")
            db.execute("create index temp.srs_revlog_cid on srs_revlog (cid, id)")

    def is_empty(self) -> bool:
        with _boundary(self.path, self.steps):
            return self.db.execute("select not exists (select 1 from notes)").fetchone()[0] == 1

    def _deck(self, did: int, odid: int) -> str:
        return self.deck_names.get(odid or did) or self.deck_names.get(did) or "Imported"

    def _where(self) -> str:
        return f", note {self._note!r}" if self._note else ""

    def placements(self, known: Container[str] | None = None) -> Iterator[tuple[str, int, str, None]]:
        """(note GUID, card ord, deck name, no carried target) of every card whose note is
        there; with ``known``, only the first cards (ord 0) of the notes it names: the only
        ones a merge recognises by GUID."""
        for chunk in self._placement_chunks(known):
            yield from chunk

    @_guarded
    def _placement_chunks(self, known: Container[str] | None, size: int = 20_000
                          ) -> Iterator[list[tuple[str, int, str, None]]]:
        decks: dict[tuple[int, int], str] = {}

        def placed(rows: list[tuple[str, int, int, int]]) -> list[tuple[str, int, str, None]]:
            out = []
            for guid, ord_, did, odid in rows:
                deck = decks.get((did, odid))
                if deck is None:
                    deck = decks[(did, odid)] = self._deck(did, odid)
                out.append((guid, ord_, deck, None))
            return out

        if known is None:
            rows = self.db.execute(f"select {_as_text('n.guid')}, {_as_int('c.ord', 'c.did', 'c.odid')} "
                                   "from cards c join notes n on n.id = c.nid")
            while chunk := rows.fetchmany(size):
                yield placed(chunk)
            return
        # the notes known first (a scan of notes alone), then their first cards (of cards
        # alone): not the join, whose look-up of each card's note is most of its time
        notes: dict[int, str] = {}
        rows = self.db.execute(f"select id, {_as_text('guid')} from notes")
        while chunk := rows.fetchmany(size):
            notes.update([(nid, guid) for nid, guid in chunk if guid in known])
            yield []
        if not notes:
            return
        rows = self.db.execute(f"select nid, {_as_int('ord', 'did', 'odid')} from cards")
        while chunk := rows.fetchmany(size):
            yield placed([(notes[nid], ord_, did, odid) for nid, ord_, did, odid in chunk
                          if ord_ == 0 and nid in notes])

    @_guarded
    def batches(self, size: int = 5_000) -> Iterator[list[AnkiCard]]:
        rows = self.db.execute(
            f"select {_as_int('c.id', 'c.did', 'c.ord', 'c.type', 'c.queue', 'c.due', 'c.odue', 'c.odid')}, "
            f"{_as_int('c.reps', 'c.lapses', 'c.flags')}, {_as_text('c.data', 'n.guid')}, {_as_int('n.mid')}, "
            f"{_as_text('n.flds', 'n.tags')} "
            "from cards c join notes n on n.id = c.nid order by c.did, c.due, c.nid, c.ord")
        decks: dict[tuple[int, int], str] = {}
        notetypes = self.notetypes
        unstudied: dict[tuple[int, int, int], AnkiSchedule] = {}
        make_card = _new_card
        while chunk := rows.fetchmany(size):
            reviews = self._reviews([r[0] for r in chunk]) if self.history else {}
            batch = []
            tag_sets: dict[str, tuple[str, ...]] = {}  # (a batch's notes share a few tag strings)
            for cid, did, ord_, type_, queue, due, odue, odid, reps, lapses, flags, data, guid, mid, flds, tags \
                    in chunk:
                self._note = guid
                self.text.spend(len(flds))  # every card reads its note's fields (a cloze card: all of them)
                fields = flds.split("\x1f")
                nt = notetypes.get(mid)
                deck = decks.get((did, odid))
                if deck is None:
                    deck = decks[(did, odid)] = self._deck(did, odid)
                if nt is None:
                    self.skipped.append(Skipped(_label(fields, guid), "its note type is missing from the package",
                                                deck))
                    continue
                if len(flds) > MAX_FIELD_CHARS and max(map(len, fields)) > MAX_FIELD_CHARS:
                    self.skipped.append(Skipped(_label([f[:1000] for f in fields], guid) + (
                        f" (card {ord_ + 1})" if ord_ else ""), f"a field longer than {MAX_FIELD_CHARS:,} characters",
                        deck))
                    continue
                tag_set = tag_sets.get(tags)
                if tag_set is None:
                    tag_set = tag_sets[tags] = tuple(dict.fromkeys(tags.split()))
                spec, html, why = _card(nt, guid, ord_, fields, tag_set, deck, flags & 7, self.text)
                if spec is None:
                    self.skipped.append(Skipped(_label(fields, guid) + (f" (card {ord_ + 1})" if ord_ else ""),
                                                why, deck))
                    continue
                spec = with_clean_media_refs(spec)  # its media named as srs stores them
                history = tuple(reviews.get(cid, ())) if reviews else ()
                if type_ == 0 and (not data or data == "{}"):  # a new card without memory: nothing to work out
                    if history:
                        schedule = _new_schedule(0, queue, None, reps, lapses, None, None, history[-1].at)
                    else:  # (cards never studied share a few: one of each)
                        schedule = unstudied.get((queue, reps, lapses))
                        if schedule is None:
                            schedule = unstudied[(queue, reps, lapses)] = _new_schedule(
                                0, queue, None, reps, lapses, None, None, None)
                else:
                    schedule = _schedule(type_, queue, due, odue, odid, reps, lapses, data, self.crt,
                                         history[-1].at if history else None)
                batch.append(make_card(spec, guid, ord_, deck, nt.name, schedule, history, None, html))
            self._note = ""
            yield batch
        for guid, flds in self.db.execute(f"select {_as_text('guid', 'flds')} from notes "
                                       "where id not in (select nid from cards)"):
            self.skipped.append(Skipped(_label(flds.split("\x1f"), guid), "the note has no cards"))

    def _reviews(self, cids: list[int]) -> dict[int, list[AnkiReview]]:
        out: dict[int, list[AnkiReview]] = {}
        marks = ",".join("?" * len(cids))
        for rid, cid, ease, taken, kind in self.db.execute(
                f"select id, cid, ease, time, type from srs_revlog where cid in ({marks}) order by cid, id", cids):
            if 1 <= ease <= 4 and kind in (0, 1, 2, 3):
                out.setdefault(cid, []).append(AnkiReview(ease, _when(rid / 1000), max(0, int(taken))))
        return out

    def read_media(self, used: set[str]) -> Iterator[tuple[str, bytes | bytearray]]:
        """(name, content) of each media file the imported cards use, one at a time (never
        all of them in memory), each up to MAX_MEDIA_FILE (larger ones are named in
        ``skipped``, not kept), every byte counted against the package's budget; files no
        card uses stay behind, as in Anki."""
        by_name = {name: member for member, name in self._media.items()}
        infos = {i.filename: i for i in self.zf.infolist()}
        for name in sorted(used):
            info = infos.get(by_name.get(name, ""))
            if info is None:
                self.skipped.append(Skipped(name, "a media file the cards use is not in the package"))
                continue
            with _boundary(self.path, self.steps):
                data = read_member(self.path, self.zf, info, self.budget, self.version >= 3, MAX_MEDIA_FILE,
                                   f"media file {name!r}")
            if data is None:
                self.skipped.append(Skipped(name, f"a media file larger than {MAX_MEDIA_FILE // 2**20} MiB: "
                                                  "not kept"))
                continue
            yield name, data
            del data  # (not held while the next one is read)


@contextmanager
def _boundary(path: Path, steps: StepBudget, where: Callable[[], str] | None = None) -> Iterator[None]:
    """A package reader's boundary: an error reading the collection, or any other the
    package's content causes, becomes one UserError naming the package (``where`` names
    the note being read)."""
    with reading(path, where):
        try:
            yield
        except sqlite3.Error as exc:
            raise query_error(path, exc, steps) from None


def _card(nt: Notetype, guid: str, ord_: int, fields: list[str], tags: tuple[str, ...], deck: str,
          flag: int, text: TextBudget) -> tuple[CardSpec | None, CardHtml | None, str]:
    """The card ``ord_`` of a note, as srs keeps it, and the HTML its templates render when
    that says more than its text; or None and why not. srs's own note types are read back
    from their fields (srs/anki/convert.py), any other through its templates; the text
    they render is spent from the package's ``text`` budget (past it: the package is refused)."""
    if len(fields) < len(nt.fields):
        fields = fields + [""] * (len(nt.fields) - len(fields))
    spec = None
    if nt.srs == "mc" and len(fields) >= 5:
        spec = mc_card(card_id(guid, ord_, False), fields, tags)
    elif nt.srs == "basic" and len(fields) >= 2:
        spec = basic_card(card_id(guid, ord_, False), fields, tags)
    if spec is not None:
        return spec, None, ""
    if nt.cloze:
        template = nt.templates[0] if nt.templates else ("Cloze", "{{cloze:Text}}", "{{cloze:Text}}")
    elif ord_ < len(nt.templates):
        template = nt.templates[ord_]
    else:
        return None, None, f"its note type has no card template {ord_ + 1}"
    ctx = CardContext(dict(zip(nt.fields, fields, strict=False)), ord_, tags, deck, nt.name, template[0], flag)
    try:
        question_html, answer_html, rendered = render_counted(template[1], template[2], ctx, text.left)
    except TextTooLong:
        text.refuse()
    text.spend(rendered)
    question, answer = to_text(question_html), to_text(answer_html)
    if nt.cloze and ord_ + 1 not in cloze_numbers(" ".join(fields)):
        return None, None, f"its text has no cloze deletion c{ord_ + 1}"
    if not question:
        return None, None, "the question side is empty"
    many = nt.cloze or len(nt.templates) > 1
    html = None
    if question_html.strip() != question or answer_html.strip() != answer:  # (a NUL as an HTML parser reads it)
        html = CardHtml(question_html.strip().replace("\0", "\ufffd"), answer_html.strip().replace("\0", "\ufffd"),
                        nt.css.replace("\0", "\ufffd"))
    return _card_spec(card_id(guid, ord_, many), question, answer, None, "", "", tags, 0), html, ""


__all__ = ["PackageReader", "open_package", "read_package"]
