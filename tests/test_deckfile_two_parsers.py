"""The two TOML parsers of deck files agree: toml-rs (files from FAST_PARSE_CHARS on) and
tomllib (smaller files, and every error's message). Same data, same key order, same
DeckSpec, the same error text and line; what TOML 1.0 forbids, both refuse."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from datetime import date, datetime, time, timedelta, timezone

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.deckfile import toml_deck as deckfile  # where the parser reads its size limits
from srs.deckfile import DeckSpec, dump_toml, parse_toml
from srs.errors import DeckFileError
from tests.factories import mutated
from tests.test_deckfile_rules import FRAGMENTS, VALID, _decks


def parse_both(text: str) -> tuple[object, object]:
    """parse_toml by the strict path and by the fast one: a DeckSpec or the error's text."""
    saved, outcomes = (deckfile.FAST_PARSE_CHARS, deckfile.PIECE_CHARS), []
    try:
        for limit, piece in ((1 << 62, saved[1]), (0, saved[1]), (0, 1)):  # pieces of one card each, last
            deckfile.FAST_PARSE_CHARS, deckfile.PIECE_CHARS = limit, piece
            try:
                outcomes.append(parse_toml(text, "decks/x.toml"))
            except DeckFileError as exc:
                outcomes.append(("error", str(exc), exc.line))
    finally:
        deckfile.FAST_PARSE_CHARS, deckfile.PIECE_CHARS = saved
    assert outcomes[2] == outcomes[1]
    return outcomes[0], outcomes[1]


def fast_data(text: str):
    import toml_rs

    return toml_rs.loads(text, toml_version="1.0.0")


def same(a, b) -> bool:
    """Equal, with the same key order and the same types all the way down (NaN equals NaN)."""
    if isinstance(a, dict):
        return type(b) is dict and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return type(b) is list and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b and (not isinstance(a, datetime) or a.utcoffset() == b.utcoffset())


# ---------------------------------------------------------------- same data
_keys = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_scalars = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",))), st.integers(-(2**63), 2**63 - 1), st.booleans(),
    st.floats(allow_nan=True), st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(timezone.utc),
                                     st.builds(timezone, st.integers(-23 * 60, 23 * 60).map(
                                         lambda m: timedelta(minutes=m))))),
    st.times())
_documents = st.recursive(
    st.dictionaries(_keys, _scalars, max_size=5),
    lambda inner: st.dictionaries(_keys, st.one_of(_scalars, inner, st.lists(inner, max_size=3),
                                                  st.lists(_scalars, max_size=4)), max_size=5),
    max_leaves=30)


@settings(max_examples=200, deadline=None)
@given(_documents)
def test_any_document_reads_the_same(document):
    text = tomli_w.dumps(document)
    assert same(tomllib.loads(text), fast_data(text))


def test_values_of_every_toml_type_read_the_same():
    text = '''a = 99999999999999999999
b = -0.0
c = 1e400
d = nan
e = 1979-05-27T07:32:00.999999999+01:00
f = 0x7fffffffffffffff
g = 1979-05-27
h = 07:32:00
i = 1979-05-27T07:32:00
j = 'lit\\eral'
k = """
multi \\
  line"""
l = [1, [2, "x"], {y = 1}]
"quoted key" = { "inner" . dotted = true }
[t.u]
v = +inf
[[w]]
[[w]]
x = 0o17
'''
    data = tomllib.loads(text)
    assert same(data, fast_data(text))
    assert isinstance(data["g"], date) and isinstance(data["h"], time)


# ---------------------------------------------------------------- same decks, same errors
@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(_decks())
def test_any_deck_parses_the_same(spec):
    strict, fast = parse_both(dump_toml(spec))
    assert strict == fast == dataclasses.replace(spec, source="decks/x.toml")
    assert [c.line for c in strict.cards] == [c.line for c in fast.cards]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40), st.randoms(use_true_random=False))
