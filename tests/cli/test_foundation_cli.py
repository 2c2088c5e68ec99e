"""The foundation end to end, through real processes: first run, decks and cards JSON,
user errors as one line and exit 1, config, suspend."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from srs.cli import app
from tests.cli.helpers import right_letter, srs
from tests.cli.terminal import srs_env

COMMANDS = ["import", "decks", "cards", "review", "config", "suspend", "unsuspend", "exam", "results", "stats",
            "readiness", "optimize", "export", "lint"]


def test_first_run_loads_the_bundled_deck_from_any_directory(tmp_path, db_url):
    env = srs_env(tmp_path, db_url)
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    out = subprocess.run([sys.executable, "-m", "srs", "decks", "--json"], env=env, cwd=elsewhere,
                         capture_output=True, text=True, check=True).stdout
    [deck] = json.loads(out)
    assert deck == {"id": "dl-final", "name": "Deep Learning: Build Real Things — Final Exam", "cards": 20,
                    "new": 20, "learning": 0, "review": 0, "due": 0, "suspended": 0, "exam": True,
                    "exam_date": None, "days_left": None, "pass_probability": None}


def test_default_database_lives_in_the_user_data_dir(tmp_path):
    env = srs_env(tmp_path)
    del env["SRS_DB"]
    srs(env, "decks")
    assert list((tmp_path / "data").rglob("srs.db"))


def test_cards_json_shape(env):
    cards = json.loads(srs(env, "cards", "--json").stdout)
    one = next(c for c in cards if c["card"] == "mini/one")
    assert set(one) >= {"card", "deck", "id", "kind", "question", "choices", "answer", "tags", "state", "due",
                        "stability", "difficulty", "retrievability", "reps", "lapses", "suspended"}
    assert one["kind"] == "mc" and one["choices"] == ["Three", "Two", "Eleven"] and one["answer"] == "B"
    assert one["state"] == "new" and one["due"] is None and one["suspended"] is False
    basic = next(c for c in cards if c["card"] == "mini/basic")
    assert basic["kind"] == "basic" and basic["choices"] is None
    assert [c["card"] for c in json.loads(srs(env, "cards", "--tag", "geo", "--json").stdout)] == ["mini/capital"]


def test_broken_deck_is_one_line_exit_1_and_nothing_changes(env, tmp_path):
    before = srs(env, "cards", "--json").stdout
    broken = tmp_path / "broken.toml"
    broken.write_text('[deck]\nid = "broken"\nname = "B"\n\n[[card]]\nid = "a"\nquestion = "q"\n'
                      'choices = ["x", "y", "z", "w"]\nanswer = "E"\n')
    result = srs(env, "import", str(tmp_path / "mini.toml"), str(broken), check=False)
    assert result.returncode == 1
    assert result.stderr == (f"error: {broken}:9: card \"a\": answer 'E' is not one of the 4 choices "
                             "(a letter from A to D)\n")
    assert srs(env, "cards", "--json").stdout == before
    assert "broken" not in srs(env, "decks", "--json").stdout


@pytest.mark.parametrize("args,message", [
    (["cards", "--deck", "nope"], "unknown deck 'nope'"),
    (["suspend", "mini/nope"], "unknown card 'mini/nope'"),
    (["suspend", "nodeck"], "name cards as DECK/CARD"),
    (["config", "new_per_day", "100000"], "bad value '100000' for new_per_day"),
    (["config", "desired_retention", "high"], "bad value 'high' for desired_retention"),
    (["config", "learning_steps", "1x"], "bad value '1x' for learning_steps"),
    (["config", "colour", "red"], "unknown setting 'colour'"),
    (["import", "missing.toml"], "missing.toml: no such file"),
])
def test_user_errors_are_one_line(env, args, message):
    result = srs(env, *args, check=False)
    assert result.returncode == 1, result
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_bad_srs_now_is_one_line(env):
    result = srs(dict(env, SRS_NOW="yesterday"), "decks", check=False)
    assert result.returncode == 1 and result.stderr.startswith("error: SRS_NOW 'yesterday'")


def test_corrupt_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    before = path.read_bytes()
    result = srs(srs_env(tmp_path, str(path)), "decks", check=False)
    assert result.returncode == 1 and "not an SQLite database" in result.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / "notes.db-wal").exists()


def test_config_global_and_per_deck(env):
    srs(env, "config", "new_per_day", "5")
    assert json.loads(srs(env, "config", "--json").stdout)["new_per_day"] == 5
    srs(env, "config", "new_per_day", "2", "--deck", "mini")
    assert json.loads(srs(env, "config", "--deck", "mini", "--json").stdout)["new_per_day"] == 2
    assert json.loads(srs(env, "config", "--json").stdout)["new_per_day"] == 5
    out = srs(env, "config", "new_per_day", "--deck", "mini").stdout
    assert "2" in out and "deck" in out
    # the deck's limit is the one its review uses
    keys = "".join(f"{right_letter(env, name)}\n\n" for name in ("mini/one", "mini/capital"))
    result = srs(env, "review", "--deck", "mini", input=keys + "D\n\n")  # D: not a choice of mini/one, shown again
    assert "Session over: 2 card(s) reviewed" in result.stdout


def test_suspend_and_unsuspend(env):
    assert srs(env, "suspend", "mini/one", "mini/six").stdout.split("\n")[:2] == ["suspended mini/one",
                                                                                   "suspended mini/six"]
    cards = {c["card"]: c for c in json.loads(srs(env, "cards", "--json").stdout)}
    assert cards["mini/one"]["suspended"] and cards["mini/six"]["suspended"]
    decks = {d["id"]: d for d in json.loads(srs(env, "decks", "--json").stdout)}
    assert decks["mini"]["suspended"] == 2 and decks["dl-final"]["suspended"] == 0
    out = srs(env, "review", "--deck", "mini", input="A\n\n" * 5).stdout
    assert "One plus one?" not in out and "Two times three?" not in out
    srs(env, "unsuspend", "mini/one")
    cards = {c["card"]: c for c in json.loads(srs(env, "cards", "--json").stdout)}
    assert not cards["mini/one"]["suspended"] and cards["mini/six"]["suspended"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_entry(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"srs {command}" in readme


def test_no_arguments_prints_help():
    result = CliRunner().invoke(app, [])
    assert "Usage" in result.output and "review" in result.output
    assert result.exit_code in (0, 2)


def test_start_up_imports_only_what_the_command_needs():
    code = "import sys, srs.cli; print(sorted(m for m in ('sqlalchemy', 'fsrs', 'alembic', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
