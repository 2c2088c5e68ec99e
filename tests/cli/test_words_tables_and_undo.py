"""Daily use through the real CLI in-process (Typer's CliRunner): `u` takes back a letter or an
answer, the leech and unsuspend messages, words and percentage points, dates and zones, tables
that keep whole rows when piped and drop columns in a narrow terminal."""

from __future__ import annotations

import re

import pytest

from tests.cli.daily import Srs


@pytest.fixture
def srs(tmp_path, monkeypatch):
    s = Srs(tmp_path, monkeypatch)
    s("import", s.deck)
    return s


def test_u_at_the_rating_prompt_takes_back_the_letter_just_typed(srs):
    first = srs.first("--deck", "mini")
    one = srs.right(first)
    out = srs("review", "--deck", "mini", "--limit", "2", input=f"{one}\n\n").stdout  # card 1 right, Good
    second = srs.first("--deck", "mini")
    two = srs.right(second)
    # card 2 right, then u at the rating prompt: the same question again, nothing recorded; answer it again
    out = srs("review", "--deck", "mini", "--limit", "1", input=f"{two}\nu\n{two}\n4\n").stdout
    assert f"Took back your answer to {second}" in out
    assert "Nothing to undo" not in out
    assert "Session over: 1 answer," in out
    assert srs.log() == [(first, 3), (second, 4)]


def test_a_second_u_undoes_the_answer_before(srs):
    first = srs.first("--deck", "mini")
    srs("review", "--deck", "mini", "--limit", "1", input=f"{srs.right(first)}\n\n")
    second = srs.first("--deck", "mini")
    two = srs.right(second)
    # the session's first card: u takes the letter back; a second u has no answer before it in this session
    out = srs("review", "--deck", "mini", input=f"{two}\nu\nu\nq\n").stdout
    assert f"Took back your answer to {second}" in out and "Nothing to undo in this session." in out
    assert srs.log() == [(first, 3)]
    # in one session: card 2 answered, card 3's letter taken back, then card 2's answer undone
    third = next(n for n, c in srs.cards().items() if c["state"] == "new" and n != second and c["choices"])
    out = srs("review", "--deck", "mini", input=f"{two}\n\n{srs.right(third)}\nu\nu\nq\n").stdout
    assert f"Took back your answer to {third}" in out and f"Undid the last answer ({second})" in out
    assert srs.log() == [(first, 3)]


ONE = """
[deck]
id = "one"
name = "One card"

[[card]]
id = "q"
question = "One plus one?"
choices = ["Three", "Two", "Eleven"]
answer = "B"
"""


def answer_when_due(srs, right: bool, rating: str = "") -> str:
    """Answer the one card of deck "one" at its due time (right with ``rating``, or wrong)."""
    card = srs.cards("one")["one/q"]
    now = card["due"] if card["due"] else None
    key = srs.right("one/q") if right else srs.wrong("one/q")
    if now is not None:
        srs.monkeypatch.setenv("SRS_NOW", now)
    return srs("review", "--deck", "one", "--limit", "1", input=f"{key}\n{rating}\n").stdout


def test_the_leech_message_counts_the_lapse_just_made(srs, tmp_path):
    (tmp_path / "one.toml").write_text(ONE)
    srs("import", str(tmp_path / "one.toml"))
    answer_when_due(srs, True, "4")                  # new -> review
    for _ in range(2):                               # two lapses, each relearned
        answer_when_due(srs, False)
        answer_when_due(srs, True, "3")
    assert srs.cards("one")["one/q"]["lapses"] == 2
    srs("config", "leech_threshold", "2")
    out = answer_when_due(srs, False)
    assert srs.cards("one")["one/q"]["lapses"] == 3
    assert "one/q has lapsed 3 times: it is tagged leech and suspended" in out


def test_unsuspend_of_a_card_not_suspended_says_so(srs):
    result = srs("unsuspend", "mini/one")
    assert result.stdout == "mini/one was not suspended\n"
    assert srs("suspend", "mini/one").stdout == "suspended mini/one\n"
    assert srs("suspend", "mini/one", "mini/six").stdout == "mini/one was already suspended\nsuspended mini/six\n"
    assert srs("unsuspend", "mini/one").stdout == "unsuspended mini/one\n"
    assert not srs.cards()["mini/one"]["suspended"]


def test_cards_shows_a_buried_card_and_when_it_returns(srs):
    first = srs.first("--deck", "mini")
    srs("review", "--deck", "mini", input="s\nq\n")          # bury the first card until tomorrow 04:00
    row = srs.cards()[first]
    assert row["buried_until"] == "2026-11-03T04:00:00+00:00"
    line = next(line for line in srs("cards", "--deck", "mini").stdout.splitlines()
                if first.partition("/")[2] + " " in line)
    assert "buried" in line and "11-03 04:00" in line
    assert [n for n, c in srs.cards().items() if c["buried_until"]] == [first]