def test_any_mutated_deck_gives_the_same_deck_or_the_same_error(parts, rnd):
    text = mutated(parts, rnd, ("", "\n", "=", '"', "[", "]", "{", ",", "'", "\\"))
    strict, fast = parse_both(text)
    assert strict == fast


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_the_same_deck_or_the_same_error(text):
    strict, fast = parse_both(text)
    assert strict == fast


# TOML 1.1 (toml-rs's default) allows these; TOML 1.0, which tomllib reads, does not
TOML_1_1_ONLY = [
    'x = {a = 1,\n b = 2}\n',
    'x = {a = 1,}\n',
    'x = "\\e"\n',
    'x = "\\x41"\n',
    'x = 07:32\n',
    'x = 1979-05-27T07:32Z\n',
]
NOT_TOML = [
    'x = 1\nx = 2\n', '[t]\n[t]\n', 'x = "a\x01b"\n', 'x = "a\x7fb"\n', 'x = 1\r', 'x = 012\n', 'x = "\\q"\n',
    '[[x]]\n[x]\n', 'x = []\n[[x]]\n', 'x = {b = 1}\n[x.c]\n', 'x = .5\n', 'x = 5.\n', 'x =\n', 'x = "a\n',
    'x = 1__0\n', 'x = 2021-02-30\n', 'x = "\\uD800"\n', 'x = {b = {c = 1}}\nx.b.d = 2\n', '[x] b = 1\n',
    'x = 1 # \x01\n', 'x = 24:00:00\n',
]


@pytest.mark.parametrize("snippet", TOML_1_1_ONLY + NOT_TOML)
def test_what_toml_1_0_forbids_both_refuse_with_tomllibs_message(snippet):
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(snippet)
    import toml_rs

    with pytest.raises(toml_rs.TOMLDecodeError):
        fast_data(snippet)
    text = snippet + VALID
    strict, fast = parse_both(text)
    assert isinstance(strict, tuple) and "invalid TOML" in strict[1]
    assert fast == strict


# ---------------------------------------------------------------- the size switch
def big_deck(cards: int) -> str:
    head = '[deck]\nid = "big"\nname = "Big"\n\n[deck.exam]\nquestions = 3\n\n'
    return head + "".join(
        f'[[card]]\nid = "c{i}"\nquestion = "Question {i}?"\nchoices = ["one {i}", "two {i}", "three {i}"]\n'
        f'answer = "{"ABC"[i % 3]}"\nexplanation = "Because {i}."\ntags = ["t{i % 4}"]\n\n' for i in range(cards))


#: a large deck's cards: at srs's own sizes (slow), or a small deck with the sizes scaled to it
#: (the same paths: toml-rs past FAST_PARSE_CHARS, then pieces of PIECE_CHARS)
SIZES = [pytest.param(2500, marks=pytest.mark.slow, id="2500"), pytest.param(40, id="40")]


