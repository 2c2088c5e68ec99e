"""Importing: idempotent, edits keep history, removed cards retire and come back, one
invocation all-or-nothing (docs/deck-format.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from srs.deckfile import CardSpec, DeckSpec
from srs.errors import DeckFileError, UserError
from srs.importer import import_decks, import_paths
from srs.review import ReviewSession
from srs.settings import Settings
from tests import factories
from tests.factories import T0, deck
from tests.store_helpers import card_reviews


def dump(store) -> dict[str, list]:
    """Every row of every table, to compare a database before and after."""
    with store.engine.connect() as c:
        tables = ["decks", "cards", "card_tags", "card_states", "reviews", "settings", "exam_attempts"]
        return {t: sorted(map(tuple, c.execute(text(f"SELECT * FROM {t}"))), key=repr) for t in tables}


def test_importing_twice_changes_nothing(make_store):
    store = make_store(deck(cards=5))
    before = dump(store)
    [result] = import_decks(store, [deck(cards=5)], T0)
    assert (result.added, result.updated, result.unchanged, result.retired) == (0, 0, 5, 0)
    assert dump(store) == before


def test_an_edit_keeps_the_card_and_its_history(make_store):
    store = make_store(deck(cards=3))
    card = store.cards()[0]
    ReviewSession(store, Settings(), fuzz=False).answer(card, 3, T0)
    spec = deck(cards=3)
    edited = replace(spec.cards[0], question="A better question?", choices=("w", "x", "y", "z"))
    [result] = import_decks(store, [replace(spec, cards=(edited,) + spec.cards[1:])], T0)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 2)
    again = store.card(card.key)
    assert again.question == "A better question?" and again.choices == ("w", "x", "y", "z")
    assert again.memory.reps == 1 and len(card_reviews(store, card.key)) == 1


def test_removed_cards_retire_and_come_back(make_store):
    store = make_store(deck(cards=4))
    gone = store.cards()[3]
    ReviewSession(store, Settings(), fuzz=False).answer(gone, 3, T0)
    spec = deck(cards=4)
    [result] = import_decks(store, [replace(spec, cards=spec.cards[:3])], T0)
    assert result.retired == 1
    assert [c.card_id for c in store.cards()] == ["c000", "c001", "c002"]
    assert store.deck_summaries(T0)[0].cards == 3
    assert len(card_reviews(store, gone.key)) == 1  # history kept
    [result] = import_decks(store, [spec], T0)
    assert result.restored == 1
    back = store.find_card("d", "c003")
    assert back.key == gone.key and back.memory.reps == 1


def test_a_broken_file_leaves_the_database_unchanged(make_store, tmp_path):
    store = make_store(deck(cards=2))
    before = dump(store)
    good = tmp_path / "good.toml"
    good.write_text('[deck]\nid = "good"\nname = "Good"\n\n[[card]]\nid = "a"\nquestion = "q"\nanswer = "a"\n')
    bad = tmp_path / "bad.toml"
    bad.write_text('[deck]\nid = "bad"\nname = "Bad"\n\n[[card]]\nid = "a"\nquestion = "q"\n'
                   'choices = ["x", "y"]\nanswer = "C"\n')
    with pytest.raises(DeckFileError, match=r"bad.toml:9: card \"a\": answer 'C'"):
        import_paths(store, [good, bad], T0)
    assert dump(store) == before


def test_a_failure_while_writing_rolls_back_every_deck(make_store, monkeypatch):
    store = make_store(deck(cards=2))
    before = dump(store)
    calls = []
    original = store.add_cards

    def fail_second(rows):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk went away")
        original(rows)

    monkeypatch.setattr(store, "add_cards", fail_second)
    with pytest.raises(RuntimeError):
        import_decks(store, [deck("one", cards=2), deck("two", cards=2)], T0)
    assert dump(store) == before


def test_the_same_deck_id_from_two_files_is_refused(make_store):
    store = make_store()
    a, b = deck("same", cards=1), replace(deck("same", cards=1), source="other.toml")
    with pytest.raises(UserError, match="comes from both"):
        import_decks(store, [a, b], T0)


def test_missing_file_and_folder(make_store, tmp_path):
    store = make_store()
    with pytest.raises(UserError, match="no such file"):
        import_paths(store, [tmp_path / "nope.toml"], T0)
    with pytest.raises(UserError, match="is a folder"):
        import_paths(store, [tmp_path], T0)


card_ids = st.lists(st.sampled_from([f"k{i}" for i in range(8)]), unique=True, max_size=8)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(card_ids, min_size=1, max_size=5))
def test_any_sequence_of_imports_matches_the_last_file(tmp_path_factory, versions):
    store = factories.make_store(tmp_path_factory.mktemp("imp"))
    seen: set[str] = set()
    for ids in versions:
        spec = DeckSpec("p", "P", "", None, tuple(CardSpec(i, f"q {i}?", f"a {i}") for i in ids), "p.toml")
        [result] = import_decks(store, [spec], T0)
        assert result.added == len(set(ids) - seen)
        seen |= set(ids)
        assert [c.card_id for c in store.cards()] == list(ids)  # live cards, in file order
        [again] = import_decks(store, [spec], T0)
        assert again.unchanged == len(ids) and again.added == again.updated == again.retired == 0
    assert len(store.deck_cards("p")) == len(seen)  # retired cards are kept, never duplicated
    store.close()


def test_seed_quiz_text_imports_as_basic_cards(make_store):
    seed = Path(__file__).resolve().parents[1] / "docs" / "seed" / "000_c7745a1a7d922d8f.txt"
    store = make_store()
    [result] = import_paths(store, [seed], T0)
    assert result.added == 20
    row = store.deck(result.deck)
    assert row.exam_enabled and row.exam_questions == 20 and row.exam_pass_mark == pytest.approx(0.7)
    assert all(c.kind == "basic" for c in store.cards(result.deck))


def test_a_resync_of_many_cards_takes_a_few_statements_not_one_per_card(make_store):
    """Moved, edited, retagged, restored, retired and new cards: a bounded number of
    statements whatever the number of cards, and the cards the file says."""
    from sqlalchemy import event

    spec = deck(cards=600)
    store = make_store(spec)
    cards = list(spec.cards)
    import_decks(store, [replace(spec, cards=tuple(cards[:550]))], T0)  # 50 retired
    edited = [replace(c, question=c.question + " (edited)") if i % 3 == 0 else c for i, c in enumerate(cards)]
    edited = [replace(c, tags=("retagged", "x")) if i % 5 == 0 else c for i, c in enumerate(edited)]
    new = [replace(cards[0], id=f"n{i:03d}") for i in range(40)]
    final = replace(spec, cards=tuple(new + edited[:100] + edited[110:580]))  # every card moves
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    [result] = import_decks(store, [final], T0)
    event.remove(store.engine, "before_cursor_execute", count)
    assert (result.added, result.restored, result.retired) == (40, 30, 10)
    assert result.updated + result.unchanged + result.restored == 570 and result.updated >= 190
    assert len(statements) < 40, len(statements)
    live = {c.card_id: c for c in store.cards("d")}
    assert [c.card_id for c in store.cards("d")] == [c.id for c in final.cards]
    assert live["c000"].question.endswith("(edited)") and set(live["c005"].tags) == {"retagged", "x"}
    assert store.count_tagged("retagged", "d") == len([c for c in final.cards if "retagged" in c.tags])
    [again] = import_decks(store, [final], T0)
    assert again.unchanged == 610 and again.added == again.updated == again.retired == again.restored == 0
