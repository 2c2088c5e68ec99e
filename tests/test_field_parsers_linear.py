"""Every parser of untrusted field and template text takes time linear in its input: text
built from the fragments that drove the old expressions into backtracking, eight times
longer, costs at most about eight times as much (at most 20 times here: the machine is
shared, and a quadratic parser costs 64 times, a cubic one 512). Times are compared within
one process (processor time, which other programs on the machine do not add to), never
against a fixed limit."""

from __future__ import annotations

import contextlib
import math
from time import process_time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.anki.convert import split_back, srs_card
from srs.anki.html import list_items, to_text
from srs.anki.media_names import media_names
from srs.anki.scan import answer_rule_end
from srs.anki.template import CardContext, _apply, _furigana, _parse, cloze, cloze_numbers, render
from srs.deckfile import parse_quiz_text
from srs.deckfile.lines import _header
from srs.errors import DeckFileError

CTX = CardContext({"F": "x"})


def _quiz(text: str) -> None:
    with contextlib.suppress(DeckFileError):
        parse_quiz_text(text)


def _render(template: str) -> tuple[str, str]:
    _parse.cache_clear()  # (templates are parsed once and kept: parse each time here)
    return render(template, template, CTX)


# name: (the parser, the fragments that made its old expression backtrack)
PARSERS = {
    "cloze": (lambda s: (cloze(s, 1), cloze_numbers(s)), ("{{c1::", "{{c", "::", "}}", "{{c12", "x")),
    "furigana": (lambda s: _furigana(s, "furigana"), ("a[", "[", " ", "]", "\n", ">")),
    "kana": (lambda s: _furigana(s, "kana"), ("a[", "a[b]", " a[", "[\n")),
    "kanji": (lambda s: _furigana(s, "kanji"), ("a[", "[]", "a", "]")),
    "hint": (lambda s: _apply(("hint",), s, CTX, False), (" ", "&nbsp;", "<br>", "<div>", "</div", "<br /", "x")),
    "answer rule": (answer_rule_end, ("<hr ", "<hr", " id", "id=", "'", "=", "answer", "<")),
    "html to text": (to_text, ("<a ", "<", "</", "<!--", "<a b='", "<a =", "&#", "<a/", "<!", "<![ ", ">", "&amp;",
                               "<br>", "[sound:", "\n")),
    "list items": (list_items, ("<ol>", "<li>", "</li>", "<a ", "x", "</ol>")),
    "text filter": (lambda s: _apply(("text",), s, CTX, False), ("<", "<a", ">", "x")),
    "template": (_render, ("{{#F}}", "{{/F}}", "{{", "{{F}}", "{{^F}}", "}}", "{{text:F}}", "<hr ")),
    "media names": (media_names, ("[image: ", "[sound: ", "a", "]", "\n")),
    "trailing explanation": (split_back, ('<div class="srs-explanation">', "</div>", " ", "x")),
    "quiz text front": (lambda s: srs_card("c", s, s, ()), ('<ol type="A">', "</ol>", " ", "x")),
    "deck file header": (_header, ("[", " ", "a ", "[[", "\t")),
    "quiz text": (lambda s: _quiz("T\n" + s), ("1. q\n", "a\n", " ", "7", " questions · 70% to pass\n", "\n", "1")),
}

# the inputs of issue 21, each of which took 10 s to minutes
ISSUE = {
    "furigana": "a[",
    "cloze": "{{c1::",
    "html to text": "<a ",
    "answer rule": "<hr ",
    "text filter": "<",
    "template": "{{#F}}",
}


def _timed(parse, text: str, loops: int) -> float:
    start = process_time()
    for _ in range(loops):
        parse(text)
    return (process_time() - start) / loops


def growth(parse, unit: str, size: int = 4000) -> float:
    """How much more text eight times as long costs: the least processor time of several
    runs at each size, the runs of the two sizes taken in turn (the machine's other work
    slows a run down, never speeds it up, so the least is the truest)."""
    small = unit * math.ceil(size / len(unit))
    large = small * 8
    loops = 1
    while _timed(parse, small, loops) * loops < 0.002:  # each run of the small text lasts 2 ms or more
        loops *= 2
    small_cost = large_cost = math.inf
    for _ in range(7):
        small_cost = min(small_cost, _timed(parse, small, loops))
        large_cost = min(large_cost, _timed(parse, large, max(1, loops // 8)))
    return large_cost / small_cost


@pytest.mark.parametrize("name", sorted(ISSUE))
def test_the_issues_inputs_grow_linearly(name):
    assert growth(PARSERS[name][0], ISSUE[name]) <= 20


@pytest.mark.slow  # a few mixes for each of 15 parsers, each timed at two sizes
@pytest.mark.parametrize("name", sorted(PARSERS))
def test_any_mix_of_dangerous_fragments_grows_linearly(name):
    parse, fragments = PARSERS[name]

    @settings(max_examples=6, deadline=None, database=None)
    @given(st.lists(st.sampled_from(fragments), min_size=1, max_size=6))
    def check(parts):
        assert growth(parse, "".join(parts)) <= 20, parts

    check()
