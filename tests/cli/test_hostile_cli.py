"""A hostile deck can do nothing to the learner's terminal (issue 21): its text reaches every
command's output only as visible placeholders, never as markup, and is stored as the file
held it; SRS_NOW out of range and an export over an existing file are one line each."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from srs.cli import app
from srs.ui.shown import UNSAFE, shown
from tests.cli.helpers import errors, srs, srs_process
from tests.cli.terminal import Terminal, srs_env
from tests.hostile_text import CLEAR, EVIL, OSC52, hostile_toml, package_with_media_names, toml_string

NOW = "2026-11-02T09:00:00+00:00"


def controls(text: str) -> list[str]:
    """What a terminal would act on, or what hides or reorders text, in ``text``."""
    return [f"U+{ord(c):04X}" for c in text if UNSAFE.search(c)]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run srs in-process (stdin piped) on a database holding the hostile deck."""
    monkeypatch.setenv("SRS_DB", str(tmp_path / "h.db"))
    monkeypatch.setenv("SRS_LEARNER", "tester")
    monkeypatch.setenv("SRS_FUZZ", "0")
    monkeypatch.delenv("SRS_WIDTH", raising=False)  # piped: whole rows
    monkeypatch.setenv("SRS_NOW", NOW)
    deck = tmp_path / "evil.toml"
    deck.write_text(hostile_toml(), encoding="utf-8")

    def run(*args: str, input: str | None = None, code: int = 0):
        result = CliRunner().invoke(app, list(args), input=input)
        assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
        return result

    run("import", str(deck))
    run.deck = deck
    return run


COMMANDS = [("decks",), ("cards",), ("cards", "--deck", "evil"), ("stats",), ("stats", "--deck", "evil"),
            ("readiness", "--deck", "evil"), ("results",), ("config", "--deck", "evil")]


def test_no_command_lets_the_deck_drive_the_terminal(cli):
    outputs = [cli(*args, code=1 if args[0] == "lint" else 0)
               for args in COMMANDS + [("lint", "--deck", "evil"), ("lint", str(cli.deck))]]
    outputs.append(cli("import", str(cli.deck)))
    outputs.append(cli("suspend", "evil/c0"))
    assert "Evil ␛]52;c;aGVsbG8=␇" in outputs[0].stdout  # srs decks: the name, visibly
    for result in outputs:
        assert not controls(result.stdout) and not controls(result.stderr), result.stdout


@pytest.mark.slow
def test_review_and_exam_in_real_processes_show_the_deck_as_text(tmp_path):
    env = srs_env(tmp_path, SRS_NOW=NOW, SRS_WIDTH="120")
    (tmp_path / "evil.toml").write_text(hostile_toml(), encoding="utf-8")
    srs_process(env, "import", str(tmp_path / "evil.toml"))
    review = srs_process(env, "review", "--deck", "evil", input="A\n\nB\n\nA\n\n" * 4 + "q\n")
    assert shown(OSC52) in review.stdout and shown(CLEAR) in review.stdout  # shown, visibly
    exam = srs_process(env, "exam", "--deck", "evil", "--seed", "1", input="A\nB\n\n" + "A\n" * 10)
    assert "Evil ␛]52;c;aGVsbG8=␇" in exam.stdout
    results = srs_process(env, "results", "1")
    for result in (review, exam, results):
        assert not controls(result.stdout) and not controls(errors(result.stderr)), result.stdout


def test_what_is_stored_is_what_the_file_held_and_json_stays_json(cli):
    out = cli("cards", "--deck", "evil", "--json").stdout
    assert "\x1b" not in out and not any(0x7F <= ord(c) <= 0x9F for c in out)  # escaped, not raw
    cards = {c["card"]: c for c in json.loads(out)}
    assert cards["evil/basic"]["question"] == "basic " + EVIL
    assert cards["evil/basic"]["answer"] == "answer " + EVIL
    assert cards["evil/c0"]["choices"] == ["right " + OSC52, "wrong " + OSC52]
    decks = json.loads(cli("decks", "--json").stdout)
    assert next(d for d in decks if d["id"] == "evil")["name"] == "Evil " + EVIL
    assert "\u202e" in out  # bidi characters stay as they are in JSON


def test_error_lines_echo_names_as_placeholders(cli, tmp_path):
    bad = tmp_path / "bad\x1b]0;x\x07.toml"
    bad.write_text('[deck]\nid = "x"\n', encoding="utf-8")
    result = cli("import", str(bad), code=1)
    err = errors(result.stderr)
    assert err.startswith("error: ") and err.count("\n") == 1
    assert not controls(err) and "bad␛]0;x␇.toml" in err


