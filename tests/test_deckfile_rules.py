"""Deck files (docs/deck-format.md): one test per rule, each error naming file and line; property tests
that any text parses or gives a file:line error, never a traceback. Every test here runs
twice: with tomllib, and with toml-rs as for a large file (tests/test_deckfile_two_parsers.py
checks that the two agree)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.deckfile import toml_deck as deckfile  # where the parser reads its size limits
from srs.deckfile import CardSpec, DeckSpec, ExamSettings, dump_toml, parse_quiz_text, parse_toml, read_deck
from srs.errors import DeckFileError
from tests.factories import mutated

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "docs" / "seed" / "000_c7745a1a7d922d8f.txt"  # the text the bundled deck is made from

VALID = '''[deck]
id = "dl"
name = "Deep"

[deck.exam]
questions = 1
minutes = 10
pass_mark = 0.5

[[card]]
id = "adam"
question = "What makes Adam converge?"
choices = ["Momentum only", "Per-parameter adaptive rates", "Bigger batches", "Dropout"]
answer = "B"
explanation = "Adaptive rates."
wrong_feedback = "Think per parameter."
tags = ["training"]

[[card]]
id = "basic-one"
question = "Say it"
answer = "Per-parameter adaptive learning rates."
'''


@pytest.fixture(autouse=True, scope="module", params=["tomllib", "toml-rs", "toml-rs pieces"])
def toml_parser(request):
    """The parser a deck file of any size goes to: tomllib (small files) or toml-rs (large),
    in pieces of one card each (the least PIECE_CHARS) or of the usual size."""
    saved = deckfile.FAST_PARSE_CHARS, deckfile.PIECE_CHARS
    deckfile.FAST_PARSE_CHARS = 1 << 62 if request.param == "tomllib" else 0
    deckfile.PIECE_CHARS = 1 if request.param == "toml-rs pieces" else saved[1]
    yield request.param
    deckfile.FAST_PARSE_CHARS, deckfile.PIECE_CHARS = saved


def error(text: str) -> DeckFileError:
    with pytest.raises(DeckFileError) as info:
        parse_toml(text, "decks/x.toml")
    return info.value


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_deck():
    deck = parse_toml(VALID, "decks/x.toml")
    assert deck.id == "dl" and deck.exam.questions == 1 and deck.exam.pass_mark == 0.5
    mc, basic = deck.cards
    assert mc.kind == "mc" and mc.answer == "B" and mc.answer_index == 1 and mc.tags == ("training",)
    assert basic.kind == "basic" and basic.choices is None


@pytest.mark.parametrize("answer", ["AB", "BC", "ABCD"])
def test_an_answer_is_one_letter_not_a_run_of_them(answer):
    text = VALID.replace('answer = "B"', f'answer = "{answer}"')
    assert f"answer '{answer}' is not one of the 4 choices" in str(error(text))


def test_answer_letter_out_of_range_names_file_line_and_card():
    text = VALID.replace('answer = "B"', 'answer = "E"')
    e = error(text)
    line = line_of(text, 'answer = "E"')
    assert str(e).startswith(f"decks/x.toml:{line}: card \"adam\": answer 'E' is not one of the 4 choices")


@pytest.mark.parametrize("old,new,needle,message", [
    ('id = "dl"', 'id = "Bad Id"', 'id = "Bad Id"', "must be lower-case letters, digits and hyphens"),
    ('name = "Deep"', 'name = ""', 'name = ""', "name must not be empty"),
    ('name = "Deep"', 'name = "Deep"\ncolour = "red"', "colour", "unknown key 'colour'"),
    ("minutes = 10", "minutes = 10\nshuffle = true", "shuffle", "unknown key 'shuffle'"),
    ("pass_mark = 0.5", "pass_mark = 1.5", "pass_mark", "pass_mark must be a number in (0, 1]"),
    ("pass_mark = 0.5", "pass_mark = 0", "pass_mark", "pass_mark must be a number in (0, 1]"),
    ("minutes = 10", "minutes = -1", "minutes", "minutes must be a number"),
    ("questions = 1", "questions = 0", "questions", "questions must be a whole number"),
    ("questions = 1", "questions = 5", "questions", "the deck has 1 multiple-choice cards"),
    ('id = "adam"', 'id = "adam"\nhint = "x"', "hint", "unknown key 'hint'"),
    ('choices = ["Momentum only", "Per-parameter adaptive rates", "Bigger batches", "Dropout"]',
     'choices = ["only one"]', "only one", "1 choices; a card has 2 to 6"),
    ('choices = ["Momentum only", "Per-parameter adaptive rates", "Bigger batches", "Dropout"]',
     'choices = ["a", "b", "c", "d", "e", "f", "g"]', '"g"]', "7 choices; a card has 2 to 6"),
    ('choices = ["Momentum only", "Per-parameter adaptive rates", "Bigger batches", "Dropout"]',
     'choices = ["a", "", "c"]', '"a", ""', "a choice must not be empty"),
    ('question = "What makes Adam converge?"', 'question = "  "', '[[card]]', "question must not be empty"),
    ('tags = ["training"]', 'tags = "training"', "tags = ", "tags must be a list"),
    ('tags = ["training"]', 'tags = ["two words"]', "tags = ", "must not contain spaces"),
    ('answer = "B"', 'answer = 2', "answer = 2", "is not one of the 4 choices"),
])
def test_each_rule_names_its_line(old, new, needle, message):
    text = VALID.replace(old, new, 1)
    e = error(text)
    assert message in str(e), str(e)
    assert e.path == "decks/x.toml"
    expected = line_of(text, needle)
    assert e.line == expected, (str(e), expected)


def test_duplicate_ids_and_missing_answer():
    text = VALID.replace('id = "basic-one"', 'id = "adam"')
    e = error(text)
    assert 'duplicate id (first at line' in str(e) and e.line == text.splitlines().index("[[card]]", 12) + 1
    e = error(VALID.replace('answer = "Per-parameter adaptive learning rates."\n', ""))
    assert "missing required key 'answer'" in str(e)


def test_missing_deck_and_unknown_top_level():
    assert "missing [deck]" in str(error('[[card]]\nid = "a"\nquestion = "q"\nanswer = "a"\n'))
    e = error(VALID + '\n[extra]\nx = 1\n')
    assert "unknown key 'extra'" in str(e)


def test_syntax_error_has_line():
    text = VALID.replace('name = "Deep"', 'name = "Deep')
    e = error(text)
    assert e.line == line_of(text, 'name = "Deep') and "invalid TOML" in str(e)


def test_unknown_extension_and_unreadable(tmp_path):
    (tmp_path / "x.yaml").write_text("a: 1")
    with pytest.raises(DeckFileError, match="unknown deck format"):
        read_deck(tmp_path / "x.yaml")
    (tmp_path / "bad.toml").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(DeckFileError, match="not UTF-8"):
        read_deck(tmp_path / "bad.toml")


def test_the_bundled_deck():
    deck = read_deck(ROOT / "decks" / "deep-learning-final.toml")
    assert deck.id == "dl-final" and len(deck.cards) == 20
    assert deck.exam.questions == 20 and deck.exam.minutes == 30 and deck.exam.pass_mark == 0.70
    assert all(c.kind == "mc" and len(c.choices) == 4 and c.explanation and c.wrong_feedback and c.tags
               for c in deck.cards)
    letters = [c.answer for c in deck.cards]
    assert all(3 <= letters.count(x) <= 7 for x in "ABCD")  # the right answer moves around
    seed = parse_quiz_text(SEED.read_text(encoding="utf-8"), str(SEED))  # the questions and feedback are the seed's
    assert len(seed.cards) == len(deck.cards) == 20
    for ours, theirs in zip(deck.cards, seed.cards, strict=True):
        # the seed's one typographic slip (a space before "." or "," after inline code) is fixed in the deck
        assert tuple(map(tidy, (ours.question, ours.explanation, ours.wrong_feedback))) == tuple(map(tidy, (
            theirs.question, theirs.answer, theirs.explanation)))
        assert not re.search(r"\S [.,](\s|$)", ours.question + ours.explanation + ours.wrong_feedback)


def tidy(text: str) -> str:
    """Text without a space before a full stop or comma."""
    return re.sub(r"(\S) ([.,])(?=\s|$)", r"\1\2", text)


def test_quiz_text_of_the_seed():
    deck = parse_quiz_text(SEED.read_text(encoding="utf-8"), str(SEED))
    assert len(deck.cards) == 20 and all(c.kind == "basic" for c in deck.cards)
    assert deck.exam.questions == 20 and deck.exam.pass_mark == pytest.approx(0.70)
    assert deck.cards[0].question == "Transfer learning means:"
    assert deck.name == "Deep Learning: Build Real Things — Final Exam"


def test_quiz_text_errors():
    with pytest.raises(DeckFileError, match=r"q.txt:3: question 1: expected the question and two feedback"):
        parse_quiz_text("Title\n2 questions · 50% to pass\n1. Q?\nonly one\n", "q.txt")
    with pytest.raises(DeckFileError, match="no numbered questions"):
        parse_quiz_text("Title\nno questions here\n", "q.txt")


def assert_clean(text: str, parser) -> None:
    try:
        parser(text, "f.toml")
    except DeckFileError as e:
        assert str(e).startswith("f.toml"), str(e)
        most = max(1, text.count("\n") + 1, len(text.splitlines()))
        assert e.line is None or 1 <= e.line <= most, (e.line, text)


FRAGMENTS = VALID.splitlines(keepends=True) + ["[[card]]\n", "[deck.exam]\n", "answer = \"Z\"\n", "choices = []\n",
                                                "x = \n", "'''\n", '"""\n', "id = 3\n", "[deck]\n", "tags = [1]\n"]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_or_names_a_line(text):
    assert_clean(text, parse_toml)
    assert_clean(text, parse_quiz_text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.randoms(use_true_random=False))
