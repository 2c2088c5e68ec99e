"""The Typer app: global options, the context every command shares, the one error
boundary (user errors: one line, exit 1; Ctrl-C: 130), ``--json`` output. Command modules
register on ``app`` and import nothing from each other."""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from srs.errors import UserError

if TYPE_CHECKING:
    from datetime import datetime

    from srs.settings import Settings
    from srs.store import Store

app = typer.Typer(
    name="srs",
    help="Spaced-repetition trainer for exam preparation: FSRS reviews, timed mock exams, Anki export.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """What every command shares: the global options, and the database once ``open()``ed."""

    def __init__(self, db: str | None, learner: str) -> None:
        self.db = db
        self.learner = learner
        self._store: Store | None = None

    def open(self) -> "Store":
        """The learner's store, opened once. A new, empty database first gets the bundled
        decks (README: the first command on an empty database loads them)."""
        if self._store is None:
            from srs.store import open_store

            store, fresh = open_store(self.db, self.learner, busy_timeout())
            self._store = store
            if fresh:
                from srs.importer import load_bundled

                load_bundled(store, self.now())
        return self._store

    @property
    def store(self) -> "Store":
        assert self._store is not None, "Context.open() first"
        return self._store

    def now(self) -> "datetime":
        from srs.clock import now

        return now()

    def settings(self, deck: str | None = None) -> "Settings":
        from srs.settings import resolve

        glob, per_deck = self.store.settings(deck)
        return resolve(glob, per_deck)

    def check_deck(self, deck: str | None) -> str | None:
        if deck is not None and self.store.deck(deck) is None:
            known = ", ".join(d.id for d in self.store.decks()) or "none"
            raise UserError(f"unknown deck {deck!r} (decks: {known})")
        return deck

    def exam_deck(self, deck: str | None) -> str:
        """The deck an exam or readiness command is about (§2)."""
        if deck is not None:
            self.check_deck(deck)
            return deck
        examinable = [d.id for d in self.store.decks() if d.exam_enabled]
        if not examinable:
            raise UserError("no deck has exam settings ([deck.exam]); import one or name it with --deck")
        if len(examinable) > 1:
            raise UserError(f"several decks have exam settings ({', '.join(examinable)}): choose one with --deck")
        return examinable[0]

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def busy_timeout() -> float:
    """Seconds a write waits for another process's lock (SRS_BUSY_TIMEOUT overrides)."""
    from srs.store.engine import DEFAULT_BUSY_TIMEOUT

    value = os.environ.get("SRS_BUSY_TIMEOUT")
    if not value:
        return DEFAULT_BUSY_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        raise UserError(f"SRS_BUSY_TIMEOUT {value!r} is not a number of seconds") from None
    if not 0 <= seconds <= 3600:
        raise UserError(f"SRS_BUSY_TIMEOUT {value!r} must be between 0 and 3600 seconds")
    return seconds


def fuzz() -> bool:
    """Interval fuzz is on; SRS_FUZZ=0 turns it off for exact, scripted runs."""
    return os.environ.get("SRS_FUZZ", "1") not in ("0", "false", "no")


def _learner_default() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): one shared learner
        return "learner"


_current: Context | None = None


def context() -> Context:
    """The running command's context (set by the app's callback)."""
    assert _current is not None
    return _current


def command(fn: F) -> F:
    """The one error boundary: user errors (database errors among them, which the store
    turns into user errors) become one line on stderr and exit 1; Ctrl-C exits 130."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        finally:
            if _current is not None:
                _current.close()

    return wrapper  # type: ignore[return-value]


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="SRS_DB",
                                     help="Database file path or SQLAlchemy URL [default: srs.db in the user data dir]."),
    learner: Optional[str] = typer.Option(None, "--learner", envvar="SRS_LEARNER",
                                          help="Whose reviews and state [default: the login name]."),
) -> None:
    """srs: learn exam questions with FSRS, take timed mock exams, export to Anki.

    SRS_NOW (ISO 8601 with offset) replaces the clock, to simulate days.
    """
    name = (learner or _learner_default()).strip()
    if not name:
        raise typer.BadParameter("must not be empty", param_hint="--learner")
    global _current
    _current = ctx.obj = Context(db, name)


__all__ = ["Context", "app", "busy_timeout", "command", "context", "fuzz", "print_json"]
