"""A package or deck file from a stranger, built as a hostile author would (tests/hostile.py):
every one is refused with one line naming the file, exit 1, no traceback and nothing
written; what it may inflate to is one budget, counted while it is decompressed; media
are read and written one at a time; its collection is read as data, never run as code."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import srs.anki.archive as archive
import srs.anki.collection_db as collection_db
from srs.anki.archive import BUDGET_CEILING, BUDGET_FLOOR, Budget, budget_for
from srs.errors import UserError
from tests.cli.helpers import cli_on_one_deck, errors, table_rows
from tests.hostile import genuine, inflated_size, with_collection, with_media

MIB = 1024**2


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A genuine package: one note showing 40 pictures (the attack's shape), and a cloze note."""
    return genuine(tmp_path_factory.mktemp("genuine"), media=40, cloze="The {{c1::heart}} pumps.")


@pytest.fixture
def run(tmp_path, monkeypatch):
    """``srs ARGS`` in-process on a database that already holds one imported deck."""
    return cli_on_one_deck(tmp_path, monkeypatch)


def said(result) -> list[str]:
    """The lines srs printed, without the simulated-time notice."""
    return [line for line in errors(result.output).splitlines() if line.strip()]


def refused(run, path: Path, *message: str) -> str:
    """Import ``path``: one line on stderr naming the file and saying ``message``, exit 1,
    no traceback, the database as it was."""
    before = table_rows(run.db)
    result = run("import", str(path))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # the CLI's own exit, not an escaped exception
    lines = said(result)
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.output
    assert "Traceback" not in result.output
    for part in message:
        assert part in lines[0], lines[0]
    assert table_rows(run.db) == before
    return lines[0]


def extracted(package: Path, folder: Path) -> Path:
    """The collection of a package from tests/hostile.py, as a file."""
    import zstandard

    from tests.hostile import members

    db_path = folder / "collection.db"
    db_path.write_bytes(zstandard.ZstdDecompressor().decompressobj().decompress(members(package)["collection.anki21b"]))
    return db_path


# ------------------------------------------------------------------ budget
def test_the_budget_is_200_times_the_package_between_256_mib_and_4_gib():
    assert budget_for(1_000) == BUDGET_FLOOR == 256 * MIB
    assert budget_for(10 * MIB) == 2000 * MIB
    assert budget_for(100 * MIB) == BUDGET_CEILING == 4 * 1024**3
    budget = Budget(Path("x.apkg"), 1_000)
    budget.spend(BUDGET_FLOOR)  # exactly the budget: within it
    with pytest.raises(UserError, match=r"x\.apkg: refused: it inflates beyond its budget of 256 MiB"):
        budget.spend(1)


def test_a_package_just_within_its_budget_imports_and_one_byte_less_is_refused(run, source, tmp_path,
                                                                              monkeypatch):
    package = with_media(source, tmp_path / "edge.apkg", lambda i: bytes(100_000 + i))
    total = inflated_size(package, used_media=40)
    monkeypatch.setattr(archive, "BUDGET_RATIO", 0)  # the budget is the floor alone
    monkeypatch.setattr(archive, "BUDGET_FLOOR", total - 1)
    refused(run, package, "refused: it inflates beyond its budget")
    monkeypatch.setattr(archive, "BUDGET_FLOOR", total)
    result = run("import", str(package))
    assert result.exit_code == 0, result.output
    assert table_rows(run.db)["media"] == 40


def test_many_small_bombs_add_up_and_are_refused_while_they_inflate(run, source, tmp_path, monkeypatch):
    # the attack of issue 21 at a smaller scale: 40 zstd frames of zeros, each under the
    # per-file cap, all used by one note; the budget (here 8 MiB) stops the fifth or so
    monkeypatch.setattr(archive, "BUDGET_RATIO", 0)
    monkeypatch.setattr(archive, "BUDGET_FLOOR", 8 * MIB)
    inflated: list[int] = []
    spend = Budget.spend

    def counting(self, n):
        inflated.append(n)
        spend(self, n)

    monkeypatch.setattr(Budget, "spend", counting)
    bomb = with_media(source, tmp_path / "bomb.apkg", lambda i: bytes(2 * MIB))
    assert bomb.stat().st_size < 100_000
    refused(run, bomb, "budget of 8 MiB")
    assert sum(inflated) <= 8 * MIB + archive.CHUNK  # stopped within a chunk of the budget, not after


