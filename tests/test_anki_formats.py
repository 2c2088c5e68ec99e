"""Each format srs writes for Anki and reads from it (.apkg, Anki's .txt, .csv, .toml, .colpkg),
with Anki's own engine (the `anki` package) as the oracle: fields, tags and escaping, GUIDs,
history, HTML and cloze to text, hostile packages. Round trips: tests/test_anki_round_trips.py."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from anki.collection import Collection, DeckIdLimit
from anki.import_export_pb2 import (
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
    ImportAnkiPackageUpdateCondition,
)

from srs.anki.apkg_read import read_package
from srs.anki.html import list_items, to_text
from srs.anki.template import cloze
from srs.anki.textfile import read_csv
from srs.deckfile import CardSpec, DeckSpec, ExamSettings, parse_toml
from srs.errors import DeckFileError, UserError
from srs.export import export
from srs.importer import import_decks, import_paths
from srs.review import ReviewSession
from srs.scheduler import make_scheduler
from srs.settings import Settings
from tests.factories import T0
from tests.anki_helpers import answer_due

TRICKY = CardSpec("tricky", "Is <b>bold</b> & [markup] kept?", "A", ("Yes <i>as text</i>", "No & never"),
                  "Text is text.", "", ("html", "escaping"))


def sample_deck() -> DeckSpec:
    cards = (TRICKY,
             CardSpec("mc2", "Two plus two?", "C", ("3", "5", "4"), "Count.", "Four, not five.", ("math",)),
             CardSpec("basic1", "Capital of Italy?", "Rome", None, "Since 1871.", "", ("geo",)))
    return DeckSpec("sample", "Sample deck", "A test deck", ExamSettings(2, 10, 0.5), cards, "sample.toml")


def anki_import(col_path: Path, package: Path, scheduling: bool = False):
    col = Collection(str(col_path))
    try:
        options = ImportAnkiPackageOptions(
            with_scheduling=scheduling, merge_notetypes=True,
            update_notes=ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER)
        log = col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
        notes = {col.get_note(n).guid: col.get_note(n) for n in col.find_notes("")}
        snapshot = {
            "new": len(log.log.new), "updated": len(log.log.updated), "duplicate": len(log.log.duplicate),
            "notes": {g: (n.note_type()["name"], dict(n.items()), sorted(n.tags)) for g, n in notes.items()},
            "decks": sorted(d["name"] for d in col.decks.all()),
            "revlog": col.db.scalar("select count() from revlog"),
            "cards": col.db.all("select type, queue, reps, lapses, data from cards order by id"),
        }
        return snapshot
    finally:
        col.close()


@pytest.fixture
def store(make_store):
    return make_store(sample_deck())


def test_apkg_imports_into_anki_with_fields_tags_and_escaping(store, tmp_path):
    out = tmp_path / "sample.apkg"
    assert export(store, out, "sample", T0) == 3
    got = anki_import(tmp_path / "a.anki2", out)
    assert got["new"] == 3 and "Sample deck" in got["decks"]
    by_type = {}
    for name, fields, tags in got["notes"].values():
        by_type.setdefault(name, []).append((fields, tags))
    [(mc_fields, mc_tags)] = [f for f in by_type["srs Multiple Choice"] if "bold" in f[0]["Question"]]
    assert list(mc_fields) == ["Question", "Choices", "Answer", "Explanation", "WrongFeedback"]
    assert mc_fields["Question"] == "Is &lt;b&gt;bold&lt;/b&gt; &amp; [markup] kept?"  # escaped, not markup
    assert "<li>Yes &lt;i&gt;as text&lt;/i&gt;</li>" in mc_fields["Choices"]
    assert mc_fields["Answer"].startswith("A) Yes") and mc_tags == ["escaping", "html"]
    [(basic_fields, _)] = by_type["Basic"] if "Basic" in by_type else by_type["Basic+"]
    assert basic_fields["Front"] == "Capital of Italy?" and basic_fields["Back"].startswith("Rome")


@pytest.mark.slow
def test_guids_are_stable_and_an_edit_updates_only_that_note(store, tmp_path):
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    export(store, first, "sample", T0)
    col = tmp_path / "a.anki2"
    got = anki_import(col, first)
    guids = set(got["notes"])
    export(store, second, "sample", T0)
    again = anki_import(col, second)
    assert set(again["notes"]) == guids and again["new"] == 0 and again["updated"] == 0  # nothing changed
    spec = sample_deck()
    edited = replace(spec, cards=(replace(spec.cards[0], explanation="A newer explanation."),) + spec.cards[1:])
    import_decks(store, [edited], T0 + timedelta(days=2))
    third = tmp_path / "3.apkg"
    export(store, third, "sample", T0 + timedelta(days=2))
    updated = anki_import(col, third)
    assert updated["new"] == 0 and updated["updated"] == 1 and set(updated["notes"]) == guids
    assert any(f["Explanation"] == "A newer explanation." for _, f, _ in updated["notes"].values())


@pytest.mark.slow  # a round trip through Anki's own library
def test_with_history_anki_carries_on_from_the_learners_state(store, tmp_path):
    session = ReviewSession(store, Settings(learning_steps=""), fuzz=False)
    cards = store.cards("sample")
    session.answer(cards[0], 3, T0)
    session.answer(cards[1], 1, T0)
    session.answer(store.card(cards[1].key), 3, T0 + timedelta(minutes=15))
    out = tmp_path / "h.apkg"
    export(store, out, "sample", T0 + timedelta(hours=1), with_history=True)
    got = anki_import(tmp_path / "a.anki2", out, scheduling=True)
    assert got["revlog"] == 3
    studied = [c for c in got["cards"] if c[2] > 0]
    assert sorted(c[2] for c in studied) == [1, 2]
    assert all(c[0] == 2 and c[1] == 2 for c in studied)  # review cards in Anki too
    assert all(json.loads(c[4])["s"] > 0 for c in studied)  # FSRS memory state went along
    plain = anki_import(tmp_path / "b.anki2", out, scheduling=False)
    assert plain["revlog"] == 0 and all(c[2] == 0 for c in plain["cards"])


def test_toml_txt_and_csv_exports(store, tmp_path):
    export(store, tmp_path / "s.toml", "sample", T0)
    back = parse_toml((tmp_path / "s.toml").read_text(), "s.toml")
    assert back.cards == sample_deck().cards and back.exam == sample_deck().exam and back.name == "Sample deck"
    export(store, tmp_path / "s.txt", "sample", T0)
    text = (tmp_path / "s.txt").read_text()
    assert text.startswith("#separator:tab\n#html:true\n#notetype:Basic\n#guid column:1\n#deck column:2\n"
                           "#tags column:3\n")
    assert len(text.strip().splitlines()) == 6 + 3
    export(store, tmp_path / "s.csv", "sample", T0)
    rows = (tmp_path / "s.csv").read_text().splitlines()
    assert rows[0] == "question,answer,explanation,tags,feedback,deck,id"
    package = read_csv(tmp_path / "s.csv")  # srs's own CSV: the same decks and cards, the same content
    assert [c.target for c in package.cards] == [("sample", "tricky"), ("sample", "mc2"), ("sample", "basic1")]
    assert tuple(c.spec for c in package.cards) == sample_deck().cards
    with pytest.raises(UserError, match="needs an .apkg"):
        export(store, tmp_path / "s.csv", "sample", T0, with_history=True)
    with pytest.raises(UserError, match="cannot export to .pdf"):
        export(store, tmp_path / "s.pdf", "sample", T0)


def anki_made_package(tmp_path: Path, legacy: bool) -> Path:
    """A package written by Anki's own exporter: Basic, reversed, Cloze, HTML, media, history."""
    col = Collection(str(tmp_path / f"src-{legacy}.anki2"))
    did = col.decks.id("Made in Anki::Sub")
    basic = col.models.by_name("Basic")
    note = col.new_note(basic)
    note["Front"], note["Back"] = "What is <b>2&amp;2</b>?<br>Think", "<ul><li>four</li><li>4</li></ul>"
    note.tags = ["arith"]
    col.add_note(note, did)
    rev = col.new_note(col.models.by_name("Basic (and reversed card)"))
    rev["Front"], rev["Back"] = "chien", "dog"
    col.add_note(rev, did)
    cz = col.new_note(col.models.by_name("Cloze"))
    cz["Text"] = "{{c1::Paris}} is the capital of {{c2::France::country}}"
    col.add_note(cz, did)
    fname = col.media.write_data("pic.png", b"\x89PNG fake")
    pic = col.new_note(basic)
    pic["Front"], pic["Back"] = f'Picture <img src="{fname}">', "a picture"
    col.add_note(pic, did)
    answer_due(col, "Made in Anki::Sub", 2)  # history
    out = tmp_path / f"anki-{'legacy' if legacy else 'latest'}.apkg"
    col.export_anki_package(out_path=str(out), options=ExportAnkiPackageOptions(
        with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy), limit=DeckIdLimit(did))
    col.close()
    return out


