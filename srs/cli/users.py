"""`srs user add|passwd|list|remove`: the accounts `srs serve` signs in (srs/accounts.py).
A user's name is their learner: `srs --learner NAME review` in a terminal shares their history."""

from __future__ import annotations

import getpass
import sys

import typer

from srs.cli.app import SrsTyper, app, command, context, print_json
from srs.cli.options import json_option
from srs.errors import UserError

users = SrsTyper(name="user", help="Accounts for `srs serve` (sign-in in the browser).", no_args_is_help=True)
app.add_typer(users, name="user")


def _password(name: str) -> str:
    """A new password: typed twice at a prompt, or one line from stdin when it is piped."""
    from srs.accounts import check_password
    from srs.ui.shown import shown

    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line.removesuffix("\n")
        return check_password(password.removesuffix("\r"))
    first = getpass.getpass(f"Password for {shown(name)}: ")
    check_password(first)
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ; nothing was changed")
    return first


@users.command("add")
@command
def add(
    name: str = typer.Argument(..., metavar="NAME", help="The user's name: also their learner name."),
    teacher: bool = typer.Option(False, "--teacher", help="May see the class and import decks."),
) -> None:
    """Add an account (the password from a prompt, twice, or one line of stdin)."""
    from srs.accounts import check_name, hash_password
    from srs.ui.shown import shown

    c = context()
    check_name(name)
    store = c.open()
    if store.user(name) is not None:
        raise UserError(f"user {name!r} exists already (srs user passwd {name} changes the password)")
    store.add_user(name, hash_password(_password(name)), teacher, c.now())
    print(f"added {'teacher' if teacher else 'learner'} {shown(name)}")


@users.command("passwd")
@command
def passwd(name: str = typer.Argument(..., metavar="NAME")) -> None:
    """Change a user's password (their browsers are signed out)."""
    from srs.accounts import hash_password
    from srs.ui.shown import shown

    store = context().open()
    if store.user(name) is None:
        raise UserError(f"no user {name!r}")
    if not store.set_password(name, hash_password(_password(name))):
        raise UserError(f"no user {name!r}")
    print(f"changed the password of {shown(name)}")


@users.command("list")
@command
def list_(as_json: bool = json_option()) -> None:
    """The accounts, by name."""
    from srs.ui.shown import shown

    found = context().open().users()
    if as_json:
        print_json([u.to_dict() for u in found])
        return
    if not found:
        print("no users (srs user add NAME adds one)")
    for u in found:
        print(f"{shown(u.name)}\t{'teacher' if u.teacher else 'learner'}\t{u.created_at:%Y-%m-%d}")


@users.command("remove")
@command
def remove(
    name: str = typer.Argument(..., metavar="NAME"),
    purge: bool = typer.Option(False, "--purge", help="Also delete their progress: reviews, states, settings, attempts."),
) -> None:
    """Remove an account; their progress stays (as the learner NAME) unless --purge."""
    from srs.ui.shown import shown

    if not context().open().remove_user(name, purge):
        raise UserError(f"no user {name!r}")
    print(shown(f"removed {name} and their progress" if purge else f"removed {name} (their progress is kept)"))