def test_media_are_read_and_written_one_at_a_time(run, source, tmp_path, monkeypatch):
    from srs.anki.apkg_read import PackageReader
    from srs.store.media import MediaQueries

    events: list[str] = []
    read_media, save = PackageReader.read_media, MediaQueries.save_media_file

    def reading(self, used):
        for name, data in read_media(self, used):
            events.append(f"read {name}")
            yield name, data

    def saving(self, deck, name, data):
        events.append(f"save {name}")
        return save(self, deck, name, data)

    monkeypatch.setattr(PackageReader, "read_media", reading)
    monkeypatch.setattr(MediaQueries, "save_media_file", saving)
    package = with_media(source, tmp_path / "media.apkg", lambda i: b"picture %d" % i)
    assert run("import", str(package)).exit_code == 0
    names = sorted(f"m{i}.png" for i in range(40))
    assert events == [e for name in names for e in (f"read {name}", f"save {name}")]  # never two read ahead


# ------------------------------------------------------------------ the collection is data
NOTES_COLUMNS = "id, guid, mid, mod, usn, tags, flds, sfld, csum, flags, data"


def test_a_notes_view_is_refused(run, source, tmp_path):
    package = with_collection(source, tmp_path / "view.apkg", "alter table notes rename to real_notes",
                              f"create view notes as select {NOTES_COLUMNS} from real_notes")
    refused(run, package, "refused: its 'notes' is a view, not a table")


def test_an_endless_recursive_view_does_not_hang(run, source, tmp_path):
    package = with_collection(
        source, tmp_path / "endless.apkg", "drop table notes",
        "create view notes as with recursive r(n) as (select 1 union all select n + 1 from r) "
        "select n as id, 'g' || n as guid, 0 as mid, 0 as mod, 0 as usn, '' as tags, 'x' as flds, "
        "'' as sfld, 0 as csum, 0 as flags, '' as data from r")
    refused(run, package, "is a view")


def test_a_trigger_is_refused(run, source, tmp_path):
    package = with_collection(source, tmp_path / "trigger.apkg",
                              "create trigger t after update on cards begin select 1; end")
    refused(run, package, "refused: it carries a trigger")


def test_the_step_budget_stops_a_query_that_runs_too_long(run, source, tmp_path, monkeypatch):
    # a table that is no view but takes long to read: the progress handler stops it (the
    # genuine package reads in under 10,000 steps; a thousand copies of its note take 20,000)
    package = with_collection(
        source, tmp_path / "slow.apkg", "create table filler (n)",
        "insert into filler with recursive r(n) as (select 1 union all select n + 1 from r where n < 1000) "
        "select n from r", "insert into notes select id + 1000 * f.n, guid || f.n, mid, mod, usn, tags, flds, "
        "sfld, csum, flags, data from notes, (select n from filler) f")
    monkeypatch.setattr(collection_db, "STEPS_BASE", 10_000)
    monkeypatch.setattr(collection_db, "STEPS_PER_BYTE", 0)
    assert run("import", str(source)).exit_code == 0  # within the budget
    refused(run, package, "refused: reading its collection took more than 10,000 steps")


def test_the_collection_is_opened_read_only(source, tmp_path):
    db, _ = collection_db.open_collection(source, extracted(source, tmp_path))
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            db.execute("delete from notes")
        assert db.execute("pragma trusted_schema").fetchone()[0] == 0
    finally:
        db.close()


# ------------------------------------------------------------------ one line for what a file causes
def test_malformed_protobuf_in_a_note_type_is_one_line(run, source, tmp_path):
    package = with_collection(source, tmp_path / "proto.apkg", "update notetypes set config = x'0aff'")
    refused(run, package, "cannot be read (ValueError")


def test_malformed_protobuf_in_a_template_is_one_line(run, source, tmp_path):
    package = with_collection(source, tmp_path / "tproto.apkg", "update templates set config = x'0a05414243'")
    refused(run, package, "cannot be read (ValueError")


