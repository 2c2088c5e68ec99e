"""srs.lint: every strategy on small hand-made decks, ties, a deck with a length cue, the
JSON shape, and every bundled deck."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.deckfile import CardSpec, DeckSpec, ExamSettings, read_deck
from srs.lint import Item, content_words, duplicates, from_deck_spec, lint

DECKS = sorted((Path(__file__).resolve().parents[1] / "decks").glob("*.toml"))


def item(choices, answer=0, question="Which one?", id="c"):
    return Item(id, question, tuple(choices), answer)


def strategy(report, name):
    return next(s for s in report.strategies if s.name == name)


def test_longest_and_shortest():
    items = [item(["a much longer right answer", "short", "tiny"], 0, id="one"),
             item(["right", "a long wrong answer here"], 0, id="two")]
    rep = lint(items)
    assert strategy(rep, "longest").score == 1 and strategy(rep, "longest").cards == ("one",)
    assert strategy(rep, "shortest").score == 1 and strategy(rep, "shortest").cards == ("two",)
    assert rep.cards == 2 and rep.chance == pytest.approx(1 / 3 + 1 / 2)


def test_ties_split_the_card():
    # two choices share the longest length: the student picks one of them, right half the time
    rep = lint([item(["abcd", "wxyz", "no"], 1)])
    longest = strategy(rep, "longest")
    assert longest.score == pytest.approx(0.5) and longest.cards == ()
    # all the same length: the rule says nothing, the student guesses among all four
    rep = lint([item(["aa", "bb", "cc", "dd"], 2)])
    assert strategy(rep, "longest").score == pytest.approx(0.25)
    assert strategy(rep, "shortest").score == pytest.approx(0.25)


def test_position_takes_the_best_letter_and_counts_the_letters():
    items = [item(["x", "y", "z"], a, id=f"c{i}") for i, a in enumerate([1, 1, 1, 0, 2])]
    rep = lint(items)
    pos = strategy(rep, "position")
    assert pos.detail == "B" and pos.score == 3 and pos.cards == ("c0", "c1", "c2")
    assert pos.label == "always answers B"
    assert rep.letters == {"A": 1, "B": 3, "C": 1}


def test_echo_picks_the_choice_repeating_the_question():
    q = "Which optimizer adapts learning rates per parameter?"
    rep = lint([item(["SGD with momentum", "Adam: adaptive learning rates per parameter", "Dropout"], 1, q, "adam")])
    echo = strategy(rep, "echo")
    assert echo.score == 1 and echo.cards == ("adam",)
    # short words and stop words do not count: no overlap is a tie among all the choices
    rep = lint([item(["this one", "that one"], 0, "Which of these is it?")])
    assert strategy(rep, "echo").score == pytest.approx(0.5)
    assert content_words("Which of THESE models, trained with Adam?") == {"models", "trained", "adam"}


def test_absolute_words_are_ruled_out():
    rep = lint([item(["It always converges", "It never overfits", "It usually helps", "Only on GPUs"], 2)])
    absolute = strategy(rep, "absolute")
    assert absolute.score == 1 and absolute.cards == ("c",)
    # the right answer is the absolute one: the rule throws it away
    rep = lint([item(["It must be normalised", "It helps", "It hurts"], 0)])
    assert strategy(rep, "absolute").score == 0
    # every choice absolute: nothing is ruled out, a guess among all
    rep = lint([item(["always", "never"], 0)])
    assert strategy(rep, "absolute").score == pytest.approx(0.5)
    # whole words only: "overall", "nonempty", "mustard" are not absolute
    rep = lint([item(["overall nonempty mustard", "x"], 0)])
    assert strategy(rep, "absolute").score == pytest.approx(0.5)


def test_all_or_none_of_the_above_is_picked_and_flagged():
    rep = lint([item(["Red", "Blue", "All of the above"], 2, id="a"),
                item(["Red", "None of the above", "Blue"], 0, id="b"),
                item(["Red", "Blue"], 1, id="c")])
    above = strategy(rep, "above")
    assert above.score == pytest.approx(1 + 0 + 0.5) and above.cards == ("a",)
    assert [(a.card, a.letter, a.right) for a in rep.above_choices] == [("a", "C", True), ("b", "B", False)]


def test_duplicates_are_flagged():
    found = duplicates([item(["The  model overfits.", "the model overfits", "It underfits"], id="d"),
                        item(["Uses a learning rate schedule", "Uses a learning-rate schedule", "No"], id="e"),
                        item(["Sessions up to 4 hours", "Sessions up to 9 hours"], id="f")])
    assert [(d.card, d.letters) for d in found] == [("d", ("A", "B")), ("e", ("A", "B"))]
    assert found[0].ratio == 1.0
    # choices that differ in a number are different answers, not duplicates (card f)


def test_a_deck_with_a_length_cue_fails():
    cards = [CardSpec(f"c{i}", f"Question {i}?", "ABCD"[i % 4],
                      tuple("a detailed, careful and complete right answer" if j == i % 4 else f"wrong {j}"
                            for j in range(4)))
             for i in range(10)]
    cards[0] = CardSpec("c0", "Question 0?", "A", ("short", "a much longer wrong answer", "x", "y"))
    cards[1] = CardSpec("c1", "Question 1?", "B", ("a much longer wrong answer", "short", "x", "y"))
    cards[2] = CardSpec("c2", "Question 2?", "C", ("a much longer wrong answer", "x", "short", "y"))
    spec = DeckSpec("cue", "Cue", "", ExamSettings(10, 30, 0.7), tuple(cards), "cue.toml")
    rep = from_deck_spec(spec)
    longest = strategy(rep, "longest")
    assert longest.score == 7 and longest.share == pytest.approx(0.7) and longest.passes  # inclusive pass mark
    assert rep.fails and rep.failing[0] is longest
    assert set(longest.cards) == {f"c{i}" for i in range(3, 10)}
    # a stricter pass mark and the same deck passes the check
    strict = from_deck_spec(DeckSpec("cue", "Cue", "", ExamSettings(10, 30, 0.8), tuple(cards), "cue.toml"))
    assert not strict.fails


def test_pass_mark_defaults_to_70_percent_and_basic_cards_are_left_out():
    spec = DeckSpec("b", "B", "", None, (CardSpec("q", "Q?", "free text"),), "b.toml")
    rep = from_deck_spec(spec)
    assert rep.pass_mark == 0.7 and rep.cards == 0 and not rep.fails
    assert len(rep.strategies) == 6 and all(s.score == 0 and not s.passes for s in rep.strategies)


def test_json_shape():
    rep = lint([item(["Paris", "Rome and also Madrid"], 1, "Capital of Italy?", "cap")], 0.75, "x.toml", "geo")
    data = json.loads(json.dumps(rep.to_dict()))
    assert set(data) >= {"path", "deck", "cards", "pass_mark", "chance", "strategies", "duplicates",
                         "above_choices", "letters", "fails"}
    assert data["path"] == "x.toml" and data["deck"] == "geo" and data["cards"] == 1
    assert data["pass_mark"] == 0.75 and data["chance"] == 0.5 and data["letters"] == {"A": 0, "B": 1}
    names = [s["name"] for s in data["strategies"]]
    assert names == ["longest", "shortest", "position", "echo", "absolute", "above"]
    for s in data["strategies"]:
        assert set(s) >= {"name", "score", "share", "passes", "cards"} and isinstance(s["passes"], bool)
    assert data["fails"] is True  # the longest choice is right: 1 of 1
    stored = lint([], None, "geo", "geo", from_store=True).to_dict()
    assert "path" not in stored and stored["deck"] == "geo" and stored["fails"] is False


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.name)
def test_bundled_decks_give_nothing_away(path):
    """No strategy passes a bundled deck, nor beats guessing by more than 3 of 20 (0.15)."""
    rep = from_deck_spec(read_deck(path))
    assert rep.cards > 0
    chance = rep.chance / rep.cards
    for s in rep.strategies:
        assert not s.passes, f"{path.name}: a student who {s.label} scores {s.score:.3g}/{rep.cards}"
        assert s.share - chance <= 0.15 + 1e-9, (
            f"{path.name}: a student who {s.label} scores {s.score:.3g}/{rep.cards}, "
            f"guessing {rep.chance:.3g}: cards {', '.join(s.cards)}")
    assert not rep.duplicates, rep.duplicates


# ---------------------------------------------------------------- the fast checks find what the plain ones find
def plain_content_words(text):
    import re

    from srs.lint import STOP_WORDS

    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in STOP_WORDS}


def plain_duplicates(items, threshold=0.9):
    """Every pair through difflib: what duplicates() must find with its cheaper bounds first."""
    import difflib
    import re

    from srs.lint import LETTERS

    def normal(text):
        return " ".join(text.lower().split()).strip(" .;,:!?")

    found = []
    for it in items:
        choices = [normal(c) for c in it.choices]
        for i in range(len(choices)):
            for j in range(i + 1, len(choices)):
                if re.findall(r"\d+(?:[.,]\d+)?", choices[i]) != re.findall(r"\d+(?:[.,]\d+)?", choices[j]):
                    continue
                ratio = difflib.SequenceMatcher(None, choices[i], choices[j], autojunk=False).ratio()
                if ratio >= threshold:
                    found.append((it.id, (LETTERS[i], LETTERS[j]), ratio))
    return found


_words = st.text(st.sampled_from("abcdefgh ABÉ.-,1"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | _words)
def test_content_words_are_the_plain_definition(text):
    assert content_words(text) == plain_content_words(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_words | st.sampled_from(["the model overfits", "The  model overfits.", "model overfit",
                                                   "first 5", "second 5", "up to 4 hours"]),
                         min_size=2, max_size=6), min_size=1, max_size=5))
def test_duplicates_are_the_plain_pairwise_check(decks):
    items = [Item(f"c{n}", "Which?", tuple(choices), 0) for n, choices in enumerate(decks)]
    assert [(d.card, d.letters, d.ratio) for d in duplicates(items)] == plain_duplicates(items)


def test_the_hint_after_an_import_scores_the_strategies_as_lint_does(tmp_path):
    from srs.deckfile import dump_toml
    from srs.lint import failing_files

    cards = [CardSpec(f"c{i}", f"Question {i}?", "ABCD"[i % 4],
                      tuple("a detailed, careful and complete right answer" if j == i % 4 else f"wrong {j}"
                            for j in range(4))) for i in range(8)]
    cards[0] = CardSpec("c0", "Question 0?", "A", ("same answer", "Same answer.", "all of the above"))
    path = tmp_path / "cue.toml"
    path.write_text(dump_toml(DeckSpec("cue", "Cue", "", ExamSettings(4, 30, 0.7), tuple(cards), str(path))))
    [hint] = failing_files([path])
    full = from_deck_spec(read_deck(path))
    assert hint.strategies == full.strategies and hint.fails and (hint.chance, hint.cards) == (full.chance, full.cards)
    assert full.duplicates and full.above_choices and not hint.duplicates and not hint.above_choices


_choice_text = st.text(st.sampled_from("abc ALWAYS all none Of of the above These ſK İ\u212a\x00é-"), max_size=40) | \
    st.sampled_from(["All of the above", "none of these", "always", "It must be so", "ALWAYS Right", "alwayſ",
                     "first 5", "the learning rate", "Learning rates", "neither of the other options"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.text(st.sampled_from("abcdefgh ABÉ.-,1"), max_size=30)
                          | st.sampled_from(["Which learning rate is right?", "What do all of these share?"]),
                          st.lists(_choice_text, min_size=2, max_size=6),
                          st.integers(0, 5)), min_size=1, max_size=8))
def test_strategies_in_one_pass_score_as_each_rule_does(cards):
    from srs.lint import RULES, _score, _score_rules

    items = [Item(f"c{n}", q, tuple(choices), answer % len(choices)) for n, (q, choices, answer) in enumerate(cards)]
    assert _score_rules(items) == [_score(items, rule) for _, _, rule in RULES]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Which learning rate is right?", "What do all of these share?", "Pick"]),
                          st.lists(_choice_text, min_size=2, max_size=6),
                          st.integers(0, 5)), min_size=0, max_size=40),
       st.sampled_from([0.05, 0.3, 0.5, 0.7, 1.0]))
def test_the_hint_gives_up_only_on_decks_no_strategy_passes(cards, mark):
    from srs.lint import rules as lint_module  # where _score_rules reads it

    items = [Item(f"c{n}", q, tuple(choices), answer % len(choices)) for n, (q, choices, answer) in enumerate(cards)]
    full = lint(items, mark, strategies_only=True)
    saved = lint_module.GIVE_UP_EVERY
    lint_module.GIVE_UP_EVERY = 1  # look at every card
    try:
        hint = lint(items, mark, strategies_only=True, only_failing=True)
    finally:
        lint_module.GIVE_UP_EVERY = saved
    if hint is None:
        assert not full.fails
    else:
        assert hint == full


def _letters_matching_ascii_ones(upto: int) -> set[str]:
    import re

    letters = re.compile("|".join("abcdefghijklmnopqrstuvwxyz"), re.I)  # literals, as the patterns have
    return {chr(code) for code in range(0x80, upto) if letters.fullmatch(chr(code))}


def test_the_letters_re_i_matches_to_ascii_ones_are_the_four_folded():
    """The whole-word shortcut writes only four non-ASCII letters as the ASCII ones re.I
    matches them to (srs.lint.rules._SPECIAL); no other character of the Basic Multilingual
    Plane matches an ASCII letter (the whole suite checks every code point)."""
    from srs.lint.rules import _SPECIAL

    assert _letters_matching_ascii_ones(0x10000) == set(_SPECIAL)


@pytest.mark.slow
def test_no_character_beyond_the_bmp_matches_an_ascii_letter_either():
    from srs.lint.rules import _SPECIAL

    assert _letters_matching_ascii_ones(0x110000) == set(_SPECIAL)


_word_text = st.lists(st.sampled_from(["all", "ALL", "of", "Of", "the", "above", "these", "other", "only", "never",
                                      "musts", "_", "é", "\u0130", "\u0131", "\u017f", "\u212a", " ", "\t", "\x00",
                                      "-", "1", "a", "l", "n", "o", "y", "s", "k", "i", "ſ", "ö", "mu", "t", "alway", "ne", "ther", "L"]),
                      max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(_word_text)
def test_whole_word_shortcut_never_misses_a_pattern_match(text):
    """``_has_word`` says no only where the pattern cannot match: it may say yes where the
    pattern then finds nothing (the pattern decides), never no where the pattern matches."""
    from srs.lint.rules import _ABOVE, _ABOVE_FIRST, _ABOVE_NEEDS, _ABSOLUTE, _ABSOLUTE_LOWER, _folded, _has_word

    folded = _folded(text, text.lower(), text.isascii())
    if folded is None:
        return  # the patterns themselves run
    if _ABSOLUTE.search(text):
        assert _has_word(folded, text, _ABSOLUTE_LOWER)
    if _ABOVE.search(text):
        assert all(_has_word(folded, text, words) for words in (("of",), _ABOVE_NEEDS, _ABOVE_FIRST))
    found = _has_word(folded, text, _ABSOLUTE_LOWER)  # and on its own words it is exactly the pattern
    assert found == bool(_ABSOLUTE.search(text))
