"""The foundation end to end, in-process (Typer's CliRunner): first run, decks and cards JSON,
user errors as one line and exit 1, config, suspend, help, tables; what only a real process
shows (the modules a start imports), in real processes marked slow."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from srs.cli import app
from tests.cli.helpers import errors, right_letter, srs
from tests.cli.terminal import srs_env
from tests.store_helpers import record_review

COMMANDS = ["import", "decks", "cards", "review", "config", "suspend", "unsuspend", "exam", "results", "stats",
            "readiness", "optimize", "export", "lint", "serve"]


def test_first_run_loads_the_bundled_deck_from_any_directory(tmp_path, db_url, monkeypatch):
    env = srs_env(tmp_path, db_url)
    elsewhere = tmp_path / "somewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = srs(env, "decks", "--json").stdout
    [deck] = json.loads(out)
    assert deck == {"id": "dl-final", "name": "Deep Learning: Build Real Things — Final Exam", "cards": 20,
                    "new": 20, "learning": 0, "review": 0, "due": 0, "suspended": 0, "exam": True,
                    "exam_date": None, "days_left": None, "pass_probability": None, "no_mock": None}


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
    assert errors(result.stderr) == (f"error: {broken}:9: card \"a\": answer 'E' is not one of the 4 choices "
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
    stderr = errors(result.stderr)
    assert stderr.startswith("error: ") and message in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in result.stderr


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
    row = next(line for line in out.splitlines() if "new_per_day" in line)
    assert row.replace("│", " ").split() == ["new_per_day", "2", "deck"]  # key, value, where it is set
    # the deck's limit is the one its review uses
    keys = "".join(f"{right_letter(env, name)}\n\n" for name in ("mini/one", "mini/capital"))
    result = srs(env, "review", "--deck", "mini", input=keys + "D\n\n")  # D: not a choice of mini/one, shown again
    assert "Session over: 2 answers," in result.stdout


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


@pytest.mark.parametrize("command", COMMANDS)
def test_help_speaks_words_not_python_types(command):
    out = CliRunner().invoke(app, [command, "-h"]).output  # -h is --help
    assert "Usage: srs " + command in out
    for python in ("<str>", "<int", "<float", "<list", "<Path>", "<path>", "{", "range>"):
        assert python not in out, (command, python, out)


def test_version():
    from srs import __version__

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output == f"srs {__version__}\n"


def test_shell_completion_knows_decks_cards_and_setting_keys(tmp_path, monkeypatch):
    from srs.importer import load_bundled
    from srs.store import open_store
    from tests.factories import T0

    db = str(tmp_path / "c.db")
    store, _ = open_store(db, "tester")
    load_bundled(store, T0)
    store.close()

    def complete(words: str) -> list[str]:
        env = {"_SRS_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1 + words.endswith(" "))}
        result = CliRunner().invoke(app, [], env=env, prog_name="srs")
        return result.output.split()

    monkeypatch.setenv("SRS_DB", db)
    assert complete("srs review --deck dl") == ["dl-final"]
    assert "dl-final/lora" in complete("srs suspend dl-final/l")
    assert complete("srs config new_") == ["new_per_day"]
    monkeypatch.setenv("SRS_DB", str(tmp_path / "none.db"))
    assert complete("srs review --deck d") == [] and not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("args, message", [
    (["review", "--limit", "0"], "--limit 0: must be at least 1"),
    (["exam", "--questions", "0"], "--questions 0: must be at least 1"),
    (["exam", "--minutes", "0"], "--minutes 0: give a time limit above 0"),
    (["stats", "--days", "3"], "--days 3: must be from 7 to 3660"),
    (["config", "new_per_day", "-4"], "bad value '-4' for new_per_day: must be a whole number from 0 to 9999"),
    (["review", "--tag", "nope"], "no cards tagged 'nope'"),
    (["cards", "--tag", "nope", "--deck", "dl-final"], "no cards tagged 'nope' in deck 'dl-final'"),
    (["review", "--deck", "nope"], "unknown deck 'nope'"),
])
def test_out_of_range_numbers_and_unknown_names_are_one_line_exit_1(args, message, tmp_path, monkeypatch):
    monkeypatch.setenv("SRS_DB", str(tmp_path / "r.db"))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: {message}") and result.stderr.count("\n") == 1


def test_a_number_that_is_not_a_number_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SRS_DB", str(tmp_path / "r.db"))
    result = CliRunner().invoke(app, ["exam", "--questions", "x"])
    assert result.exit_code == 2 and "Invalid value for '--questions'" in result.output


def test_no_arguments_prints_help():
    result = CliRunner().invoke(app, [])
    assert "Usage" in result.output and "review" in result.output
    assert result.exit_code == 2  # a usage error (README: exit codes), with the help to fix it


@pytest.mark.slow
def test_start_up_imports_only_what_the_command_needs():
    code = "import sys, srs.cli; print(sorted(m for m in ('sqlalchemy', 'fsrs', 'alembic', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.slow
def test_deck_counts_do_not_load_the_forecast_without_an_exam_date(tmp_path):
    code = ("import sys\nfrom srs.cli import app\ntry:\n    app(['decks'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('srs.forecast', 'numpy', 'fsrs') if m in sys.modules), file=sys.stderr)")
    env = srs_env(tmp_path)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "dl-final" in result.stdout and result.stderr.strip().splitlines()[-1] == "[]"
    srs(env, "config", "exam_date", "2099-01-01", "--deck", "dl-final")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "srs.forecast" in result.stderr  # with an exam date, the chance of passing is shown


def test_simulated_time_is_announced_and_never_writes_history_backwards(tmp_path):
    from datetime import datetime

    later = "2099-12-05T09:00:00+01:00"  # far ahead: the real clock stays behind it below
    env = srs_env(tmp_path, SRS_NOW=later)
    result = srs(env, "review", "--limit", "1", input="A\n\n")
    # one line (naming the zone times are shown in when +01:00 is not the machine's)
    assert result.stderr.startswith(f"simulated time: {datetime.fromisoformat(later):%a 05 Dec 2099 09:00 +0100} (SRS_NOW)")
    assert result.stderr.count("\n") == 1
    listed = srs(env, "decks", "--json")
    assert json.loads(listed.stdout)[0]["id"] == "dl-final" and "simulated time" in listed.stderr
    cards = srs(env, "cards", "--json").stdout
    earlier = dict(env, SRS_NOW="2099-12-04T09:00:00+01:00")   # a day before the answer just given
    for args in (["review"], ["exam", "--no-timer"]):
        refused = srs(earlier, *args, input="A\n\n", check=False)
        assert refused.returncode == 1
        last = refused.stderr.splitlines()[-1]
        assert last.startswith("error: SRS_NOW 2099-12-04T09:00:00+01:00 is before your latest answer "
                               "(2099-12-05T09:00+01:00)") and "--db /tmp/try.db" in last
    real = {k: v for k, v in env.items() if k != "SRS_NOW"}    # the real clock, behind the simulated answer
    refused = srs(real, "review", input="A\n\n", check=False)
    assert refused.returncode == 1 and "set SRS_NOW=" in refused.stderr and "simulated time" not in refused.stderr
    assert srs(env, "cards", "--json").stdout == cards         # nothing was written
    assert json.loads(srs(env, "results", "--json").stdout) == []


@pytest.mark.parametrize("width", [60, 80, 100])
def test_tables_fit_and_never_cut_an_id(width, tmp_path, monkeypatch):
    from srs.importer import load_bundled
    from srs.store import open_store
    from tests.factories import T0

    db = str(tmp_path / "w.db")
    store, _ = open_store(db, "tester")
    load_bundled(store, T0)
    ids = [c.card_id for c in store.cards()]
    store.close()
    monkeypatch.setenv("SRS_DB", db)
    monkeypatch.setenv("SRS_LEARNER", "tester")
    monkeypatch.setenv("SRS_WIDTH", str(width))
    for args in (["cards"], ["decks"], ["readiness"]):
        out = CliRunner().invoke(app, args).stdout
        assert max(len(line) for line in out.splitlines()) <= width, (args, out)
        if args == ["cards"]:
            body = out.splitlines()[4:]
            body = body[:next((i for i, line in enumerate(body) if not line.strip()), len(body))]  # the caption after
            rows = [line.split()[0] for line in body]
            assert len(rows) == len(ids)
            for shown, card_id in zip(rows, ids, strict=True):  # whole, or cut with an ellipsis: never folded mid-word
                assert shown == card_id or (shown.endswith("…") and card_id.startswith(shown[:-1])), (shown, out)
        if args == ["decks"]:
            assert "dl-final" in out and "exam" in out and "susp." in out
        if args == ["readiness"]:
            assert "8 of 20" in " ".join(out.split()) and "no exam date set" in out.lower()


def test_export_to_a_folder_asks_for_a_file_name_and_files_get_the_umasks_permissions(tmp_path, monkeypatch):
    import os

    monkeypatch.setenv("SRS_DB", str(tmp_path / "e.db"))
    result = CliRunner().invoke(app, ["export", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {tmp_path}: is a folder; give a file name, e.g. {tmp_path / 'deck.apkg'}\n"
    old = os.umask(0o027)
    try:
        for name in ("d.apkg", "d.txt", "d.csv", "d.toml"):
            args = ["export", str(tmp_path / name)] + (["--deck", "dl-final"] if name.endswith(".toml") else [])
            assert CliRunner().invoke(app, args).exit_code == 0
            assert (tmp_path / name).stat().st_mode & 0o777 == 0o640, name
    finally:
        os.umask(old)


def test_stats_says_too_few_for_one_answer(tmp_path, monkeypatch):
    from datetime import timedelta

    from srs.importer import load_bundled
    from srs.model import REVIEW, MemoryState
    from srs.store import open_store
    from tests.factories import T0

    db = str(tmp_path / "st.db")
    store, _ = open_store(db, "tester")
    load_bundled(store, T0)
    key = store.cards()[0].key
    before = MemoryState(state=REVIEW, stability=3.0, difficulty=5.0, due=T0, last_review=T0 - timedelta(days=3), reps=2)
    record_review(store, key, 1, T0, 4000, "review", before, before.with_(due=T0 + timedelta(minutes=10)))
    store.close()
    monkeypatch.setenv("SRS_DB", db)
    monkeypatch.setenv("SRS_LEARNER", "tester")
    monkeypatch.setenv("SRS_NOW", (T0 + timedelta(hours=1)).isoformat())
    out = " ".join(CliRunner().invoke(app, ["stats"]).stdout.split())
    assert "True retention (last 30 days): 0% of 1 answer on review cards — too few to compare" in out
    assert "-90" not in out and "−90" not in out