def test_media_names_in_the_summary_and_on_cards(cli, tmp_path):
    names = ["osc\x1b]52;c;aGVsbG8=\x07.png", "csi\x9b31m.png", "rlo\u202egnp.exe", "a" * 300 + ".png"]
    pkg = package_with_media_names(tmp_path, names)
    result = cli("import", str(pkg))
    assert "4 media files" in result.stdout and not controls(result.stdout)
    out = cli("cards", "--json").stdout
    questions = sorted(c["question"] for c in json.loads(out) if c["question"].startswith("q"))
    assert questions == ["q0 [image: osc52;c;aGVsbG8=.png]", "q1 [image: csi31m.png]", "q2 [image: rlognp.exe]",
                         f"q3 [image: {'a' * 115}.png]"]


MARKUP = "[link=file:///etc/passwd]Official[/link] [reverse blink]PAY[/]"


def markup_deck(tmp_path, name: str) -> dict:
    """An environment whose database holds a deck named ``name``, with markup in its card."""
    env = srs_env(tmp_path, SRS_NOW=NOW, SRS_WIDTH="200")
    deck = tmp_path / "markup.toml"
    deck.write_text(f"""[deck]\nid = "chem"\nname = {toml_string(name)}\n\n[deck.exam]\nquestions = 1\n
[[card]]\nid = "one"\nquestion = "[bold]Q[/] {name}"\nchoices = ["[red]a", "b"]\nanswer = "A"\n""",
                    encoding="utf-8")
    srs(env, "import", str(deck))
    return env


@pytest.mark.parametrize("name", ["Chemistry [/] final", MARKUP])
def test_a_deck_named_like_markup_is_examinable_and_shown_as_it_is(tmp_path, name):
    env = markup_deck(tmp_path, name)
    exam = srs(env, "exam", "--deck", "chem", "--seed", "1", input="A\n")
    assert f"{name}: 1 question," in exam.stdout and f"[bold]Q[/] {name}" in exam.stdout
    assert "[red]a" in exam.stdout and f"attempt #1 — {name}" in exam.stdout
    assert name in srs(env, "decks").stdout
    assert name in srs(env, "results", "1").stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Chemistry [/] final", MARKUP])
def test_a_deck_named_like_markup_is_shown_as_it_is_in_a_terminal(tmp_path, name):
    term = Terminal(["decks"], markup_deck(tmp_path, name), cols=200)
    term.wait_for("chem")
    assert term.finish() == 0
    assert name in term.text and b"\x1b]8" not in term.log and b"\x1b[5m" not in term.log  # no link, no blink


# ---------------------------------------------------------------- SRS_NOW
@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
@pytest.mark.parametrize("args", [("review",), ("stats",), ("readiness",), ("exam",), ("decks",), ("cards",)])
def test_srs_now_out_of_range_is_one_line_before_any_database(tmp_path, monkeypatch, moment, args):
    monkeypatch.setenv("SRS_DB", str(tmp_path / "new.db"))
    monkeypatch.setenv("SRS_NOW", moment)
    result = CliRunner().invoke(app, list(args), input="q\n")
    assert result.exit_code == 1 and result.exception.__class__ is SystemExit
    lines = [line for line in result.stderr.splitlines() if not line.startswith("simulated time")]
    assert lines == [f"error: SRS_NOW '{moment}' is out of range: srs works with times from 1970 to 9000"]
    assert not (tmp_path / "new.db").exists()


@pytest.mark.parametrize("args", [("review", "--until", "9999-12-31"), ("readiness", "--on", "9999-12-31"),
                                  ("readiness", "--on", "0001-01-01"), ("config", "exam_date", "9999-12-31")])
def test_dates_that_would_overflow_are_one_line(cli, args):
    err = errors(cli(*args, code=1).stderr)
    assert err.count("\n") == 1 and err.startswith("error: ")


# ---------------------------------------------------------------- export
def test_export_over_a_file_needs_force_and_keeps_its_permissions(cli, tmp_path):
    for name in ("d.apkg", "d.txt", "d.csv", "d.toml"):
        path = tmp_path / name
        path.write_bytes(b"precious")
        path.chmod(0o640)
        args = ["export", str(path), "--deck", "evil"]
        result = cli(*args, code=1)
        assert errors(result.stderr) == f"error: {path}: exists; add --force to replace it\n"
        assert path.read_bytes() == b"precious"
        result = cli(*args, "--force")
        assert path.read_bytes() != b"precious" and stat.S_IMODE(path.stat().st_mode) == 0o640, name
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{name}.")]  # no temporary file left


