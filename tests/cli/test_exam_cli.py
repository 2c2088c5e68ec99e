"""`srs exam` and `srs results` end to end: piped, in-process (Typer's CliRunner); a real short
timer and a real terminal (slow)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from tests.cli.terminal import Terminal
from tests.cli.helpers import MINI, cards_json, errors, review_log, srs


def shown_choices(screen: str) -> dict[str, str]:
    """The lettered choices on screen: {'A': 'Paris', ...}."""
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"([A-F])\) (.+?)\s*│?$", screen, re.M)}


@pytest.mark.slow
def test_exam_in_a_real_terminal_reads_each_shuffled_question(env):
    cards = {c["question"]: c for c in cards_json(env).values() if c["kind"] == "mc"}
    term = Terminal(["exam", "--deck", "mini", "--seed", "11", "--minutes", "5"], env)
    asked = []
    for k in range(4):
        screen = term.wait_for("Answer A-")
        assert re.search(r"Question \d of 4", screen)
        assert re.search(r"0[45]:\d\d left", screen)
        question = next(q for q in cards if q in screen)
        asked.append(question)
        card = cards[question]
        right_text = card["choices"]["ABCDEF".index(card["answer"])]
        letter = next(l for l, text in shown_choices(screen).items() if text == right_text)
        term.press(letter)
        if k < 3:
            deadline = time.monotonic() + 10
            while question in term.text and time.monotonic() < deadline:
                term.pump()
    screen = term.wait_for("PASS")
    assert "4/4" in screen and "(100%)" in screen
    assert term.finish() == 0
    assert sorted(asked) == sorted(cards)
    attempts = json.loads(srs(env, "results", "--json").stdout)
    assert attempts[0]["correct"] == 4 and attempts[0]["passed"] is True
    # right answers feed the scheduler as Good
    assert sorted(r for _, r, _ in review_log(env)) == [3, 3, 3, 3]


@pytest.mark.slow
def test_countdown_keeps_moving_while_waiting(env):
    term = Terminal(["exam", "--deck", "mini", "--seed", "1", "--minutes", "1"], env)
    first = re.search(r"(\d\d:\d\d) left", term.wait_for("Answer A-")).group(1)
    time.sleep(2.5)
    term.pump()
    second = re.search(r"(\d\d:\d\d) left", term.text).group(1)
    assert second < first
    term.press("q")
    screen = term.wait_for("Hand in now?")
    assert "y hands in · n goes on" in screen and "Answer A-" not in screen  # the answer hint is gone
    term.press("y")
    term.wait_for("FAIL")
    assert term.finish() == 0


def test_piped_exam_skip_and_report(env):
    # seed 3: answer the first shown question by skipping, then answer everything with A
    out = srs(env, "exam", "--deck", "mini", "--seed", "3", "--no-timer", "--confidence",
              input="\nA\n4\nA\n4\nA\n4\nA\n1\n").stdout
    assert "no time limit" in out
    assert re.search(r"FAIL\s+2/4", out)  # always A: right on two of seed 3's four questions
    assert "Your calibration" in out
    attempt = json.loads(srs(env, "results", "--json").stdout)[-1]
    full = json.loads(srs(env, "results", str(attempt["id"]), "--json").stdout)
    assert len(full["answers"]) == 4
    assert all(a["chosen"] is not None for a in full["answers"])
    # the skipped question came back last: it got confidence 1, the last line
    assert full["answers"][0]["confidence"] == 1
    assert {a["confidence"] for a in full["answers"][1:]} == {4}


def test_same_seed_same_exam(env):
    a = srs(env, "exam", "--deck", "mini", "--seed", "5", "--no-schedule", input="q\n").stdout
    b = srs(env, "exam", "--deck", "mini", "--seed", "5", "--no-schedule", input="q\n").stdout
    strip = lambda s: re.sub(r"\d\d:\d\d left|attempt #\d+|time used \S+ \S+", "", s)  # noqa: E731
    assert strip(a) == strip(b)
    assert review_log(env) == []  # --no-schedule


@pytest.mark.slow
def test_time_up_hands_in_while_waiting_for_input(env):
    read_end, write_end = os.pipe()  # stdin stays open: nobody answers, nothing ends the input
    proc = subprocess.Popen([sys.executable, "-m", "srs", "exam", "--deck", "mini", "--minutes", "0.05"],
                            env=env, stdin=read_end, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(read_end)
    started = time.monotonic()
    try:
        out, err = proc.communicate(timeout=30)
    finally:
        os.close(write_end)
    took = time.monotonic() - started
    assert proc.returncode == 0, err
    assert "Time is up" in out and "FAIL" in out and "4 question(s) unanswered" in out
    assert took < 20
    attempt = json.loads(srs(env, "results", "--json").stdout)[-1]
    assert attempt["timed_out"] is True and attempt["correct"] == 0


def test_exam_errors(env, tmp_path):
    r = srs(env, "exam", "--deck", "mini", "--questions", "9", check=False)
    assert r.returncode == 1 and "only 4 multiple-choice cards" in r.stderr
    r = srs(env, "exam", "--deck", "mini", "--minutes", "0", check=False)
    assert r.returncode == 1 and errors(r.stderr).startswith("error: --minutes 0: ")
    r = srs(env, "results", "99", check=False)
    assert r.returncode == 1 and "no exam attempt #99" in r.stderr
    second = MINI.replace('id = "mini"', 'id = "mini2"', 1)
    (tmp_path / "mini2.toml").write_text(second)
    srs(env, "import", str(tmp_path / "mini2.toml"))
    r = srs(env, "exam", check=False)
    assert r.returncode == 1 and "several decks" in r.stderr and "mini2" in r.stderr


@pytest.mark.slow
def test_ctrl_c_asks_no_goes_on_a_second_one_leaves_without_saving(env):
    term = Terminal(["exam", "--deck", "mini", "--seed", "3", "--minutes", "5"], env)
    first = re.search(r"(\d\d:\d\d) left", term.wait_for("Answer A-")).group(1)
    term.press("\x03")
    term.wait_for("Interrupted. Hand in now? y/n")
    term.press("n")                                   # no: the exam goes on, the clock still running
    deadline = time.monotonic() + 10
    while "Interrupted" in term.text and time.monotonic() < deadline:
        term.pump()
    time.sleep(1.2)
    term.pump()
    assert "Answer A-" in term.text and re.search(r"(\d\d:\d\d) left", term.text).group(1) < first
    term.press("\x03")
    term.wait_for("Interrupted. Hand in now?")
    term.press("\x03")                                # a second Ctrl-C: leave, nothing saved
    term.wait_for("no attempt was saved")
    assert term.finish() == 130
    assert json.loads(srs(env, "results", "--json").stdout) == []
    assert review_log(env) == []


@pytest.mark.slow
def test_ctrl_c_then_yes_hands_in(env):
    term = Terminal(["exam", "--deck", "mini", "--seed", "3", "--minutes", "5"], env)
    term.wait_for("Answer A-")
    term.press("\x03")
    term.wait_for("Interrupted. Hand in now? y/n")
    term.press("y")
    term.wait_for("FAIL")
    assert term.finish() == 0
    assert json.loads(srs(env, "results", "--json").stdout)[0]["correct"] == 0


def test_attempts_are_numbered_per_learner_and_the_trend_compares_like_with_like(env):
    quit_at_once = dict(input="q\n")
    srs(env, "exam", "--deck", "mini", "--seed", "1", "--no-schedule", **quit_at_once)       # #1, 4 questions
    other = dict(env, SRS_LEARNER="someone-else")
    srs(other, "exam", "--deck", "mini", "--seed", "1", "--no-schedule", **quit_at_once)
    srs(other, "exam", "--deck", "mini", "--seed", "1", "--no-schedule", **quit_at_once)
    srs(env, "exam", "--deck", "mini", "--seed", "2", "--questions", "2", "--no-schedule", **quit_at_once)  # #2
    mine = json.loads(srs(env, "results", "--json").stdout)
    assert [a["id"] for a in mine] == [1, 2] and [a["questions"] for a in mine] == [4, 2]
    assert json.loads(srs(other, "results", "--json").stdout)[-1]["id"] == 2
    assert json.loads(srs(env, "results", "2", "--json").stdout)["questions"] == 2
    out = srs(env, "results").stdout
    assert re.search(r"^\s*2\s+\d{4}-\d\d-\d\d", out, re.M) and "Exam attempts on mini" in out
    assert "attempts of 2 questions on mini only; 1 of other sizes or decks left out" in " ".join(out.split())
    assert "on the one before" not in out  # a 2-question score is not compared with a 4-question one
    assert "Attempt #2 taken" in srs(env, "results", "2").stdout


def test_report_ends_with_the_summary_and_lists_unanswered_questions_compactly(env):
    out = srs(env, "exam", "--deck", "mini", "--seed", "3", "--no-timer", "--no-schedule", input="A\nq\n").stdout
    out = " ".join(out.split())
    summary, unanswered, tags = out.rindex("FAIL"), out.index("Not answered (3, counted as wrong)"), out.index("By tag")
    assert unanswered < tags < summary                 # the score is the last thing on screen
    assert "Study next:" in out[summary:]
    assert out.count("Right answer:") <= 1             # one box at most (the answered question, if wrong)
    assert "attempt #1" in out
