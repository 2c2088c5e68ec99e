"""Media file names cleaned as Anki cleans them (srs/anki/media_names.py): Anki's own
cases, properties over any name, and Anki's importer as the oracle on a crafted package."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from srs.anki.apkg_read import read_package
from srs.anki.media_names import MAX_NAME_BYTES, clean_media_name, clean_media_refs
from srs.importer import import_paths
from tests.anki_helpers import anki_import, new_collection
from tests.factories import T0
from tests.hostile_text import package_with_media_names

FORBIDDEN = set('[]<>:"/?*^\\|')


def test_anki_cases():
    """The cases of Anki's own tests (rslib/src/media/files.rs)."""
    assert clean_media_name("foo.jpg") == "foo.jpg"
    assert clean_media_name('con.jpg[]><:"/?*^\\|\0\r\n') == "con_.jpg"
    assert clean_media_name("test.") == "test._"
    assert clean_media_name("test ") == "test _"
    assert clean_media_name("x" * 240 + ".jpg") == "x" * (MAX_NAME_BYTES - 4 - 1) + ".jpg"
    assert clean_media_name("x" * 119) == "x" * 119 and clean_media_name("x" * 120) == "x" * 120


def test_srs_is_stricter_than_anki_on_invisible_characters():
    assert clean_media_name("a\x9bb\u202ec\u200bd\ufeff.png") == "abcd.png"
    assert clean_media_name("evil\u202egnp.exe") == "evilgnp.exe"
    assert clean_media_name("nul\x00byte.png") == "nulbyte.png"
    assert clean_media_name("a\udc80b.png") == "ab.png"  # a lone surrogate (not UTF-8 on disk)
    assert clean_media_name("???") == "_"
    assert clean_media_name("e\x00\u0301.png") == "\u00e9.png"  # NFC again once the NUL is gone


def test_long_names_keep_their_extension_and_whole_characters():
    name = clean_media_name("日本語" * 100 + ".mp3")
    assert name.endswith(".mp3") and len(name.encode()) <= MAX_NAME_BYTES
    assert set(name[:-4]) <= set("日本語")
    assert clean_media_name("a" * 20_000).startswith("a") and len(clean_media_name("a" * 20_000)) == MAX_NAME_BYTES - 2


@given(st.text())
def test_a_cleaned_name_is_safe_short_and_stable(name):
    clean = clean_media_name(name)
    assert (clean or not name) and len(clean.encode("utf-8")) <= MAX_NAME_BYTES
    assert not FORBIDDEN & set(clean)
    assert all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp") for c in clean)
    assert not clean.endswith((" ", "."))
    assert unicodedata.is_normalized("NFC", clean)
    assert clean_media_name(clean) == clean


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1).map(lambda s: s + ".png"))
def test_placeholders_name_the_cleaned_file(name):
    text = clean_media_refs(f"see [image: {name}] and [sound: {name}]")
    if "]" not in name and "\n" not in name:
        clean = clean_media_name(name)
        assert text == f"see [image: {clean}] and [sound: {clean}]"


NAMES = ["ABC.PNG", "con.jpg", 'x:y*z?"<>|^.png', "x" * 300 + ".png", "trail.", "nb\u00a0sp.png",
         "a\x00b\x1bc\x7f.png", "e\u0301te\u0301.png", "a[b]d.png"]


def test_anki_import_cleans_names_as_srs_does(tmp_path):
    """Anki's importer renames each file and rewrites the notes' references; srs ends with the
    same names, and its cards name the files it kept."""
    pkg = package_with_media_names(tmp_path, NAMES)
    col = new_collection(tmp_path / "oracle.anki2")
    anki_import(col, pkg, scheduling=False)
    anki_names = sorted(p.name for p in Path(col.media.dir()).iterdir())
    col.close()
    assert anki_names == sorted(clean_media_name(n) for n in NAMES)

    package = read_package(pkg)
    assert sorted(package.media) == anki_names
    for card in package.cards:
        i = int(card.spec.question.split()[0][1:])
        assert card.spec.question == f"q{i} [image: {clean_media_name(NAMES[i])}]"
        assert package.media[clean_media_name(NAMES[i])] == f"picture {i}".encode()


def test_srs_stores_cleaned_names_and_exports_them_unchanged_by_anki(tmp_path, make_store):
    from srs.export import export

    names = NAMES + ["rlo\u202egnp.exe", "c1\x9b.png"]
    store = make_store()
    [result] = import_paths(store, [package_with_media_names(tmp_path, names)], T0)
    assert result.media == len(names) and not result.skipped
    stored = store.media_names(result.deck)
    assert stored == {clean_media_name(n) for n in names}
    out = tmp_path / "back.apkg"
    export(store, out, result.deck, T0)
    col = new_collection(tmp_path / "again.anki2")
    anki_import(col, out, scheduling=False)
    assert sorted(p.name for p in Path(col.media.dir()).iterdir()) == sorted(stored)  # nothing left to rename
    col.close()