@pytest.mark.slow  # a round trip through Anki's own library
@pytest.mark.parametrize("legacy", [True, False], ids=["legacy", "latest"])
def test_packages_made_by_anki_import_into_srs(make_store, tmp_path, legacy):
    package_path = anki_made_package(tmp_path, legacy)
    names = zipfile.ZipFile(package_path).namelist()
    assert ("collection.anki21b" in names) != legacy
    package = read_package(package_path)
    [deck] = package.decks
    assert deck.name == "Made in Anki::Sub" and deck.id == "made-in-anki-sub"
    cards = {c.question: c for c in deck.cards}
    assert cards["What is 2&2?\nThink"].answer == "• four\n• 4" and cards["What is 2&2?\nThink"].tags == ("arith",)
    assert cards["chien"].answer == "dog" and cards["dog"].answer == "chien"  # reversed: two cards
    assert cards["[...] is the capital of France"].answer == "[Paris] is the capital of France"
    assert cards["Paris is the capital of [country]"].answer == "Paris is the capital of [France]"
    assert "Picture [image: pic.png]" in cards
    assert len(deck.cards) == 6 and len(package.reviews) >= 1
    store = make_store()
    import_paths(store, [package_path], T0, with_history=True, scheduler=make_scheduler(Settings(), fuzz=False))
    studied = [c for c in store.cards("made-in-anki-sub") if c.memory.reps]
    assert studied and sum(c.memory.reps for c in studied) == len(package.reviews)
    import_paths(store, [package_path], T0, with_history=True, scheduler=make_scheduler(Settings(), fuzz=False))
    assert sum(c.memory.reps for c in store.cards("made-in-anki-sub")) == len(package.reviews)  # idempotent


