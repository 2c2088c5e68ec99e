"""Every command of the app, in-process (Typer's CliRunner), in the quick loop: its main path
and a user error (one line on stderr, exit 1, or Click's usage error, exit 2). The list of
commands is read from the app, so a new command without a row here fails
``test_every_command_of_the_app_is_here``. The other files test each command in depth."""

from __future__ import annotations

import json
import socket

import pytest
import typer.main

from srs.cli import app
from tests.cli.helpers import errors, srs

#: command -> steps on a database holding the small deck ("mini"), each
#: (arguments, standard input, exit code, text on stdout for 0 or on stderr otherwise)
STEPS: dict[str, list[tuple[list[str], str | None, int, str]]] = {
    "import": [(["import", "{tmp}/extra.toml"], None, 0, "extra"),
               (["import", "{tmp}/missing.toml"], None, 1, "missing.toml: no such file")],
    "export": [(["export", "{tmp}/out.csv", "--deck", "mini"], None, 0, "exported 5 card(s)"),
               (["export", "{tmp}/out.csv", "--deck", "mini"], None, 1, "exists; add --force"),
               (["export", "{tmp}/out.nope", "--deck", "mini"], None, 1, "cannot export to .nope")],
    "decks": [(["decks"], None, 0, "Mini deck"),
              (["--db", "{tmp}", "decks"], None, 1, "is a directory")],
    "cards": [(["cards", "--deck", "mini"], None, 0, "5 cards of deck mini"),
              (["cards", "--deck", "nope"], None, 1, "unknown deck 'nope'")],
    "lint": [(["lint", "{tmp}/extra.toml"], None, 0, "nothing to check"),
             (["lint", "{tmp}/missing.toml"], None, 1, "missing.toml")],
    "exam": [(["exam", "--deck", "mini", "--seed", "1", "--no-timer"], "A\n" * 4 + "y\n", 0, "attempt #1"),
             (["exam", "--deck", "mini", "--questions", "9"], None, 1, "has only 4 multiple-choice cards")],
    "results": [(["exam", "--deck", "mini", "--seed", "1", "--no-timer"], "A\n" * 4 + "y\n", 0, "attempt #1"),
                (["results"], None, 0, "Trend"),
                (["results", "1"], None, 0, "attempt #1"),
                (["results", "99"], None, 1, "no exam attempt #99")],
    "stats": [(["stats", "--deck", "mini"], None, 0, "Cards"),
              (["stats", "--days", "0"], None, 1, "--days 0: must be from 7 to 3660")],
    "readiness": [(["readiness", "--deck", "mini"], None, 0, "Exam now"),
                  (["readiness", "--deck", "nope"], None, 1, "unknown deck 'nope'")],
    "optimize": [(["optimize", "--deck", "mini"], None, 0, "the current parameters stay"),
                 (["optimize", "--deck", "nope"], None, 1, "unknown deck 'nope'")],
    "serve": [(["serve", "--port", "{port}"], None, 0, ""),
              (["serve", "--port", "0"], None, 1, "--port 0: must be from 1 to 65535")],
    "review": [(["review", "--deck", "mini"], "q\n", 0, "Session over"),
               (["review", "--limit", "0"], None, 1, "--limit 0")],
    "suspend": [(["suspend", "mini/one"], None, 0, "suspended mini/one"),
                (["suspend", "mini/nope"], None, 1, "unknown card 'mini/nope'")],
    "unsuspend": [(["suspend", "mini/one"], None, 0, "suspended mini/one"),
                  (["unsuspend", "mini/one"], None, 0, "unsuspended mini/one"),
                  (["unsuspend", "nodeck"], None, 1, "DECK/CARD")],
    "config": [(["config", "new_per_day", "5"], None, 0, ""),
               (["config"], None, 0, "new_per_day"),
               (["config", "colour", "red"], None, 1, "unknown setting 'colour'")],
    "user add": [(["user", "add", "bob"], "a-long-password\n", 0, "bob"),
                 (["user", "add", "bob"], "a-long-password\n", 1, "exists already")],
    "user passwd": [(["user", "add", "bob"], "a-long-password\n", 0, "bob"),
                    (["user", "passwd", "bob"], "another-password\n", 0, "bob"),
                    (["user", "passwd", "nobody"], "another-password\n", 1, "no user 'nobody'")],
    "user list": [(["user", "add", "bob"], "a-long-password\n", 0, "bob"),
                  (["user", "list"], None, 0, "bob"),
                  (["user", "list", "--bogus"], None, 2, "--bogus")],
    "user remove": [(["user", "add", "bob"], "a-long-password\n", 0, "bob"),
                    (["user", "remove", "bob"], None, 0, "bob"),
                    (["user", "remove", "nobody"], None, 1, "no user 'nobody'")],
}

EXTRA = '[deck]\nid = "extra"\nname = "Extra"\n\n[[card]]\nid = "x"\nquestion = "X?"\nanswer = "x"\n'


def commands(group=None, prefix: str = "") -> list[str]:
    """Every command of the app by its full name (``user add``), groups opened."""
    group = group or typer.main.get_command(app)
    names = []
    for name, command in group.commands.items():
        if getattr(command, "commands", None):
            names += commands(command, f"{prefix}{name} ")
        else:
            names.append(prefix + name)
    return names


def test_every_command_of_the_app_is_here():
    assert sorted(commands()) == sorted(STEPS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(monkeypatch):
    """uvicorn.run recorded instead of serving: what `srs serve` would serve."""
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    return calls


@pytest.mark.usefixtures("cheap_scrypt")
@pytest.mark.parametrize("name", sorted(STEPS))
def test_main_path_and_a_user_error(name, env, tmp_path, served):
    (tmp_path / "extra.toml").write_text(EXTRA)
    port = str(free_port())
    for args, keys, code, text in STEPS[name]:
        args = [a.format(tmp=tmp_path, port=port) for a in args]
        result = srs(env, *args, input=keys, check=False)
        assert result.returncode == code, (args, result.returncode, result.stdout, result.stderr)
        if code == 0:
            assert text in result.stdout, (args, result.stdout)
        elif code == 1:  # a user's error: one line
            assert errors(result.stderr).startswith("error: ") and errors(result.stderr).count("\n") == 1, \
                (args, result.stderr)
            assert text in result.stderr and "Traceback" not in result.stderr, (args, result.stderr)
        else:  # Click's usage error, with the usage to fix it
            assert "Usage" in result.stderr and text in result.stderr, (args, result.stderr)
    if name == "serve":  # the app srs serve would run serves the learner's decks
        from starlette.testclient import TestClient

        [(web_app, options)] = served
        assert options["host"] == "127.0.0.1" and options["port"] == int(port)
        with TestClient(web_app, base_url=f"http://127.0.0.1:{port}") as client:
            page = client.get("/")
        assert page.status_code == 200 and "Mini deck" in page.text


def test_json_of_every_listing_command_is_json(env):
    for args in (["decks"], ["cards"], ["results"], ["stats"], ["config"], ["readiness", "--deck", "mini"]):
        json.loads(srs(env, *args, "--json").stdout)
