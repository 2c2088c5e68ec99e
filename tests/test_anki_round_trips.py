"""Moving between srs and Anki in either direction, with Anki's own engine (the `anki`
package) building the packages and judging what srs makes of them: cards as Anki renders
them, identities that never collide, suspension and FSRS state, round trips that merge,
progress that comes back, and nothing lost without a word."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from anki.collection import Collection, DeckIdLimit

from srs.anki.apkg_read import read_package
from srs.anki.html import to_text
from srs.deckfile import CardSpec, DeckSpec
from srs.export import export
from srs.importer import import_paths, load_bundled
from srs.model import REVIEW
from srs.scheduler import make_scheduler, rate
from srs.settings import Settings
from tests.anki_helpers import add, anki_import, answer_due, new_collection, package
from tests.factories import T0

SCHEDULER = make_scheduler(Settings(), fuzz=False)


def vocab_notetype(col: Collection) -> None:
    """Several fields, conditionals, filters and an optional second card."""
    mm = col.models
    m = mm.new("Vocab")
    for name in ("Word", "Meaning", "Example", "Hint", "Reverse"):
        mm.add_field(m, mm.new_field(name))
    t1 = mm.new_template("Recognise")
    t1["qfmt"] = "{{Word}}{{#Hint}}<br><i>{{hint:Hint}}</i>{{/Hint}}"
    t1["afmt"] = "{{FrontSide}}<hr id=answer>{{Meaning}}{{#Example}}<br>e.g. {{text:Example}}{{/Example}}" \
                 "{{^Example}}<br>(no example){{/Example}}"
    t2 = mm.new_template("Recall")
    t2["qfmt"] = "{{#Reverse}}{{Meaning}} ({{Deck}}){{/Reverse}}"
    t2["afmt"] = "{{FrontSide}}<hr id=answer>{{Word}}"
    mm.add_template(m, t1)
    mm.add_template(m, t2)
    mm.add(m)


def anki_cards(col: Collection) -> dict[str, tuple[str, str]]:
    """Anki's own rendering of every card, as terminal text: guid:ord -> (question, answer
    below the answer rule)."""
    out = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        rendered = card.render_output()
        answer = re.split(r"<hr id=answer>", rendered.answer_text, maxsplit=1)[-1]
        out[f"{card.note().guid}:{card.ord}"] = (to_text(rendered.question_text), to_text(answer))
    return out


@pytest.fixture
def store(make_store):
    return make_store()


def test_cards_come_as_anki_renders_them(tmp_path, store):
    col = new_collection(tmp_path / "a.anki2")
    vocab_notetype(col)
    add(col, "Vocab", "Words", Word="Hund", Meaning="dog", Example="Der <b>Hund</b> bellt.", Hint="animal")
    add(col, "Vocab", "Words", Word="Katze", Meaning="cat", Reverse="y")
    add(col, "Vocab", "Words", Word="Maus", Meaning="", Example="")  # an empty answer side is kept
    add(col, "Basic (and reversed card)", "Words", Front="rot", Back="red")
    add(col, "Basic (optional reversed card)", "Words", Front="blau", Back="blue")
    add(col, "Basic (optional reversed card)", "Words", Front="grün", Back="green", Add_Reverse="y")
    add(col, "Cloze", "Words", Text="{{c1::Berlin}} is in {{c2::Germany::country}}", Back_Extra="capital")
    oracle = anki_cards(col)
    out = package(col, tmp_path / "words.apkg")
    col.close()
    parsed = read_package(out)
    assert len(parsed.cards) == len(oracle) == 11 and not parsed.skipped
    ours = {f"{c.guid}:{c.ord}": (c.spec.question, c.spec.answer) for c in parsed.cards}
    for key, (question, answer) in oracle.items():
        if "[...]" in question or "[country]" in question:  # cloze: Anki marks the deletion with a span
            assert ours[key][0] == question
            continue
        if "Hint" in question:  # Anki: a "Hint" link that shows the text; srs: "(hint: text)"
            assert ours[key][0] == question.replace("\nHint\n", "(hint: ").replace("\nanimal", "animal)")
            continue
        assert ours[key] == (question, answer), key
    texts = {q: a for q, a in ours.values()}
    assert texts["Hund\n(hint: animal)"] == "dog\ne.g. Der Hund bellt."
    assert texts["Katze"] == "cat\n(no example)" and texts["cat (Words)"] == "Katze"
    assert texts["Maus"] == "(no example)"
    assert texts["red"] == "rot" and "blue" not in texts and texts["green"] == "grün"
    [result] = import_paths(store, [out], T0)
    assert result.added == 11 and len(store.cards(result.deck)) == 11


def test_two_packages_with_one_deck_name_and_non_latin_names_never_collide(tmp_path, store):
    made = []
    for i, (deck, word) in enumerate([("German", "Hund"), ("German", "Katze"), ("日本語", "犬"), ("中文", "狗"),
                                      ("Русский", "собака")]):
        col = new_collection(tmp_path / f"c{i}.anki2")
        add(col, "Basic", deck, Front=word, Back="dog")
        made.append(package(col, tmp_path / f"p{i}.apkg"))
        col.close()
    for path in made:
        import_paths(store, [path], T0)
    decks = {d.id: d.name for d in store.decks()}
    assert {"german", "日本語", "中文", "русский"} <= set(decks)
    assert decks["日本語"] == "日本語" and decks["русский"] == "Русский"
    assert sorted(c.question for c in store.cards("german")) == ["Hund", "Katze"]  # as Anki: one deck, both
    for path in made:  # again, in another order: nothing retired, nothing added
        for r in import_paths(store, [path], T0):
            assert (r.added, r.retired, r.updated) == (0, 0, 0)
    assert len(store.cards("german")) == 2


def test_suspended_new_cards_stay_suspended_and_skipped_notes_are_named(tmp_path, store):
    col = new_collection(tmp_path / "s.anki2")
    ids = [add(col, "Basic", "Deck", Front=f"q{i}", Back=f"a{i}") for i in range(4)]
    col.sched.suspend_cards([col.get_note(ids[0]).cards()[0].id, col.get_note(ids[1]).cards()[0].id])
    empty = add(col, "Basic", "Deck", Front="will be empty", Back="b")
    col.db.execute("update notes set flds = ? where id = ?", "\x1fback only", empty)
    add(col, "Basic", "Deck", Front="[sound:bark.mp3]", Back="")
    out = package(col, tmp_path / "s.apkg")
    col.close()
    [result] = import_paths(store, [out], T0)  # without --with-history: suspension still comes
    assert result.added == 5 and result.suspended == 2
    assert result.skipped == [{"note": "back only", "reason": "the question side is empty"},
                              {"note": "bark.mp3", "reason": "a media file the cards use is not in the package"}]
    cards = {c.question: c for c in store.cards("deck")}
    assert cards["q0"].memory.suspended and cards["q1"].memory.suspended and not cards["q2"].memory.suspended
    assert cards["[sound: bark.mp3]"].answer == ""  # a sound-only note is a card, its sound named


@pytest.mark.parametrize("fsrs", [True, False], ids=["fsrs", "sm2"])
def test_history_continues_where_anki_left_it(tmp_path, store, fsrs):
    col = new_collection(tmp_path / "f.anki2", fsrs=fsrs)
    for i in range(6):
        add(col, "Basic", "Spanish", Front=f"uno {i}", Back=f"one {i}")
    assert answer_due(col, "Spanish", 4) == 4
    states = {}
    for cid in col.find_cards("-is:new"):
        card = col.get_card(cid)
        memory = card.memory_state
        states[card.note().fields[0]] = (memory.stability if memory else None, memory.difficulty if memory else None,
                                         card.type, col.sched.today, card.due)
    crt = col.crt
    out = package(col, tmp_path / "f.apkg")
    col.close()
    [result] = import_paths(store, [out], T0, with_history=True, scheduler=SCHEDULER)
    assert result.reviews_added == sum(1 for _ in states) and len(states) >= 1
    cards = {c.question: c for c in store.cards("spanish")}
    for front, (stability, difficulty, type_, _today, due) in states.items():
        m = cards[front].memory
        if fsrs:  # Anki's memory state; without FSRS in Anki, the replay's
            assert (m.stability, m.difficulty) == (pytest.approx(stability, abs=1e-3), pytest.approx(difficulty, abs=1e-3))
        assert m.reps == 1 and m.stability
        if type_ == 2:
            assert m.state == REVIEW and m.due == datetime.fromtimestamp(crt + due * 86400, tz=timezone.utc)
        else:
            assert m.due == datetime.fromtimestamp(due, tz=timezone.utc)  # learning: Anki's timestamp
    again = import_paths(store, [out], T0, with_history=True, scheduler=SCHEDULER)
    assert again[0].reviews_added == 0  # reviews already there are not added twice


def _study(store, deck: str, when: datetime, ratings=(3,)) -> int:
    n = 0
    for card in store.cards(deck):
        memory = card.memory
        for rating in ratings:
            after = rate(SCHEDULER, card.key, memory, rating, when)
            record_review(store, card.key, rating, when, 4000, "review", memory if memory.reps else None, after)
            memory = after
            n += 1
        when += timedelta(minutes=1)
    return n


def test_progress_comes_back_from_anki(tmp_path, store):
    """srs export -> study in Anki's engine -> Anki export -> srs import: both histories,
    in order, once; the state recomputed from the merged log."""
    load_bundled(store, T0)
    srs_reviews = _study(store, "dl-final", T0)
    export(store, tmp_path / "dl.apkg", "dl-final", T0 + timedelta(hours=1), with_history=True)
    col = new_collection(tmp_path / "phone.anki2")
    anki_import(col, tmp_path / "dl.apkg", scheduling=True)
    [deck_name] = [d["name"] for d in col.decks.all() if d["name"] != "Default"]
    studied = answer_due(col, deck_name, 8)
    assert studied == 8
    back = package(col, tmp_path / "from-anki.apkg", deck=deck_name)
    col.close()
    [result] = import_paths(store, [back], T0 + timedelta(days=40), with_history=True, scheduler=SCHEDULER)
    assert result.deck == "dl-final" and (result.added, result.updated) == (0, 0)
    assert result.reviews_added == studied
    assert [d.id for d in store.decks()] == ["dl-final"]  # no second deck
    log = list(store.review_log("dl-final"))
    assert len(log) == srs_reviews + studied
    for card in store.cards("dl-final"):
        entries = card_reviews(store, card.key)
        assert [e.reviewed_at for e in entries] == sorted(e.reviewed_at for e in entries)
        assert card.memory.reps == len(entries)
        if entries:  # the state is the replay of the merged log
            memory = None
            for e in entries:
                assert e.before == memory
                memory = e.after
            assert card.memory.stability == pytest.approx(memory.stability)
    again = import_paths(store, [back], T0 + timedelta(days=40), with_history=True, scheduler=SCHEDULER)
    assert again[0].reviews_added == 0 and len(list(store.review_log("dl-final"))) == srs_reviews + studied
    assert store.deck("dl-final").exam_enabled  # a package never touches the deck's exam settings


TRICKY = DeckSpec("мой-набор", "Мой deck", "", None, (
    CardSpec("tricky", "Is <b>bold</b> & [markup]\n\nkept?", "A", ("Yes <i>as text</i>", "No & never"),
             "Text is text.\n\nTwo paragraphs.", "Look again: <b> is text.", ("html", "two-words")),
    CardSpec("basic1", "Capital of Italy?", "Rome", None, "Since 1871.", "", ("geo",)),
    CardSpec("basic2", "Line\nbreaks?", "Kept\n\neven blank ones", None, "", "", ())))


@pytest.mark.parametrize("suffix", [".apkg", ".txt", ".csv", ".toml"])
@pytest.mark.parametrize("deck", ["dl-final", "мой-набор"])
def test_everything_srs_exports_imports_back_into_the_same_cards(tmp_path, make_store, suffix, deck):
    store = make_store(TRICKY)
    load_bundled(store, T0)
    before = {c.card_id: c for c in store.cards(deck)}
    out = tmp_path / f"out{suffix}"
    export(store, out, deck, T0)
    results = import_paths(store, [out], T0 + timedelta(hours=1))
    assert [(r.deck, r.added, r.updated, r.retired, r.unchanged) for r in results] == \
        [(deck, 0, 0, 0, len(before))]
    assert {c.card_id: c for c in store.cards(deck)} == before
    assert sorted(d.id for d in store.decks()) == ["dl-final", "мой-набор"] and store.deck("dl-final").exam_enabled


def test_an_edit_in_anki_updates_the_srs_card_in_place(tmp_path, store):
    load_bundled(store, T0)
    _study(store, "dl-final", T0)
    export(store, tmp_path / "dl.txt", "dl-final", T0)
    text = (tmp_path / "dl.txt").read_text()
    first = next(c for c in store.cards("dl-final"))
    edited = text.replace(first.question.split("\n")[0][:30], "EDITED " + first.question.split("\n")[0][:30], 1)
    assert edited != text
    (tmp_path / "dl.txt").write_text(edited)
    [result] = import_paths(store, [tmp_path / "dl.txt"], T0)
    assert (result.deck, result.updated, result.added) == ("dl-final", 1, 0)
    card = store.find_card("dl-final", first.card_id)
    assert card.question.startswith("EDITED") and card.memory.reps == 1 and card.choices == first.choices


def test_anki_text_export_of_notes_imports(tmp_path, store):
    """What Anki writes as "Notes in Plain Text" (with its # headers) comes in by content."""
    col = new_collection(tmp_path / "t.anki2")
    add(col, "Basic", "Capitals", ("geo",), Front="Capital of <b>France</b>?", Back="Paris")
    add(col, "Cloze", "Capitals", Text="{{c1::Rome}} is in {{c2::Italy}}")
    col.export_note_csv(out_path=str(tmp_path / "notes.txt"), limit=DeckIdLimit(col.decks.id("Capitals")),
                        with_html=True, with_tags=True, with_deck=True, with_notetype=True, with_guid=True)
    col.close()
    results = import_paths(store, [tmp_path / "notes.txt"], T0)
    assert [(r.deck, r.added) for r in results] == [("capitals", 3)]
    questions = sorted(c.question for c in store.cards("capitals"))
    assert questions == ["Capital of France?", "Rome is in [...]", "[...] is in Italy"]
    assert import_paths(store, [tmp_path / "notes.txt"], T0)[0].unchanged == 3


@pytest.mark.slow  # builds a 10,000-note collection with Anki's engine
def test_a_ten_thousand_note_deck_with_history_imports_whole(tmp_path, store):
    col = new_collection(tmp_path / "big.anki2")
    did = col.decks.id("Big")
    basic = col.models.by_name("Basic")
    from anki.collection import AddNoteRequest

    requests = []
    for i in range(10_000):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"word {i}", f"meaning {i}"
        requests.append(AddNoteRequest(note=note, deck_id=did))
    col.add_notes(requests)
    cids = col.find_cards("")
    base = int(datetime(2026, 6, 1, tzinfo=timezone.utc).timestamp() * 1000)
    rows = [(base + k * 60_000 + j, cid, -1, 3, 1, 0, 2500, 3000, 0) for k, cid in enumerate(cids[:5000])
            for j in range(2)]
    col.db.executemany("insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                       "values (?,?,?,?,?,?,?,?,?)", rows)
    out = package(col, tmp_path / "big.apkg")
    col.close()
    assert "collection.anki21b" in zipfile.ZipFile(out).namelist()
    [result] = import_paths(store, [out], T0, with_history=True, scheduler=SCHEDULER)
    assert (result.added, result.reviews_added, result.skipped) == (10_000, 10_000, [])
    assert len(list(store.review_log("big"))) == 10_000
    assert import_paths(store, [out], T0, with_history=True, scheduler=SCHEDULER)[0].unchanged == 10_000


def test_media_travel_anki_to_srs_to_anki(tmp_path, store):
    col = new_collection(tmp_path / "m.anki2")
    picture = col.media.write_data("heart.png", b"\x89PNG heart")
    sound = col.media.write_data("bark.mp3", b"ID3 woof")
    add(col, "Basic", "Media", Front=f'Which organ? <img src="{picture}">', Back="the heart")
    add(col, "Basic", "Media", Front=f"[sound:{sound}]", Back="a dog")
    out = package(col, tmp_path / "m.apkg", legacy=False)
    col.close()
    [result] = import_paths(store, [out], T0)
    assert (result.added, result.media) == (2, 2)
    questions = sorted(c.question for c in store.cards("media"))
    assert questions == ["Which organ? [image: heart.png]", "[sound: bark.mp3]"]
    assert dict(store.media_files("media")) == {"heart.png": b"\x89PNG heart", "bark.mp3": b"ID3 woof"}
    assert import_paths(store, [out], T0)[0].media == 0  # kept once
    export(store, tmp_path / "back.apkg", "media", T0)
    col = new_collection(tmp_path / "again.anki2")
    anki_import(col, tmp_path / "back.apkg", scheduling=False)
    fields = sorted(col.get_note(n)["Front"] for n in col.find_notes(""))
    assert fields == ["Which organ? <img src=\"heart.png\">", "[sound:bark.mp3]"]
    media_dir = Path(col.media.dir())
    assert (media_dir / "heart.png").read_bytes() == b"\x89PNG heart"
    assert (media_dir / "bark.mp3").read_bytes() == b"ID3 woof"
    col.close()


# ---------------------------------------------------------------- properties
from hypothesis import given, settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from srs.anki.apkg_write import write_apkg  # noqa: E402
from srs.anki.types import ExportCard  # noqa: E402
from srs.anki.textfile import read_anki_text, read_csv, write_anki_text, write_csv  # noqa: E402
from srs.model import LETTERS, CardKind, StudyCard  # noqa: E402
from tests.store_helpers import card_reviews, record_review

_WORD = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters="\x1f"),
                min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)
