"""srs/cli/app.py passes the values that need no coercion past Typer's Pydantic adapters (whose
import costs about 0.1 s of a start): each such value must come out exactly as Typer's own
coercion makes it, and everything else must still go through Typer (same value, same error)."""

from __future__ import annotations

from pathlib import Path, PurePath

import click
import pytest
from typer._coercion import build_runtime_param
from typer.main import get_command

import srs.cli  # noqa: F401  (registers the commands)
from srs.cli.app import app
from srs.cli.coercion import _LazyCoercion

VALUES = [None, (), ["a"], ("a", "b"), ("deck.toml", "~/x y.apkg", "-", "", "a\u202eb", "ünï/ço.csv"), "x", "",
          "~/out.apkg", "-", "7", 7, True, 0, -1, 2.5, ["1", "2"], (1, 2), [Path("p")]]


def params() -> list[tuple[str, object]]:
    group = get_command(app)
    ctx = click.Context(group)
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        for param in command.get_params(click.Context(command)) if command is not None else ():
            if isinstance(getattr(param, "_runtime_param", None), _LazyCoercion):
                found.append((f"{name} {param.name}", param))
    return found


def outcome(coerce, value, param):
    try:
        got = coerce(value, param=param, ctx=click.Context(click.Command("x")))
    except Exception as exc:  # noqa: BLE001 - whatever Typer raises, ours must raise too
        return ("error", type(exc).__name__, str(exc))
    return ("value", type(got), [type(v) for v in got] if isinstance(got, (list, tuple)) else None, got)


def test_the_paths_and_lists_of_import_export_and_lint_skip_pydantic():
    kinds = {name: (p._runtime_param._made, p._runtime_param._items) for name, p in params()}
    assert kinds["import paths"] == (None, Path) and kinds["lint paths"] == (None, Path)
    assert kinds["export path"] == (Path, None) and kinds["suspend names"] == (None, str)


@pytest.mark.parametrize(("name", "param"), params(), ids=[name for name, _ in params()])
def test_every_value_comes_out_as_typers_own_coercion_makes_it(name, param):
    typers = build_runtime_param(param.type_descriptor)
    for value in VALUES:
        ours = outcome(param._runtime_param.coerce, value, param)
        theirs = outcome(typers.coerce, value, param)
        assert ours == theirs, (name, value)
        if ours[0] == "value" and isinstance(ours[3], PurePath):
            assert str(ours[3]) == str(theirs[3])
