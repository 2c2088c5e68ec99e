"""`srs lint` and the hint `srs import` gives, through Typer's CliRunner on a temporary database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from srs.cli import app
from tests.cli.helpers import errors

CUE = """
[deck]
id = "cue"
name = "A deck with a length cue [not markup]"

[deck.exam]
pass_mark = 0.75

[[card]]
id = "one"
question = "First?"
choices = ["no", "the right answer, with its careful detail", "nope"]
answer = "B"

[[card]]
id = "two"
question = "Second?"
choices = ["the right answer, with its careful detail", "no", "nope"]
answer = "A"

[[card]]
id = "three"
question = "Third?"
choices = ["no", "nope", "the right answer, with its careful detail"]
answer = "C"

[[card]]
id = "four"
question = "Fourth?"
choices = ["Red", "Green", "All of the above"]
answer = "A"
"""

FAIR = """
[deck]
id = "fair"
name = "A fair deck"

[[card]]
id = "one"
question = "Which planet is largest?"
choices = ["Jupiter", "Mars", "Mercury", "Neptune"]
answer = "A"

[[card]]
id = "two"
question = "Which metal is liquid at room temperature?"
choices = ["Iron", "Mercury", "Tungsten", "Zinc"]
answer = "B"

[[card]]
id = "three"
question = "Which gas do plants take in?"
choices = ["Oxygen", "Neon", "Argon", "Carbon dioxide"]
answer = "D"

[[card]]
id = "four"
question = "Which ocean is largest?"
choices = ["Atlantic", "Indian", "Arctic", "Pacific"]
answer = "D"

[[card]]
id = "basic"
question = "Say hi"
answer = "hi"
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke srs in-process on a fresh SQLite database; returns the CliRunner result."""
    monkeypatch.setenv("SRS_WIDTH", "120")
    monkeypatch.setenv("SRS_FUZZ", "0")
    monkeypatch.setenv("SRS_NOW", "2026-11-02T09:00:00+00:00")
    db = str(tmp_path / "srs.db")

    def invoke(*args: str):
        return CliRunner().invoke(app, ["--db", db, "--learner", "tester", *args])

    return invoke


@pytest.fixture
def files(tmp_path):
    (tmp_path / "cue.toml").write_text(CUE)
    (tmp_path / "fair.toml").write_text(FAIR)
    return tmp_path


def test_a_deck_with_a_cue_fails_with_exit_1(run, files):
    result = run("lint", str(files / "cue.toml"))
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "4 multiple-choice card(s), pass mark 75%" in out
    assert "always picks the longest choice" in out and "PASSES" in out
    assert "one, two, three" in out  # the cards carrying the cue
    assert 'above: four: C) All of the above' in out
    assert "FAIL" in out and "would score 3/4 (75%)" in out


def test_a_fair_deck_passes_with_exit_0(run, files):
    result = run("lint", str(files / "fair.toml"))
    assert result.exit_code == 0, result.output
    assert "pass mark 70%" in result.stdout  # no [deck.exam]: the default
    assert "no strategy reaches the pass mark" in result.stdout
    assert "Right letters: A 1 · B 1 · C 0 · D 2" in result.stdout


def test_json_is_only_json_one_object_or_a_list(run, files):
    result = run("lint", "--json", str(files / "cue.toml"))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["path"] == str(files / "cue.toml") and data["deck"] == "cue" and data["cards"] == 4
    assert data["pass_mark"] == 0.75 and data["fails"] is True and data["chance"] == pytest.approx(4 / 3, abs=1e-4)
    longest = next(s for s in data["strategies"] if s["name"] == "longest")
    assert longest["passes"] is True and longest["cards"] == ["one", "two", "three"]
    assert data["above_choices"] == [{"card": "four", "letter": "C", "choice": "All of the above", "right": False}]
    assert data["letters"] == {"A": 2, "B": 1, "C": 1}
    both = run("lint", "--json", str(files / "fair.toml"), str(files / "cue.toml"))
    assert both.exit_code == 1  # one of them fails
    assert [d["deck"] for d in json.loads(both.stdout)] == ["fair", "cue"]
    fair = run("lint", "--json", str(files / "fair.toml"))
    assert fair.exit_code == 0 and json.loads(fair.stdout)["fails"] is False


def test_an_imported_deck_by_id(run, files):
    assert run("import", str(files / "fair.toml")).exit_code == 0
    result = run("lint", "--deck", "fair", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["deck"] == "fair" and "path" not in data and data["cards"] == 4 and data["pass_mark"] == 0.7
    bundled = run("lint", "--deck", "dl-final")  # the bundled deck, loaded on first use
    assert bundled.exit_code == 0, bundled.output  # and it gives nothing away
    assert "deck dl-final: 20 multiple-choice card(s), pass mark 70%" in bundled.stdout


@pytest.mark.parametrize("args,message", [
    (["lint", "missing.toml"], "missing.toml: no such file"),
    (["lint", "--deck", "nope"], "unknown deck 'nope'"),
])
def test_bad_input_is_one_line_exit_1(run, args, message):
    result = run(*args)
    assert result.exit_code == 1
    stderr = errors(result.stderr)
    assert stderr.startswith("error: ") and message in stderr and stderr.count("\n") == 1
    assert result.stdout == ""


def test_a_broken_deck_file_names_its_line(run, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "b"\nname = "B"\n\n[[card]]\nid = "a"\nquestion = "q"\n'
                      'choices = ["x", "y"]\nanswer = "E"\n')
    result = run("lint", str(broken))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {broken}:9: card \"a\": answer 'E'")


def test_no_multiple_choice_cards_is_nothing_to_check(run, tmp_path):
    quiz = tmp_path / "quiz.txt"
    quiz.write_text("A quiz\n2 questions · 50% to pass\n\n1. Why?\n\nBecause.\n\nNo.\n\n2. How?\n\nSo.\n\nNot so.\n")
    result = run("lint", str(quiz))
    assert result.exit_code == 0, result.output
    assert "0 multiple-choice card(s)" in result.stdout and "nothing to check" in result.stdout


def test_no_path_and_no_deck_is_a_usage_error(run):
    assert run("lint").exit_code == 2


def test_import_hints_at_a_deck_a_student_could_pass_without_knowing(run, files):
    result = run("import", str(files / "cue.toml"), str(files / "fair.toml"))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    hint = f"hint: cue: a student who always picks the longest choice would score 3/4 (pass mark 75%); " \
           f"run srs lint {files / 'cue.toml'}"
    assert hint in lines
    assert not any(line.startswith("hint: fair") for line in lines)
    assert "hint" not in run("import", "--json", str(files / "cue.toml")).stdout


def test_the_import_hint_lints_the_decks_as_imported_without_reading_them_again(run, files, monkeypatch):
    """The hint after `srs import` looks at the decks the import read (a 100,000-card file was
    parsed twice: ~0.7 s of a 3.9 s import)."""
    import srs.deckfile

    def read_again(path, *args, **kwargs):
        raise AssertionError(f"{path} read a second time")

    monkeypatch.setattr(srs.deckfile, "read_deck", read_again)
    result = run("import", str(files / "cue.toml"), str(files / "fair.toml"))
    assert result.exit_code == 0, result.output
    assert any(line.startswith("hint: cue: ") for line in result.stdout.splitlines())