def test_a_cloze_number_of_5000_digits_is_one_line_or_a_skip(run, tmp_path):
    package = genuine(tmp_path / "cloze", cloze="{{c" + "9" * 5000 + "::heart}} pumps.")
    result = run("import", str(package))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code:
        lines = said(result)
        assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {package}")


def test_a_toml_file_nested_100000_deep_is_one_line(run, tmp_path):
    small = tmp_path / "deep.toml"
    small.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    refused(run, small, "nested too deeply")
    big = tmp_path / "deeper.toml"  # over the size from which toml-rs parses (it would crash the process)
    big.write_text("a = " + "[" * 150_000 + "]" * 150_000 + "\n")
    refused(run, big, "nested too deeply")


def test_a_bug_is_not_turned_into_a_users_error(source, tmp_path, monkeypatch, make_store):
    from srs.anki import apkg_read
    from srs.importer import import_paths
    from tests.factories import T0

    def broken(*args, **kwargs):
        raise AssertionError("a bug")

    monkeypatch.setattr(apkg_read, "_card", broken)
    with pytest.raises(AssertionError, match="a bug"):
        import_paths(make_store(), [source], T0)


# ------------------------------------------------------------------ a real process, the attack at full size
@pytest.mark.slow
def test_the_full_size_media_bomb_is_refused_by_a_real_process(source, tmp_path):
    bomb = with_media(source, tmp_path / "bomb.apkg", lambda i: bytes(64 * MIB - 1))  # 40 x 64 MiB of zeros
    assert bomb.stat().st_size < 200_000
    env = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    env.update(SRS_DB=str(tmp_path / "srs.db"), SRS_LEARNER="alice", SRS_NOW="2026-11-02T09:00:00+00:00")
    proc = subprocess.run([sys.executable, "-m", "srs", "import", str(bomb)], env=env, capture_output=True,
                          text=True, timeout=300)
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("simulated time")]
    assert proc.returncode == 1, proc.stderr
    assert lines == [f"error: {bomb}: refused: it inflates beyond its budget of 256 MiB (200 times its size, "
                     "at least 256 MiB, at most 4 GiB)"]
    con = sqlite3.connect(tmp_path / "srs.db")
    assert con.execute("select count(*) from media").fetchone()[0] == 0
    con.close()


# ------------------------------------------------------------------ what held before, still held
@pytest.mark.parametrize("mib, floor", [pytest.param(1024, None, marks=pytest.mark.slow), (64, 16)])
def test_a_zstd_collection_bomb_is_refused_while_it_inflates(run, source, tmp_path, monkeypatch, mib, floor):
    # 1 GiB of zeros against the real budget (slow), or 64 MiB against a budget of 16 MiB
    import zstandard

    from tests.hostile import members, write

    if floor:
        monkeypatch.setattr(archive, "BUDGET_FLOOR", floor * MIB)
    content = members(source)
    compressor = zstandard.ZstdCompressor().compressobj()
    zeros = bytes(MIB)
    content["collection.anki21b"] = b"".join(compressor.compress(zeros) for _ in range(mib)) + compressor.flush()
    bomb = write(tmp_path / "zbomb.apkg", content)  # 1 GiB of zeros in some 40 KB
    assert bomb.stat().st_size < 200_000
    refused(run, bomb, "inflates")


@pytest.mark.slow
def test_a_deflate_collection_bomb_is_refused_before_it_inflates(run, source, tmp_path):
    import zipfile

    from tests.hostile import members

    bomb = tmp_path / "dbomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members(source).items():
            if name != "collection.anki21b":
                zf.writestr(name, data)
        with zf.open("collection.anki21b", "w", force_zip64=True) as out:  # 1 GiB of zeros, about 1 MB
            for _ in range(1024):
                out.write(bytes(MIB))
    refused(run, bomb, "inflates to 1073741824 bytes")


# ------------------------------------------------------------------ any value in any column: a result or one line
from hypothesis import HealthCheck, given, reject, settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_COLUMNS = {"notes": ["guid", "mid", "tags", "flds"], "cards": ["nid", "did", "ord", "type", "queue", "due", "data"],
            "col": ["crt"], "notetypes": ["config", "name"], "templates": ["config", "ord"], "fields": ["name"],
            "decks": ["name", "id"], "revlog": ["cid", "ease", "time"]}