def test_exam_skipping_the_last_question_says_how_to_hand_in(srs):
    out = srs("exam", "--deck", "mini", "--questions", "2", "--no-timer", "--seed", "1", "--no-schedule",
              input="A\n\nq\n").stdout
    hint = "This is the only question left: answer it, or press q to hand in"
    assert out.count(hint) == 1                          # after the skip, not before
    assert out.index(hint) > out.rindex("Question 2 of 2")  # shown with the question asked again
    # skipping while others are left gives no such hint
    out = srs("exam", "--deck", "mini", "--questions", "2", "--no-timer", "--seed", "1", "--no-schedule",
              input="\nq\n").stdout
    assert hint not in out


def test_global_options_work_after_the_command_name(srs, tmp_path):
    from typer.testing import CliRunner

    from srs.cli import app

    other = str(tmp_path / "other.db")
    runner = CliRunner()
    result = runner.invoke(app, ["import", srs.deck, "--db", other, "--learner=ann"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["review", "--deck", "mini", "--db", other, "--learner", "ann", "--limit", "1"],
                           input="q\n")
    assert result.exit_code == 0, result.output
    assert "Session over" in result.stdout or "Nothing is due" in result.stdout
    # the same as given before the command: ann's database, not the default one
    before = runner.invoke(app, ["--db", other, "--learner", "ann", "cards", "--json"])
    after = runner.invoke(app, ["cards", "--json", "--db=" + other, "--learner", "ann"])
    assert before.exit_code == after.exit_code == 0 and before.stdout == after.stdout
    assert '"mini/one"' in after.stdout
    # a command's own options and arguments are left alone
    assert runner.invoke(app, ["--db", other, "config", "new_per_day", "-4"]).exit_code == 1


def test_words_an_87_percent_and_1_minute(srs):
    from srs.ui.render import plural, with_article

    assert [with_article(p) for p in ("87%", "8%", "80%", "11%", "18%", "70%", "1%", "100%", "110%", "<1%")] == [
        "an 87%", "an 8%", "an 80%", "an 11%", "an 18%", "a 70%", "a 1%", "a 100%", "a 110%", "a <1%"]
    out = srs("exam", "--deck", "mini", "--minutes", "1", "--seed", "1", "--no-schedule", input="q\n").stdout
    assert "4 questions, 1 minute, pass mark 75%" in out
    assert "srs gave you a " in out or "srs gave you an " in out
    assert plural(2, "minute") == "2 minutes" and plural(1.5, "minute") == "1.5 minutes"
    out = srs("exam", "--deck", "mini", "--questions", "1", "--seed", "1", "--no-schedule", input="q\n").stdout
    assert "Mini deck: 1 question, 5 minutes," in out


def test_changes_between_attempts_are_percentage_points(srs):
    srs("exam", "--deck", "mini", "--seed", "1", "--no-schedule", input="q\n")
    srs("exam", "--deck", "mini", "--seed", "1", "--no-schedule", input="A\nB\nA\nB\n", now="2026-11-02T10:00:00+00:00")
    out = srs("results", "--deck", "mini").stdout

    assert re.search(r"\([+-]\d+ pp on the one before\)", out), out
    assert "% on the one before" not in out


def test_config_shows_none_and_warns_on_a_past_exam_date(srs):
    out = srs("config").stdout
    assert re.search(r"exam_date\s+│?\s*none", out) and "None" not in out
    result = srs("config", "exam_date", "2026-11-01")
    assert "warning: exam_date 2026-11-01 is before today" in result.stderr
    result = srs("config", "exam_date", "2026-11-02")
    assert "warning" not in result.stderr
    assert srs("config", "exam_date", "none").stderr.count("warning") == 0


def test_one_message_for_a_date_srs_cannot_read(srs):
    srs("config", "exam_date", "none")
    bad = [srs("readiness", "--deck", "mini", "--on", text, ok=False) for text in ("yesterday", "2026-13-45")]
    assert [r.exit_code for r in bad] == [1, 1]
    assert [line for r in bad for line in r.stderr.splitlines() if line.startswith("error:")] == [
        "error: --on 'yesterday' is not a date (YYYY-MM-DD) or an ISO 8601 date-time",
        "error: --on '2026-13-45' is not a date (YYYY-MM-DD) or an ISO 8601 date-time"]
    bad = srs("review", "--until", "soon", ok=False)
    assert "error: --until 'soon' is not a date (YYYY-MM-DD) or an ISO 8601 date-time" in bad.stderr


def test_labels_exam_chance_in_decks_and_the_calibration_verdict(srs):
    srs("config", "exam_date", "2026-11-05", "--deck", "mini")
    out = srs("decks").stdout
    assert "2026-11-05 in 3d ? (no mock yet)" in out, out  # no mock: no point forecast
    assert "exam: its date, the days left and your chance to pass then" in out
    out = srs("exam", "--deck", "mini", "--seed", "1", "--no-schedule", "--confidence", input="A\n3\nB\n4\nq\n").stdout
    assert re.search(r"2026-11-05 in 3d pass \d+%", srs("decks").stdout)  # a mock taken: a labelled forecast
    header = next(line for line in out.splitlines() if re.match(r"\W*confidence\W+stated", line))
    assert header.replace("┃", " ").split()[-1] == "verdict"


def test_stats_counts_each_card_once(srs):
    srs("suspend", "mini/one")
    out = srs("stats", "--deck", "mini").stdout
    header, row = next((lines[i], lines[i + 2]) for lines in [out.splitlines()] for i in range(len(lines))
                       if "total" in lines[i])
    cols = [c.strip() for c in header.replace("┃", "│").split("│") if c.strip()]
    numbers = [int(n) for n in row.replace("│", " ").split()]
    counts = dict(zip(cols, numbers, strict=True))
    assert counts["total"] == 5 == counts["new"] + counts["learning"] + counts["review"] + counts["relearning"]
    assert counts["of which suspended"] == 1
    assert srs("stats", "--deck", "mini", "--json").stdout.count('"suspended": 1') == 1


LONG_NAME = "A deck whose name is long enough to wrap over several lines in a narrow table"


def test_piped_output_has_whole_rows_at_any_width(tmp_path, monkeypatch):
    srs = Srs(tmp_path, monkeypatch, width=0)             # no SRS_WIDTH: CliRunner's stdout is not a terminal
    monkeypatch.setenv("COLUMNS", "60")                  # a terminal's width does not cut output sent to a pipe
    srs("import", srs.deck)
    srs("config", "exam_date", "2026-11-20", "--deck", "mini")
    (tmp_path / "long.toml").write_text(f'[deck]\nid = "long"\nname = "{LONG_NAME}"\n\n'
                                        '[[card]]\nid = "c"\nquestion = "Q?"\nanswer = "A"\n')
    srs("import", str(tmp_path / "long.toml"))
    decks = srs("decks").stdout
    assert LONG_NAME in decks                            # on one line, not folded
    assert re.search(r"mini\s+Mini deck\s+5\s+5\s+0\s+0\s+\d+\s+0\s+2026-11-20 in 18d \? \(no mock yet\)", decks), decks
    cards = srs("cards", "--chance").stdout
    header = next(line for line in cards.splitlines() if line.strip().startswith("card"))
    assert re.split(r"\s{2,}", header.strip()) == ["card", "state", "due", "chance now", "memory R", "stability",
                                                   "reps", "lapses"]
    assert "hidden" not in cards
    # as wide as the content, not padded to the piped width
    assert max(len(line) for line in decks.splitlines() + cards.splitlines()) < 200


def test_a_narrow_terminal_hides_columns_in_order_and_says_so(tmp_path, monkeypatch):
    srs = Srs(tmp_path, monkeypatch, width=50)
    srs("import", srs.deck)
    cards = srs("cards", "--deck", "mini", "--chance").stdout
    assert all(len(line) <= 50 for line in cards.splitlines())
    header = next(line for line in cards.splitlines() if line.strip().startswith("card"))
    assert re.split(r"\s{2,}|(?<=\S) (?=\S{4})", header.strip()) == ["card", "state", "due", "chance now", "lapses"]
    assert "3 columns hidden (stability, reps, memory R): widen the terminal or use --json" in " ".join(cards.split())
    assert "chance now: of a right answer" in " ".join(cards.split())
    assert "memory R:" not in cards  # a hidden column needs no legend
    srs.monkeypatch.setenv("SRS_WIDTH", "40")
    decks = srs("decks").stdout
    assert "4 columns hidden (name, susp., cards, new): widen the terminal or use --json" in " ".join(decks.split())
    assert all(len(line) <= 40 for line in decks.splitlines())


@pytest.fixture
def utc_machine(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_every_command_shows_times_in_the_learners_zone_and_says_which(srs, utc_machine):
    at = "2026-11-02T19:00:00+01:00"
    result = srs("exam", "--deck", "mini", "--seed", "1", "--no-schedule", input="q\n", now=at)
    assert "times are shown in UTC+01:00 (SRS_NOW's offset), not this machine's UTC+00:00" in result.stderr
    listed = srs("results").stdout
    assert "2026-11-02 19:00" in listed and "18:00" not in listed
    assert "taken 2026-11-02 19:00" in srs("results", "1").stdout
    assert "2026-11-02 19:00" in srs("stats", "--deck", "mini").stdout
    # the machine's own zone: nothing to say
    assert "times are shown" not in srs("results", now="2026-11-02T20:00:00+00:00").stderr


def test_cards_shows_the_forecasts_chance_now_beside_fsrs_memory(srs):
    first = srs.first("--deck", "mini")
    srs("review", "--deck", "mini", "--limit", "1", input=f"{srs.wrong(first)}\n\n")   # a miss at 09:00
    srs.monkeypatch.setenv("SRS_NOW", "2026-11-02T22:00:00+00:00")                  # 13 hours later
    row = srs.cards(chance=True)[first]
    assert row["retrievability"] > 0.9                    # FSRS: the answer was just read
    assert row["chance_now"] < row["retrievability"] - 0.2  # the forecast: a miss is strong evidence
    assert srs.cards(chance=True)["mini/basic"]["chance_now"] is None  # a basic card: no forecast
    # without --chance no forecast is worked out (no NumPy): null in JSON, no column, no legend
    assert srs.cards()[first]["chance_now"] is None and srs.cards()[first]["retrievability"] == row["retrievability"]
    plain = srs("cards", "--deck", "mini").stdout
    header = next(line for line in plain.splitlines() if line.strip().startswith("card"))
    assert re.split(r"\s{2,}", header.strip()) == ["card", "state", "due", "memory R", "stability", "reps", "lapses"]
    assert "chance now" not in plain
    srs.monkeypatch.setenv("SRS_WIDTH", "40")
    narrow = srs("cards", "--deck", "mini").stdout
    srs.monkeypatch.delenv("SRS_WIDTH")
    assert "chance now" not in narrow and "columns hidden (stability, reps, memory R" in " ".join(narrow.split())
    out = srs("cards", "--deck", "mini", "--chance").stdout
    header = next(line for line in out.splitlines() if line.strip().startswith("card"))
    assert "chance now" in header and "memory R" in header
    line = next(line for line in out.splitlines() if line.strip().startswith(first.partition("/")[2] + " "))
    assert f"{row['chance_now']:.0%}" in line and f"{row['retrievability']:.0%}" in line
    assert "chance now: of a right answer now" in " ".join(out.split())


def test_a_right_letter_rated_again_counts_as_right_everywhere(srs, tmp_path):
    """Issue 23.8: the review log keeps what was answered; readiness's right column, the
    session summary and true retention count a right letter rated Again as right."""
    import json

    (tmp_path / "one.toml").write_text(ONE)
    srs("import", str(tmp_path / "one.toml"))
    for now in ("2026-11-02T09:00:00+00:00", "2026-11-02T09:30:00+00:00"):   # the right letter twice, rated Again
        out = srs("review", "--deck", "one", "--limit", "1", input=f"{srs.right('one/q')}\n1\n", now=now).stdout
        assert "Session over: 1 answer, 100% right" in out
    assert srs.log() == [("one/q", 1), ("one/q", 1)]
    srs.monkeypatch.setenv("SRS_NOW", "2026-11-02T10:00:00+00:00")
    out = srs("readiness", "--deck", "one").stdout
    assert re.search(r"one/q\s+2/2\s", out)
    # a gain in the pass chance is in percentage points (issue 23.11), in the table and the advice
    assert re.search(r"one/q\s+2/2\s.*\+\d\.\d pp\s*$", out, re.M) and re.search(r"Review these first: one/q \+\d\.\d pp", out)
    assert json.loads(srs("readiness", "--deck", "one", "--json").stdout)["cards"][0]["right"] == 2
    out = srs("review", "--deck", "one", "--limit", "1", input=f"{srs.wrong('one/q')}\n\n").stdout  # a wrong letter
    assert "0% right" in out
    assert json.loads(srs("readiness", "--deck", "one", "--json").stdout)["cards"][0]["right"] == 2
    assert re.search(r"one/q\s+2/3\s", srs("readiness", "--deck", "one").stdout)
    from srs.store import open_store

    store, _ = open_store(srs.db, "tester")
    try:
        assert [e.correct for _, e in store.review_log()] == [True, True, False]
    finally:
        store.close()


def test_true_retention_counts_the_letter_of_a_review_card(srs, tmp_path):
    import json

    (tmp_path / "one.toml").write_text(ONE)
    srs("import", str(tmp_path / "one.toml"))
    answer_when_due(srs, True, "4")            # new -> review
    answer_when_due(srs, True, "1")            # due: the right letter, rated Again (a lapse for FSRS)
    stats = json.loads(srs("stats", "--deck", "one", "--json").stdout)
    assert (stats["retention"], stats["retention_answers"]) == (1.0, 1)
    assert srs.cards("one")["one/q"]["lapses"] == 1   # the rating still schedules: Again is a lapse