@pytest.fixture(params=SIZES)
def big(request, monkeypatch) -> str:
    cards = request.param
    if cards != 2500:
        for name in ("FAST_PARSE_CHARS", "PIECE_CHARS"):
            monkeypatch.setattr(deckfile, name, getattr(deckfile, name) * cards // 2500)
    text = big_deck(cards)
    assert len(text) >= deckfile.FAST_PARSE_CHARS
    return text


def card_at(big: str, fraction: float) -> int:
    """The number of the card ``fraction`` of the way through the deck ``big``."""
    return int(big.count("[[card]]") * fraction) - 1


def test_a_large_deck_is_read_by_toml_rs(big, monkeypatch):
    def refuse(text):
        raise AssertionError("tomllib read a large valid deck")

    expected = parse_toml(big, "big.toml")
    monkeypatch.setattr(deckfile.tomllib, "loads", refuse)
    deck = parse_toml(big, "big.toml")
    assert isinstance(deck, DeckSpec) and deck == expected and len(deck.cards) == big.count("[[card]]")


@pytest.mark.parametrize("old,new,needle,message", [  # {k}: a card four fifths through, past the first piece
    ('question = "Question {k}?"', 'question = "Question {k}?', "Question {k}?", "invalid TOML"),
    ('id = "c{k}"', 'id = "c{k}"\nid = "again"', 'id = "again"', "invalid TOML"),
    ('choices = ["one {k}", "two {k}", "three {k}"]', 'choices = ["one {k}",, "two {k}"]', ',,',
     "invalid TOML"),
    ('answer = "B"\nexplanation = "Because {k}."', 'answer = "E"\nexplanation = "Because {k}."', 'answer = "E"',
     'card "c{k}": answer \'E\' is not one of the 3 choices'),
    ('tags = ["t3"]', 'tags = ["t 3"]', '"t 3"', 'card "c3": a tag must not contain spaces'),
])
def test_a_large_decks_errors_are_the_small_paths(big, old, new, needle, message):
    k = card_at(big, 0.8)
    assert k % 3 == 1  # its answer is B
    old, new, needle, message = (part.format(k=k) for part in (old, new, needle, message))
    text = big.replace(old, new, 1)
    assert text != big
    strict, fast = parse_both(text)
    assert fast == strict
    _, words, line = fast
    assert message in words, words
    assert line == next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)


def test_a_large_decks_duplicate_names_both_cards(big):
    text = big.replace(f'id = "c{card_at(big, 0.96) + 1}"', 'id = "c7"', 1)
    assert text != big
    strict, fast = parse_both(text)
    assert fast == strict
    rows = text.splitlines()
    first, second = (i for i, row in enumerate(rows, 1) if row == 'id = "c7"')
    assert fast[1] == f'decks/x.toml:{second - 1}: card "c7": duplicate id (first at line {first - 1})'


@pytest.mark.parametrize("text", [
    # a [[card]] line inside a multi-line string or array is no cut
    VALID + '[[card]]\nid = "s"\nquestion = """one\n[[card]]\nid = "x"\n"""\nanswer = "a"\n',
    VALID + "[[card]]\nid = 's'\nquestion = \'\'\'one\n[[card]]\n\'\'\'\nanswer = 'a'\n",
    VALID + '[[card]]\nid = "s"\nquestion = "q"\nanswer = "a"\ntags = [\n"t",\n[[card]]\n]\n',
    # the deck's tables after the cards, cards before the first [[card]] line, CRLF lines
    VALID + '[deck.exam]\nquestions = 1\n',
    VALID.replace("[deck]", 'card = [{id = "z", question = "q", answer = "a"}]\n[deck]', 1),
    '[[card]]\nid = "z"\nquestion = "q"\nanswer = "a"\n' + VALID,
    VALID.replace("\n", "\r\n"),
    VALID + '[[card]]\nid = "s"\nquestion = "q"\nanswer = "a"\n[card.more]\nx = 1\n',
    VALID + '[[card]]\nid = "s"\nquestion = "q"\nanswer = "a"\n[card]\n',
    VALID + '[[card]]\nid = "s"\nquestion = "q"\nanswer = "a"\n[other]\n',
])
def test_pieces_read_what_the_whole_file_reads(text):
    strict, fast = parse_both(text)
    assert fast == strict


@pytest.mark.parametrize("piece", [1, 64, 1 << 20])
def test_a_valid_deck_is_read_in_pieces(piece, monkeypatch):
    """A valid deck is read piece by piece (never parsed whole as well): the pieces give the
    deck themselves, the same DeckSpec as the whole-file path."""
    cards = "".join(f'[[card]]\nid = "c{i}"\nquestion = "q {i}"\nanswer = "a {i}"\n\n' for i in range(40))
    text = VALID + "\n" + cards
    monkeypatch.setattr(deckfile, "PIECE_CHARS", piece)
    spec = deckfile._parse_in_pieces(text, "decks/x.toml")
    assert spec is not None
    monkeypatch.setattr(deckfile, "FAST_PARSE_CHARS", 1 << 62)
    assert spec == parse_toml(text, "decks/x.toml")