_VALUES = st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=True),
                    st.text(max_size=20), st.binary(max_size=20), st.just("{{c" + "9" * 5000 + "::x}}"))


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(sorted(_COLUMNS)), data=st.data(), value=_VALUES)
def test_any_value_in_any_column_is_imported_or_one_line(source, tmp_path, table, data, value):
    from srs.importer import import_paths
    from tests.factories import T0, make_store

    column = data.draw(st.sampled_from(_COLUMNS[table]))
    literal = ("null" if value is None else f"x'{value.hex()}'" if isinstance(value, bytes)
               else f"cast(x'{value.encode().hex()}' as text)" if isinstance(value, str) else repr(value)
               if value == value and abs(value) != float("inf") else "9e999")
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    try:
        package = with_collection(source, folder / "p.apkg", f"update {table} set {column} = {literal}")
    except sqlite3.IntegrityError:
        reject()  # a NOT NULL or unique column (a hostile file could hold it all the same)
    store = make_store(str(folder / "s.db"))
    try:
        import_paths(store, [package], T0, with_history=True)
    except UserError as exc:
        assert str(exc).startswith(str(package)) and "\n" not in str(exc)
    finally:
        store.close()


def test_text_that_is_not_utf8_with_a_newline_is_one_line(run, source, tmp_path):
    """A note id of bytes that are not UTF-8, a newline among them: the driver's error quotes
    them; srs says what is wrong on one line (``refused`` checks that it is one)."""
    package = with_collection(source, tmp_path / "bytes.apkg", "update notes set guid = x'0a80'")
    refused(run, package, "the collection inside is corrupt", "Could not decode to UTF-8")


def test_an_archive_srs_cannot_unpack_is_one_line(run, source, tmp_path):
    from tests.hostile import members, write

    content = members(source)
    plain = write(tmp_path / "plain.apkg", content).read_bytes()
    # the collection's bytes changed after its checksum was taken
    at = plain.index(content["collection.anki21b"][:64]) + 100
    crc = tmp_path / "crc.apkg"
    crc.write_bytes(plain[:at] + bytes([plain[at] ^ 0xFF]) + plain[at + 1:])
    refused(run, crc, "CRC")
    # a compression method no one knows (99), in the local and the central header alike
    odd = tmp_path / "method.apkg"
    local, central = b"PK\x03\x04\x14\x00\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x00\x00"
    odd.write_bytes(plain.replace(local + b"\x00\x00", local + b"\x63\x00")
                    .replace(central + b"\x00\x00", central + b"\x63\x00"))
    refused(run, odd, "cannot be read (NotImplementedError")


def test_a_computed_column_is_refused(run, source, tmp_path):
    package = with_collection(source, tmp_path / "computed.apkg", "alter table notes rename to real_notes",
                              "create table notes (id integer primary key, guid, mid, mod, usn, tags, "
                              "flds as (zeroblob(400000000)), sfld, csum, flags, data)",
                              "insert into notes (id, guid, mid, mod, usn, tags, sfld, csum, flags, data) "
                              "select id, guid, mid, mod, usn, tags, sfld, csum, flags, data from real_notes")
    refused(run, package, "refused: its column 'notes.flds' is computed, not stored")


def test_a_value_over_64_mib_is_refused(source, tmp_path):
    db, steps = collection_db.open_collection(source, extracted(source, tmp_path))
    try:
        with pytest.raises(sqlite3.DataError) as caught:
            db.execute("select zeroblob(65 * 1024 * 1024)").fetchone()
        assert "larger than 64 MiB" in str(collection_db.query_error(source, caught.value, steps))
    finally:
        db.close()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def test_a_template_nested_10000_deep_is_one_line_or_rendered(run, source, tmp_path):
    front = ("{{#Front}}" * 10_000 + "{{Front}}" + "{{/Front}}" * 10_000).encode()
    config = b"\x0a" + _varint(len(front)) + front + b"\x12\x09{{Back}}x"  # CardTemplate.Config: qfmt, afmt
    package = with_collection(source, tmp_path / "nested.apkg", f"update templates set config = x'{config.hex()}'")
    result = run("import", str(package))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code:
        lines = said(result)
        assert result.exit_code == 1 and len(lines) == 1 and lines[0].startswith(f"error: {package}"), lines
