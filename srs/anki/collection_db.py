"""A package's collection opened as data, never as code: read-only, with SQLite's
``trusted_schema`` off, refused when a table srs reads is a view or a virtual table or has a
computed (generated) column, or when it carries a trigger (no collection Anki writes has
one); no value longer than 64 MiB, and every query stopped past a step budget no real
collection comes near. And what srs reads of its structure: note types and deck names."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from srs.anki.ids import BASIC_NOTETYPE_ID, MC_NOTETYPE_ID, MC_NOTETYPE_NAME
from srs.anki.protobuf import fields as proto_fields
from srs.errors import UserError

#: the tables srs reads from a collection (schema 11 and schema 18)
READ_TABLES = frozenset({"col", "notes", "cards", "revlog", "notetypes", "fields", "templates", "decks"})
#: no value read from a collection may be longer (SQLite's length limit): no real one comes near
MAX_VALUE = 64 * 1024**2
#: SQLite virtual-machine steps between two calls of the progress handler
STEP = 10_000
#: the steps all queries on a collection may take: a base, and more for a bigger file. Measured
#: (README, Reliability): a 100,000-card collection (24 MB) takes 5.2 million steps to import,
#: 20,000 cards with 100,000 reviews 4.3 million: the budget is some 200 times that; an
#: endless query is stopped after 500 million steps (10 to 30 s)
STEPS_BASE = 500_000_000
#: characters of a note type's style sheet kept (a real one has a few thousand; the rest is dropped)
MAX_CSS = 100_000
STEPS_PER_BYTE = 20


class StepBudget:
    """The progress handler: counts steps, and stops the query (SQLite: "interrupted") past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.steps, self.exceeded = limit, 0, False

    def __call__(self) -> int:
        self.steps += STEP
        if self.steps > self.limit:
            self.exceeded = True
            return 1
        return 0


def open_collection(path: Path, db_path: Path) -> tuple[sqlite3.Connection, StepBudget]:
    """The collection at ``db_path`` (extracted from the package ``path``), read-only and
    checked; a UserError naming ``path`` when it is not a collection srs can read as data."""
    try:
        db = sqlite3.connect(db_path.as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"{path}: the collection inside is corrupt ({exc})") from None
    steps = StepBudget(STEPS_BASE + STEPS_PER_BYTE * db_path.stat().st_size)
    try:
        db.execute("pragma trusted_schema = off")
        db.set_progress_handler(steps, STEP)
        db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
        kinds = {name.lower(): kind for schema, name, kind, *_ in db.execute("pragma main.table_list")}
        triggers = [r[0] for r in db.execute("select tbl_name from sqlite_master where type = 'trigger'")]
        generated = [f"{table}.{column[1]}" for table in sorted(READ_TABLES) if kinds.get(table) == "table"
                     for column in db.execute(f"pragma main.table_xinfo({table})") if column[6] in (2, 3)]
    except sqlite3.Error as exc:
        db.close()
        raise query_error(path, exc, steps) from None
    problem = next((f"its {name!r} is a {kinds[name]}, not a table" for name in sorted(READ_TABLES)
                    if kinds.get(name, "table") != "table"), None)
    if problem is None and triggers:
        problem = f"it carries a trigger (on {triggers[0]!r})"
    if problem is None and generated:
        problem = f"its column {generated[0]!r} is computed, not stored"
    if problem:
        db.close()
        raise UserError(f"{path}: refused: {problem} (a collection is data, not code)")
    return db, steps


def query_error(path: Path, exc: sqlite3.Error, steps: StepBudget) -> UserError:
    """The one line for an error reading the collection."""
    if isinstance(exc, sqlite3.DataError) and "too big" in str(exc):
        return UserError(f"{path}: refused: a value in its collection is larger than {MAX_VALUE // 2**20} MiB")
    if steps.exceeded:
        return UserError(f"{path}: refused: reading its collection took more than {steps.limit:,} steps "
                         "(no real collection needs that many)")
    return UserError(f"{path}: the collection inside is corrupt ({' '.join(str(exc).split())})")  # one line


@dataclass
class Notetype:
    """A note type as srs reads it from a collection."""

    name: str
    cloze: bool
    fields: list[str]
    templates: list[tuple[str, str, str]]  # (name, question format, answer format) by ord
    srs: str = ""  # "mc" or "basic" for the note types srs writes
    css: str = ""  # its style sheet, as its author wrote it


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("select name from sqlite_master where type='table'")}


def notetypes(db: sqlite3.Connection) -> dict[int, Notetype]:
    """The collection's note types by id (schema 18's tables, or schema 11's JSON), srs's own marked."""
    if "notetypes" in _tables(db):  # schema 18
        out = {}
        for ntid, name, config in db.execute("select id, cast(name as text), config from notetypes"):
            config_fields = list(proto_fields(config or b""))
            kind = next((v for n, w, v in config_fields if n == 1 and w == 0), 0)
            css = next((v for n, w, v in config_fields if n == 3 and w == 2 and isinstance(v, bytes)), b"")
            fields = [r[0] for r in db.execute("select cast(name as text) from fields where ntid = ? order by ord",
                                                    (ntid,))]
            templates = []
            for tname, tconfig in db.execute(
                    "select cast(name as text), config from templates where ntid = ? order by ord", (ntid,)):
                parts = {n: v for n, w, v in proto_fields(tconfig or b"") if w == 2 and n in (1, 2)
                         and isinstance(v, bytes)}
                templates.append((tname, parts.get(1, b"").decode("utf-8", "replace"),
                                  parts.get(2, b"").decode("utf-8", "replace")))
            out[ntid] = Notetype(name, kind == 1, fields, templates, css=css.decode("utf-8", "replace")[:MAX_CSS])
    else:
        models = json.loads(db.execute("select models from col").fetchone()[0])
        out = {int(k): Notetype(str(m["name"]), m.get("type") == 1, [str(f["name"]) for f in m["flds"]],
                                 [(str(t.get("name", "")), str(t.get("qfmt", "")), str(t.get("afmt", "")))
                                  for t in m["tmpls"]], css=str(m.get("css") or "")[:MAX_CSS])
               for k, m in models.items()}
    for ntid, nt in out.items():
        if ntid == MC_NOTETYPE_ID or (nt.name == MC_NOTETYPE_NAME and nt.fields[:3] == ["Question", "Choices", "Answer"]):
            nt.srs = "mc"
        elif ntid == BASIC_NOTETYPE_ID:
            nt.srs = "basic"
    return out


def deck_names(db: sqlite3.Connection) -> dict[int, str]:
    """The collection's deck names by id, subdecks joined with `::`."""
    if "decks" in _tables(db):
        return {did: name.replace("\x1f", "::")
                for did, name in db.execute("select id, cast(name as text) from decks")}
    return {int(k): str(d["name"]) for k, d in json.loads(db.execute("select decks from col").fetchone()[0]).items()}


__all__ = ["READ_TABLES", "Notetype", "StepBudget", "deck_names", "notetypes", "open_collection", "query_error"]