def test_html_and_cloze_to_text():
    assert to_text("a&nbsp;&lt;b&gt;<br>c<div>d</div><script>x()</script>") == "a <b>\nc\nd"
    assert cloze("{{c1::A}} and {{c2::B::hint}}", 2) == ("A and [hint]", "A and [B]")
    assert list_items("<ul><li>one<li>two</ul>") == ["one", "two"]  # closing tags are optional in HTML
    assert list_items("<ol><li>A &amp; <b>B</b></li>\n<li>C<br>D</li></ol><p>after</p>") == ["A & B", "C\nD"]
    assert to_text("<ul><li>one<li>two</ul>tail<img src='x.png'>[sound:a.mp3]") == \
        "• one\n• two\ntail[image: x.png][sound: a.mp3]"
    assert to_text("<style>p {}</style><p>x</p><P>y</P>") == "x\n\ny"


def test_fast_paths_give_what_the_general_ones_give():
    from srs.anki.convert import text_to_html
    from srs.anki.ids import card_identities, guid, number

    for deck, card in (("bench", "q00001"), ("δέκα", "n0123456789ab-2"), ("a\x1fb", "")):
        assert card_identities(deck, card) == (guid(deck, card), number("note", deck, card), number("card", deck, card))
    for text in ("plain", "  two  spaces ", "tab\there", "a\xa0b", "[sound:x.mp3]", "x &amp; y", "a\nb", "<b>x</b>"):
        assert text_to_html(text) == text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
            .replace("\n", "<br>")
    assert [to_text(t) for t in (" plain ", "two  spaces", "a\xa0b", "x\r\ny")] == ["plain", "two spaces", "a b", "x\ny"]
    assert list_items('<ol class="choices" type="A"><li> one </li><li>t&amp;wo</li><li>a  b</li></ol>') == \
        ["one", "t&wo", "a b"]


def zip_with(tmp_path: Path, name: str, members: dict[str, bytes]) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return path