def test_export_is_written_whole_or_not_at_all(cli, tmp_path, monkeypatch):
    import srs.anki.apkg_write
    import srs.anki.textfile

    def half_then_fail(f, *args):
        f.write("half a file")
        raise OSError(28, "No space left on device")

    def apkg_fails(path, *args, **kwargs):
        Path(path).write_bytes(b"PK half a package")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(srs.anki.textfile, "write_csv", half_then_fail)
    monkeypatch.setattr(srs.anki.apkg_write, "write_apkg", apkg_fails)
    for name in ("d.csv", "d.apkg"):
        path = tmp_path / name
        path.write_bytes(b"precious")
        result = cli("export", str(path), "--deck", "evil", "--force", code=1)
        assert errors(result.stderr) == f"error: {path}: cannot write: No space left on device\n"
        assert path.read_bytes() == b"precious"
        new = tmp_path / ("new-" + name)
        cli("export", str(new), "--deck", "evil", code=1)
        assert not new.exists()
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_new_export_gets_the_umasks_permissions(cli, tmp_path):
    old = os.umask(0o077)
    try:
        cli("export", str(tmp_path / "private.csv"), "--deck", "evil")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600


# ---------------------------------------------------------------- a real terminal
def _assert_terminal_untouched(term: Terminal) -> None:
    """Nothing from the deck drove the terminal: no title set, no OSC of any kind (srs
    itself writes none: no links, no titles, no clipboard), no C1 control, no clear from
    content, and the attacks on screen as placeholders."""
    written = term.log.decode("utf-8", "replace")
    assert term.screen.title == "" and term.screen.icon_name == ""
    assert "\x1b]" not in written and not [c for c in written if 0x80 <= ord(c) <= 0x9F]
    assert "\x1b[2J\x1b[HFAKE" not in written and "\u202e" not in written and "\u200b" not in written


@pytest.mark.slow
def test_review_in_a_terminal(tmp_path):
    env = srs_env(tmp_path, SRS_NOW=NOW)
    (tmp_path / "evil.toml").write_text(hostile_toml(), encoding="utf-8")
    srs(env, "import", str(tmp_path / "evil.toml"))
    term = Terminal(["review", "--deck", "evil"], env)
    term.wait_for("Answer A-B")
    assert "␛]52;c;aGVsbG8=␇" in term.text or "␛[2J␛[HFAKE" in term.text or "<U+" in term.text
    for _ in range(3):
        term.press("a")
        deadline = time.monotonic() + 15
        while not (term.shown("Rate 1-4") or term.shown("Any key goes on")) and time.monotonic() < deadline:
            term.pump()
        term.press("3")  # a rating, or any key after a wrong answer
        term.wait_for("Answer")
    term.press("q")
    assert term.finish() == 0
    _assert_terminal_untouched(term)


@pytest.mark.slow
def test_exam_and_decks_in_a_terminal(tmp_path):
    env = srs_env(tmp_path, SRS_NOW=NOW)
    (tmp_path / "evil.toml").write_text(hostile_toml(), encoding="utf-8")
    srs(env, "import", str(tmp_path / "evil.toml"))
    term = Terminal(["exam", "--deck", "evil", "--seed", "2", "--questions", "3"], env)
    term.wait_for("Question 1 of 3")
    assert "Evil ␛]52;c;aGVsbG8=␇" in term.text
    for n in (2, 3):
        term.press("a")
        term.wait_for(f"Question {n} of 3")
    term.press("b")
    term.wait_for("pass mark")
    assert term.finish() == 0
    _assert_terminal_untouched(term)
    term = Terminal(["decks"], env)
    term.wait_for("evil")
    assert term.finish() == 0
    _assert_terminal_untouched(term)
    assert "␛]52;c;aGVsbG8=␇" in term.text


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "code"), [("n", 1), ("y", 0), ("", 1)])
def test_export_over_a_file_asks_in_a_terminal(tmp_path, answer, code):
    env = srs_env(tmp_path, SRS_NOW=NOW)
    target = tmp_path / "deck.csv"
    target.write_bytes(b"precious")
    term = Terminal(["export", str(target)], env)
    term.wait_for("exists. Replace it? [y/N]")
    term.press(answer + "\r")
    assert term.finish() == code
    assert (target.read_bytes() == b"precious") == (code == 1)