_TEXT = st.lists(_LINE, min_size=1, max_size=3).flatmap(
    lambda lines: st.lists(st.sampled_from(["\n", "\n\n"]), min_size=len(lines) - 1, max_size=len(lines) - 1).map(
        lambda seps: "".join(line + sep for line, sep in zip(lines, seps + [""], strict=True))))


@st.composite
def study_cards(draw) -> StudyCard:
    mc = draw(st.booleans())
    choices = tuple(draw(st.lists(_LINE, min_size=2, max_size=6))) if mc else None
    answer = draw(st.sampled_from(LETTERS[:len(choices)])) if mc else draw(_TEXT)
    tags = tuple(draw(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), max_size=3, unique=True)))
    return StudyCard(1, "d", "c1", CardKind.of(choices), draw(_TEXT), answer, choices,
                     draw(st.one_of(st.just(""), _TEXT)), draw(st.one_of(st.just(""), _TEXT)) if mc else "", tags)


def _content(spec) -> tuple:
    return (spec.question, spec.answer, spec.choices, spec.explanation, spec.wrong_feedback, spec.tags)


@hsettings(max_examples=60, deadline=None)
@given(card=study_cards())
def test_any_card_survives_every_export_format(tmp_path_factory, card):
    """Whatever a card's text holds (markup-looking characters, brackets, blank lines, any
    script), srs reads back from its .apkg, .txt and .csv exports exactly the card it wrote."""
    folder = tmp_path_factory.mktemp("prop")
    want = (card.question, card.answer, card.choices, card.explanation, card.wrong_feedback, card.tags)
    with (folder / "c.txt").open("w", encoding="utf-8") as f:
        write_anki_text(f, {"d": "D"}, [ExportCard(card, T0)])
    with (folder / "c.csv").open("w", encoding="utf-8", newline="") as f:
        write_csv(f, [ExportCard(card, T0)])
    write_apkg(folder / "c.apkg", {"d": "D"}, [ExportCard(card, T0)], T0)
    for read in (read_anki_text(folder / "c.txt"), read_csv(folder / "c.csv"), read_package(folder / "c.apkg")):
        [back] = read.cards
        assert _content(back.spec) == want