@pytest.mark.slow
def test_hostile_packages_are_refused_and_nothing_is_written(make_store, tmp_path, store):
    good = tmp_path / "good.apkg"
    export(store, good, "sample", T0)
    collection = zipfile.ZipFile(good).read("collection.anki21")
    cases = {
        "slip.apkg": ({"collection.anki21": collection, "../evil": b"x", "media": b"{}"}, "would leave the folder"),
        "abs.apkg": ({"collection.anki21": collection, "/etc/x": b"x", "media": b"{}"}, "would leave the folder"),
        "media.apkg": ({"collection.anki21": collection, "media": json.dumps({"0": "../../x"}).encode()},
                       "media name '../../x' is a path"),
        "bomb.apkg": ({"collection.anki21": collection, "media": b"{}", "0": b"\0" * (300 * 1024 * 1024)},
                      "inflates"),
        "corrupt.apkg": ({"collection.anki21": b"SQLite format 3\x00" + b"\x01" * 5000, "media": b"{}"},
                         "corrupt"),
    }
    fresh = make_store(learner="other")
    before = [c.card_id for c in fresh.cards()]
    for name, (members, message) in cases.items():
        path = zip_with(tmp_path, name, members)
        with pytest.raises(UserError, match=message):
            import_paths(fresh, [path], T0)
    (tmp_path / "notzip.apkg").write_bytes(b"hello")
    with pytest.raises(UserError, match="not a zip file"):
        import_paths(fresh, [tmp_path / "notzip.apkg"], T0)
    assert [c.card_id for c in fresh.cards()] == before


def test_csv_import(make_store, tmp_path):
    path = tmp_path / "vocab.csv"
    path.write_text('question,answer,explanation,tags\n"chien",dog,,animals\nchat,cat,"a pet, often",animals pets\n')
    deck = read_csv(path)
    assert deck.id == "vocab" and [(c.question, c.answer, c.tags) for c in deck.cards] == [
        ("chien", "dog", ("animals",)), ("chat", "cat", ("animals", "pets"))]
    assert deck.cards[1].explanation == "a pet, often"
    store = make_store()
    import_paths(store, [path], T0)
    assert len(store.cards("vocab")) == 2
    (tmp_path / "bad.csv").write_text("q1,a1\nonly-one-column\n")
    with pytest.raises(DeckFileError, match=r"bad.csv:2: expected question,answer"):
        read_csv(tmp_path / "bad.csv")


def test_txt_export_imports_into_a_fresh_anki_and_again_updates(tmp_path, make_store):
    """Anki's engine is the judge: every card of the bundled deck arrives as a Basic note with
    its question and choices on the front and the right answer on the back; a second import
    of the same file updates the notes (stable GUIDs) instead of adding them again."""
    from anki.collection import ImportCsvRequest

    from srs.importer import load_bundled

    store = make_store(sample_deck())
    load_bundled(store, T0)
    out = tmp_path / "dl.txt"
    assert export(store, out, "dl-final", T0) == 20
    col = Collection(str(tmp_path / "fresh.anki2"))
    try:
        logs = []
        for _ in range(2):
            request = ImportCsvRequest(path=str(out), metadata=col.get_csv_metadata(str(out), None))
            logs.append(col.import_csv(request).log)
        assert len(logs[0].new) == 20 and len(logs[1].new) == 0
        assert col.note_count() == 20 and col.card_count() == 20
        notes = [col.get_note(n) for n in col.find_notes("")]
        assert {n.note_type()["name"] for n in notes} == {"Basic"}
        assert {col.decks.name(col.get_card(c).did) for c in col.find_cards("")} == \
            {"Deep Learning: Build Real Things — Final Exam"}
        fronts = {to_text(n["Front"]) for n in notes}
        backs = {to_text(n["Back"]) for n in notes}
        for card in store.mc_cards("dl-final"):
            front = next(f for f in fronts if f.startswith(card.question))
            assert all(choice in front for choice in card.choices)
            assert any(b.startswith(f"{card.answer}) {card.right_choice}") for b in backs)
    finally:
        col.close()


def test_colpkg_is_imported_and_an_empty_one_says_so(tmp_path, make_store):
    store = make_store(sample_deck())
    Collection(str(tmp_path / "empty.anki2")).export_collection_package(  # exporting closes the collection
        str(tmp_path / "empty.colpkg"), include_media=False, legacy=False)
    col = Collection(str(tmp_path / "whole.anki2"))
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"], note["Back"] = "Hund", "dog"
    col.add_note(note, col.decks.id("German"))
    col.export_collection_package(str(tmp_path / "whole.colpkg"), include_media=False, legacy=False)
    results = import_paths(store, [tmp_path / "whole.colpkg"], T0)
    assert sum(r.added for r in results) == 1
    assert any(c.question == "Hund" and c.answer == "dog" for c in store.cards())
    with pytest.raises(UserError, match="empty.colpkg: the package holds no notes to import"):
        import_paths(store, [tmp_path / "empty.colpkg"], T0)
