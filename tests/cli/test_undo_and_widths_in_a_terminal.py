"""`u` and table widths in a real pseudo-terminal and a real pipe: single key presses, as a
learner types them (the in-process tests: tests/cli/test_words_tables_and_undo.py)."""

from __future__ import annotations

import re

import pytest

from tests.cli.helpers import next_card, review_log, right_letter
from tests.cli.terminal import Terminal

pytestmark = pytest.mark.slow  # real srs processes and terminals


def test_u_at_the_rating_prompt_takes_back_the_letter_then_undoes_the_answer_before(env):
    first = next_card(env, "--deck", "mini")
    term = Terminal(["review", "--deck", "mini"], env)
    term.wait_for("Answer A-")
    term.press(right_letter(env, first))
    term.wait_for("Rate 1-4")
    term.press("\r")                                  # card 1: Good
    term.wait_for("Answer A-")
    second = next_card(env, "--deck", "mini")
    term.press(right_letter(env, second))
    term.wait_for("Rate 1-4")
    term.press("u")                                   # takes back card 2's letter: the same question again
    screen = term.wait_for(f"Took back your answer to {second}")
    assert "Answer A-" in screen and second in screen
    assert [(n, r) for n, r, _ in review_log(env)] == [(first, 3)]
    term.press("u")                                   # the answer before: card 1's
    term.wait_for(f"Undid the last answer ({first})")
    assert review_log(env) == []
    term.press("q")
    term.wait_for("Session over")
    assert term.finish() == 0


def test_a_real_pipe_gets_whole_rows_and_a_narrow_terminal_says_what_is_hidden(env):
    from tests.cli.helpers import srs

    piped = dict(env, COLUMNS="60")
    piped.pop("SRS_WIDTH", None)
    out = srs(piped, "cards", "--deck", "mini").stdout             # stdout is a pipe here
    header = next(line for line in out.splitlines() if line.strip().startswith("card"))
    assert re.split(r"\s{2,}", header.strip()) == ["card", "state", "due", "memory R", "stability",
                                                   "reps", "lapses"]
    assert "hidden" not in out and max(map(len, out.splitlines())) < 200
    term = Terminal(["cards", "--deck", "mini", "--chance"], env, cols=40)
    screen = term.wait_for("use --json")
    assert "columns hidden (stability, reps, memory R" in " ".join(screen.split())
    assert term.finish() == 0