def test_anki_to_srs_to_anki_updates_the_same_notes(tmp_path, store):
    """A deck that came from Anki goes back as the same notes: importing srs's export into
    the collection it came from duplicates nothing, and an edit made in srs arrives."""
    col = new_collection(tmp_path / "home.anki2")
    for i in range(3):
        add(col, "Basic", "Home", Front=f"front {i}", Back=f"back {i}")
    add(col, "Basic (and reversed card)", "Home", Front="two", Back="cards")
    package(col, tmp_path / "home.apkg")
    col.close()
    import_paths(store, [tmp_path / "home.apkg"], T0)
    export(store, tmp_path / "back.apkg", "home", T0 + timedelta(days=1))
    col = Collection(str(tmp_path / "home.anki2"))
    anki_import(col, tmp_path / "back.apkg", scheduling=False)
    fronts = sorted(col.get_note(n).fields[0] for n in col.find_notes(""))
    col.close()
    assert [fronts.count(f"front {i}") for i in range(3)] == [1, 1, 1]  # the same notes, not copies
    # (a note whose type makes several cards goes back as a Basic note per card: srs keeps cards, not note types)
    # and the deck renamed in Anki still comes back to the same srs cards
    col = Collection(str(tmp_path / "home.anki2"))
    deck = col.decks.by_name("Home")
    deck["name"] = "Renamed"
    col.decks.save(deck)
    package(col, tmp_path / "renamed.apkg", deck="Renamed")
    col.close()
    results = import_paths(store, [tmp_path / "renamed.apkg"], T0)
    assert [(r.deck, r.added) for r in results] == [("home", 0)]