def test_mutated_decks_parse_or_name_a_line(parts, rnd):
    text = mutated(parts, rnd, ("", "\n", "=", '"', "[", "]"))
    assert_clean(text, parse_toml)


# ---------------------------------------------------------------- writing: dump then parse is the identity
_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(str.strip)
_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)
_tags = st.lists(st.text(st.characters(blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), min_size=1,
                         max_size=8).filter(lambda t: t.strip() == t and " " not in t), max_size=3, unique=True)


@st.composite
def _decks(draw):
    ids = draw(st.lists(_ids, min_size=1, max_size=4, unique=True))
    cards = []
    for card_id in ids:
        choices = draw(st.one_of(st.none(), st.lists(_text, min_size=2, max_size=6,
                                                     unique_by=lambda c: " ".join(c.split()).casefold()).map(tuple)))
        answer = draw(st.sampled_from("ABCDEF"[: len(choices)])) if choices else draw(_text)
        cards.append(CardSpec(card_id, draw(_text), answer, choices, draw(st.one_of(st.just(""), _text)),
                              draw(st.one_of(st.just(""), _text)), tuple(draw(_tags))))
    mc = sum(1 for c in cards if c.choices)
    questions = st.one_of(st.none(), st.integers(1, mc)) if mc else st.none()
    exam = draw(st.one_of(st.none(), st.builds(ExamSettings, questions,
                                               st.sampled_from([30.0, 0.5, 1440.0]),
                                               st.sampled_from([0.7, 1.0, 0.55]))))
    return DeckSpec(draw(_ids), draw(_text), draw(st.one_of(st.just(""), _text)), exam, tuple(cards), "x.toml")


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_decks())
def test_dump_then_parse_is_the_identity_on_any_text(spec):
    """Any text, control characters and U+007F included, survives the round trip."""
    assert parse_toml(dump_toml(spec), "x.toml") == spec


def test_a_checked_card_is_the_record_its_constructor_makes():
    from srs.deckfile import CardSpec, _card_spec

    for args in (("a", "q?", "B", ("x", "y"), "why", "no", ("t",)), ("b", "q", "free", None, "", "", ())):
        made, plain = _card_spec(*args, 0), CardSpec(*args)
        assert made == plain and hash(made) == hash(plain) and vars(made) == vars(plain) and repr(made) == repr(plain)
        assert list(vars(made)) == list(vars(plain))  # the same fields, in the same order
