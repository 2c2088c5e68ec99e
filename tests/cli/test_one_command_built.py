"""The command line builds only the command it was given (srs.cli.main): the same output,
help and errors; the group's help, an unknown name and shell completion see every command."""

from __future__ import annotations

import sys

import pytest
import typer.main

import srs.cli
from srs.cli.app import command_name
from tests.factories import deck, make_store


@pytest.fixture
def built(monkeypatch):
    """The names of the commands Typer builds during a run."""
    names: list[str] = []
    real = typer.main.get_command_from_info

    def spy(command_info, **kwargs):
        command = real(command_info, **kwargs)
        names.append(command.name)
        return command

    monkeypatch.setattr(typer.main, "get_command_from_info", spy)
    return names


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["srs", *args])
    try:
        srs.cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_named_is_the_only_one_built(tmp_path, monkeypatch, capsys, built):
    db = str(tmp_path / "one.db")
    make_store(db, deck("d", cards=3)).close()
    before = list(srs.cli.app.registered_commands)
    code, out, _ = run(monkeypatch, capsys, "--db", db, "--learner", "ann", "decks", "--json")
    assert code == 0 and '"id": "d"' in out and built == ["decks"]
    assert srs.cli.app.registered_commands == before and srs.cli.app.registered_groups  # put back
    built.clear()
    code, out, _ = run(monkeypatch, capsys, "review", "--help")
    assert code == 0 and "Usage: srs review [OPTIONS]" in out and built == ["review"]


def test_the_groups_help_an_unknown_name_and_completion_see_every_command(monkeypatch, capsys, built):
    code, out, _ = run(monkeypatch, capsys, "--help")
    assert code == 0 and "decks" in out and "review" in out and "user" in out and len(built) > 10
    built.clear()
    code, _, err = run(monkeypatch, capsys, "deck")
    assert code == 2 and "No such command 'deck'" in err and "decks" in err and len(built) > 10
    built.clear()
    monkeypatch.setenv("_SRS_COMPLETE", "")  # set, empty: Typer runs the command as usual
    code, _, _ = run(monkeypatch, capsys, "decks", "--help")
    assert len(built) > 10


@pytest.mark.parametrize(("args", "name"), [
    (["decks"], "decks"), (["--db", "x.db", "review", "--deck", "d"], "review"),
    (["--db=x.db", "--learner", "a", "cards"], "cards"), (["--version"], None), ([], None), (["--", "decks"], None),
])
def test_the_command_name_is_read_after_the_global_options(args, name):
    assert command_name(args) == name