def test_new_notes_of_a_renamed_deck_join_the_srs_deck_of_its_known_cards(tmp_path, store):
    """An Anki deck renamed, with a note added: its new card goes where the deck's known
    cards are (found by their notes' GUIDs), and the reader names exactly the known notes'
    first cards when told which notes are known."""
    from srs.anki.apkg_read import open_package

    col = new_collection(tmp_path / "home.anki2")
    for i in range(3):
        add(col, "Basic", "Home", Front=f"front {i}", Back=f"back {i}")
    add(col, "Basic (and reversed card)", "Home", Front="two", Back="cards")
    package(col, tmp_path / "home.apkg")
    import_paths(store, [tmp_path / "home.apkg"], T0)
    deck = col.decks.by_name("Home")
    deck["name"] = "Renamed"
    col.decks.save(deck)
    add(col, "Basic", "Renamed", Front="new front", Back="new back")
    package(col, tmp_path / "renamed.apkg", deck="Renamed")
    guids = {col.get_note(n).guid for n in col.find_notes("")}
    col.close()
    kept = {g for d, _, g in store.card_ids() if d == "home"}
    known = {g for g in guids if g in kept} | {"not-in-the-package"}
    with open_package(tmp_path / "renamed.apkg") as reader:
        every = list(reader.placements())
        assert sorted(reader.placements(known)) == sorted(p for p in every if p[1] == 0 and p[0] in known)
        assert len(every) == 6 and len(list(reader.placements(known))) == 3
    results = import_paths(store, [tmp_path / "renamed.apkg"], T0)
    assert [(r.deck, r.added, r.unchanged) for r in results] == [("home", 1, 5)]
    assert any(c.question == "new front" for c in store.cards("home"))


def test_the_note_guid_kept_with_a_card_is_the_same_without_a_digest():
    """A package's card merged under its own id keeps its note's GUID exactly when its id is
    the one its note's only card has: told that the ids come from GUIDs, without a digest."""
    from srs.anki.ids import card_id
    from srs.anki.types import NEW, AnkiCard
    from srs.merge import _note_guid, _Target

    for guid in ("abc", "f" * 20, "Z1-x", ""):
        for ord_ in (0, 1, 3):
            for many in (False, True):
                spec = CardSpec(card_id(guid, ord_, many), "q", "a")
                card = AnkiCard(spec, guid, ord_, "Deck", "Basic", NEW)
                for target in (spec.id, card_id(guid, 0, False), "c1"):
                    t = _Target("deck", target, card)
                    assert _note_guid(t, True) == _note_guid(t, False), (guid, ord_, many, target)
