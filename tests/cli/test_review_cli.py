"""`srs review` end to end: the piped protocol and simulated weeks in-process (Typer's CliRunner);
single keys and Ctrl-C in a real terminal (slow)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from srs.review import choice_order
from tests.cli.helpers import (LETTERS, cards_json, errors, next_card, review_log, right_letter, shown_letter, srs,
                              wrong_letter)
from tests.cli.terminal import Terminal, srs_env
from tests.oracle import replay


def test_piped_protocol_two_lines_per_card(env):
    # a letter then Enter: a right answer is rated Good by Enter, a wrong one takes Enter as "go on"
    keys = [wrong_letter(env, "mini/one"), right_letter(env, "mini/capital"), wrong_letter(env, "mini/six")]
    blue = right_letter(env, "mini/blue")
    out = srs(env, "review", "--deck", "mini", "--limit", "4",
              input="".join(f"{k}\n\n" for k in keys) + f"\nC\n{blue}\n3\n").stdout
    assert "Session over: 4 answers," in out
    one = shown_letter(_new(cards_json(env)["mini/one"]))  # the letter it was shown under
    assert f"✗ Wrong. The answer is {one}) Two" in out and "Count on your fingers." in out
    assert "'' is not a choice" in out and "'C' is not a choice" in out
    assert "Capital of France? [not markup]" in out  # card text is not read as Rich markup
    assert re.search(r"1 Again \S+\s+2 Hard \S+\s+3 Good \S+\s+4 Easy \S+", out)
    ratings = {name: rating for name, rating, _ in review_log(env)}
    assert ratings == {"mini/one": 1, "mini/capital": 3, "mini/six": 1, "mini/blue": 3}


def _new(card: dict) -> dict:
    """The card as it was shown before its first review."""
    return dict(card, reps=0)


def test_eof_mid_card_keeps_every_answer(env):
    one, capital = right_letter(env, "mini/one"), right_letter(env, "mini/capital")
    srs(env, "review", "--deck", "mini", input=f"{one}\n\n{capital}")  # second card: no rating, then EOF
    log = review_log(env)
    # the second answer was right and on screen: the end of input records it as Good (Enter's meaning)
    assert [(n, r) for n, r, _ in log] == [("mini/one", 3), ("mini/capital", 3)]


def test_nothing_due_says_when(env, tmp_path):
    env = dict(env)
    srs(env, "config", "new_per_day", "0")
    out = srs(env, "review").stdout
    assert "Nothing is due now." in out
    srs(env, "config", "new_per_day", "1")
    out = srs(env, "review", input=f"{right_letter(env, next_card(env))}\n4\n").stdout
    assert "Session over: 1 answer," in out
    out = srs(env, "review").stdout
    assert "Nothing is due now." in out and "Next card due tomorrow at 04:00" in out


def test_bad_options(env):
    r = srs(env, "review", "--deck", "nope", check=False)
    assert r.returncode == 1 and r.stderr.strip().startswith("error: unknown deck 'nope'")
    assert "Traceback" not in r.stderr
    r = srs(env, "review", "--limit", "0", check=False)
    assert r.returncode == 1 and errors(r.stderr) == "error: --limit 0: must be at least 1\n"


@pytest.mark.slow
def test_weeks_of_daily_study_match_an_independent_fsrs_replay(tmp_path, db_url):
    """The bundled deck, studied every day for three weeks through the CLI."""
    env = srs_env(tmp_path, db_url)
    start = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
    answers, reviewed = None, 0
    for day in range(21):
        env["SRS_NOW"] = (start + timedelta(days=day)).isoformat()
        if answers is None:
            answers = {k: v for k, v in cards_json(env, "dl-final").items()}
        # always press A: right when the shuffle put the answer there (Good by Enter), else wrong (Again)
        out = srs(env, "review", "--deck", "dl-final", input="A\n\n" * 60).stdout
        # always A gets most cards wrong, so something is due every day
        reviewed += int(re.search(r"Session over: (\d+) answers?[ ,]", out).group(1))
    log = review_log(env)
    assert len(log) == reviewed > 40  # every answer the sessions counted, and nothing else
    by_card: dict[str, list] = {}
    for name, rating, when in log:
        reps = len(by_card.setdefault(name, []))  # reviews before this one: the showing's shuffle
        by_card[name].append((rating, when))
        card = answers[name]
        a_is = choice_order(name, reps, len(card["choices"]))[0]  # the card's own choice shown as A
        assert rating == (3 if LETTERS[a_is] == card["answer"] else 1)
    final = cards_json(env, "dl-final")
    for name, history in by_card.items():
        expected = replay(history)
        got = final[name]
        assert got["stability"] == pytest.approx(expected.stability, rel=1e-12)
        assert got["difficulty"] == pytest.approx(expected.difficulty, rel=1e-12)
        assert datetime.fromisoformat(got["due"]) == expected.due
        assert got["reps"] == len(history)
    assert sum(1 for c in final.values() if c["state"] != "new") == 20


@pytest.mark.slow
def test_single_keys_in_a_real_terminal(env):
    right = {c["question"]: c for c in cards_json(env).values()}
    term = Terminal(["review", "--deck", "mini"], env)
    screen = term.wait_for("Answer A-")
    assert re.search(r"5 new · 0 learning · 0 review\s+0 done", screen)  # the basic card counts too
    question = next(q for q in right if q in screen)
    shown = re.findall(r"([A-F])\) (\w[^│]*?)\s*│", screen)  # the choices as shuffled for this showing
    assert sorted(c for _, c in shown) == sorted(right[question]["choices"])
    term.press(shown_letter(right[question]))  # one key, no Enter
    term.wait_for("✓ Right")
    screen = term.wait_for("Rate 1-4")
    assert re.search(r"1 Again \S+\s+2 Hard \S+\s+3 Good \S+\s+4 Easy", screen)
    term.press("3")
    screen = term.wait_for("Answer A-")
    term.press("u")  # undo the Good: the same card is shown again
    screen = term.wait_for("Undid the last answer")
    assert question in screen and re.search(r"5 new · 0 learning · 0 review\s+0 done", screen)
    assert re.findall(r"([A-F])\) (\w[^│]*?)\s*│", screen) == shown  # the same card state, the same order
    term.press("s")  # bury it
    screen = term.wait_for("Buried mini/")
    assert re.search(r"Buried mini/\S+ until tomorrow \(04:00\)", screen)  # days start at 04:00
    term.press("q")
    term.wait_for("Session over")
    assert term.finish() == 0
    assert review_log(env) == []


@pytest.mark.slow
def test_ctrl_c_keeps_answers(env):
    term = Terminal(["review", "--deck", "mini"], env)
    term.wait_for("Answer A-")
    term.press(right_letter(env, "mini/one"))
    term.wait_for("Rate 1-4")
    term.press("\r")  # Enter takes Good
    term.wait_for("Answer A-")
    term.press("\x03")
    assert term.finish() == 130
    assert [(n, r) for n, r, _ in review_log(env)] == [("mini/one", 3)]


@pytest.mark.slow
def test_suspend_at_the_rating_prompt_keeps_the_answer_and_undo_takes_both_back(env):
    first = next_card(env, "--deck", "mini")
    term = Terminal(["review", "--deck", "mini"], env)
    term.wait_for("Answer A-")
    term.press(right_letter(env, first))
    term.wait_for("Rate 1-4")
    term.press("!")                                  # suspend right after a right answer
    screen = term.wait_for("Answer A-")
    assert f"Suspended {first}" in screen
    assert [(n, r) for n, r, _ in review_log(env)] == [(first, 3)]   # the answer was recorded first
    assert cards_json(env)[first]["suspended"]
    term.press("u")
    screen = term.wait_for(f"Undid the suspension ({first})")
    assert not cards_json(env)[first]["suspended"]
    term.press("u")
    term.wait_for(f"Undid the last answer ({first})")
    term.press("q")
    term.wait_for("Session over")
    assert term.finish() == 0
    assert review_log(env) == [] and cards_json(env)[first]["state"] == "new"


def test_quitting_at_the_rating_prompt_records_the_right_answer(env):
    first = next_card(env, "--deck", "mini")
    out = srs(env, "review", "--deck", "mini", input=f"{right_letter(env, first)}\nq\n").stdout
    assert "Recorded Good" in out and "Session over: 1 answer," in out
    assert [(n, r) for n, r, _ in review_log(env)] == [(first, 3)]


def test_end_of_input_at_the_rating_prompt_records_the_right_answer(env):
    first = next_card(env, "--deck", "mini")
    srs(env, "review", "--deck", "mini", input=f"{right_letter(env, first)}\n")
    assert [(n, r) for n, r, _ in review_log(env)] == [(first, 3)]


@pytest.mark.slow
def test_ctrl_c_at_the_rating_prompt_records_the_answer_and_exits_130(env):
    first = next_card(env, "--deck", "mini")
    term = Terminal(["review", "--deck", "mini"], env)
    term.wait_for("Answer A-")
    term.press(right_letter(env, first))
    term.wait_for("Rate 1-4")
    term.press("\x03")
    term.wait_for("Session over")
    assert term.finish() == 130
    assert [(n, r) for n, r, _ in review_log(env)] == [(first, 3)]


def test_words_after_an_answer_and_at_the_end(env):
    one = wrong_letter(env, "mini/one")
    out = srs(env, "review", "--deck", "mini", input=f"{one}\n\n").stdout
    assert "Recorded Again — back in 1m." in out          # the first learning step, not "next in 59s"
    later = dict(env, SRS_NOW="2026-11-02T09:02:00+00:00")  # the missed card is due again
    first = next_card(later, "--deck", "mini")
    assert first == "mini/one"
    out = srs(later, "review", "--deck", "mini", "--limit", "2",
              input=f"{right_letter(later, 'mini/one')}\n3\n{right_letter(later, 'mini/capital')}\n\n").stdout
    assert "Recorded Good — back in 10m." in out
    assert "Session over: 2 answers, 100% right" in out
