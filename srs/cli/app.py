"""The Typer app: global options, the context every command shares, the one error
boundary (user errors: one line, exit 1; Ctrl-C: 130), ``--json`` output. Command modules
register on ``app`` and import nothing from each other."""

from __future__ import annotations

import functools
import getpass
import json
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from srs.cli.coercion import coerce_lazily
from srs.errors import UserError

if TYPE_CHECKING:
    from datetime import datetime

    from srs.settings import Settings
    from srs.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def _usage_words(param: Any) -> str:
    name = param.metavar or param.name.upper()
    if param.nargs != 1 and not name.endswith("..."):
        name += "..."
    return name if param.required else f"[{name}]"


class SrsCommand(typer.core.TyperCommand):
    """A command whose help is in words: arguments show their names (PATH..., CARD...),
    never Python types, and every option a metavar (``--deck DECK``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, typer.core.TyperArgument):
                param.display_type = lambda ctx: ""  # type: ignore[method-assign]
                param._usage_display_name = functools.partial(_usage_words, param)  # type: ignore[method-assign]

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        coerce_lazily(params)
        return params


class SrsGroup(typer.core.TyperGroup):
    """The app's group: its global options coerced lazily too, and taken after the command
    name as well as before it (``srs review --db x.db``)."""

    def get_params(self, ctx: Any) -> list[Any]:
        params = super().get_params(ctx)
        coerce_lazily(params)
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, globals_first(args))


GLOBAL_OPTIONS = ("--db", "--learner")  # each takes a value


def globals_first(args: list[str]) -> list[str]:
    """The command line with ``--db``/``--learner`` given after the command name moved in
    front of it, where Click reads the group's options (nothing after ``--`` is moved)."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":  # options before the command
        i += 2 if args[i] in GLOBAL_OPTIONS else 1
    if i >= len(args) or args[i] == "--":
        return args
    front, command, rest = list(args[:i]), args[i], []
    j = i + 1
    while j < len(args):
        arg = args[j]
        if arg == "--":
            rest += args[j:]
            break
        if arg in GLOBAL_OPTIONS and j + 1 < len(args):
            front += args[j:j + 2]
            j += 2
            continue
        if arg.partition("=")[0] in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        else:
            rest.append(arg)
        j += 1
    return [*front, command, *rest]


def command_name(args: list[str]) -> str | None:
    """The first word after the global options (``globals_first``'s reading): the command."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in GLOBAL_OPTIONS else 1
    return args[i] if i < len(args) and args[i] != "--" else None


class SrsTyper(typer.Typer):
    def command(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("cls", SrsCommand)
        return super().command(*args, **kwargs)


app = SrsTyper(
    name="srs",
    cls=SrsGroup,
    help="Spaced-repetition trainer for exam preparation: FSRS reviews, timed mock exams, Anki export.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# ---------------------------------------------------------------- shell completion
def _completion_store(ctx: typer.Context):
    """The database the command line names, opened only if it exists (completion never
    creates or fills one)."""
    from srs.store.engine import database_url

    root = ctx.find_root()
    db = root.params.get("db") or os.environ.get("SRS_DB")
    url, _ = database_url(db)
    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///"):]):
        return None
    from srs.store import open_store

    learner = root.params.get("learner") or os.environ.get("SRS_LEARNER") or _learner_default()
    return open_store(db, learner)[0]


def _complete(ctx: typer.Context, names: Callable[[Any], Any], incomplete: str) -> list[str]:
    """The ``names(store)`` that start with ``incomplete``; nothing when there is no database."""
    try:
        store = _completion_store(ctx)
        if store is None:
            return []
        try:
            return [name for name in names(store) if name.startswith(incomplete)]
        finally:
            store.close()
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_deck(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete(ctx, lambda store: (d.id for d in store.decks()), incomplete)


def complete_card(ctx: typer.Context, incomplete: str) -> list[str]:
    return _complete(ctx, lambda store: (c.name for c in store.cards()), incomplete)


def complete_key(incomplete: str) -> list[str]:
    from srs.settings import KEYS

    return [k for k in KEYS if k.startswith(incomplete)]


class Context:
    """What every command shares: the global options, and the database once ``open()``ed."""

    def __init__(self, db: str | None, learner: str) -> None:
        self.db = db
        self.learner = learner
        self._store: Store | None = None
        self._told = False  # the simulated-time banner was printed

    def open(self) -> "Store":
        """The learner's store, opened once. A new, empty database first gets the bundled
        decks (README: the first command on an empty database loads them)."""
        if self._store is None:
            from srs.clock import now
            from srs.store import open_store

            now()  # an SRS_NOW out of range is refused before a new database is made (no banner yet)
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
        from srs.clock import now, simulated, zone_note

        moment = now()
        if simulated() and not self._told:
            self._told = True
            note = zone_note(moment)  # every time is shown in SRS_NOW's zone: say so when it is not the machine's
            line = f"simulated time: {moment:%a %d %b %Y %H:%M %z} (SRS_NOW)" + (f"; {note}" if note else "")
            from srs.ui.shown import shown

            print(shown(line), file=sys.stderr)
        return moment

    def writable_now(self) -> "datetime":
        """The time answers are written at; refused when before the learner's latest answer."""
        from srs.clock import check_not_before

        moment = self.now()
        check_not_before(moment, self.store.latest_activity())
        return moment

    def settings(self, deck: str | None = None) -> "Settings":
        from srs.settings import resolve

        glob, per_deck = self.store.settings(deck)
        return resolve(glob, per_deck)

    def check_deck(self, deck: str | None) -> str | None:
        if deck is not None and self.store.deck(deck) is None:
            known = ", ".join(d.id for d in self.store.decks()) or "none"
            raise UserError(f"unknown deck {deck!r} (decks: {known})")
        return deck

    def check_tag(self, tag: str | None, deck: str | None = None) -> str | None:
        if tag is not None and not self.store.count_tagged(tag, deck):
            raise UserError(f"no cards tagged {tag!r}" + (f" in deck {deck!r}" if deck else ""))
        return tag

    def exam_deck(self, deck: str | None) -> str:
        """The deck an exam or readiness command is about: the one named, else the only one with exam settings."""
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
            from srs.ui.shown import shown  # messages echo deck names, paths, file content

            print(f"error: {shown(str(exc))}", file=sys.stderr)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        finally:
            if _current is not None:
                _current.close()

    return wrapper  # type: ignore[return-value]


#: what json.dumps(ensure_ascii=False) leaves raw but a terminal may act on (DEL, C1 controls)
#: or cannot encode (lone surrogates): written as \u escapes, which read back the same
_JSON_RAW = re.compile("[\x7f-\x9f\ud800-\udfff]")


def print_json(value: Any) -> None:
    """JSON, UTF-8 (a Cyrillic deck stays readable); C0 controls are escaped by json.dumps,
    DEL, C1 controls and lone surrogates here; bidi and zero-width characters stay as they are."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if _JSON_RAW.search(text) is not None:
        text = _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def _version(value: bool) -> None:
    if value:
        from srs import __version__

        print(f"srs {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="SRS_DB", metavar="PATH|URL",
                                     help="Database file path or SQLAlchemy URL [default: srs.db in the user data dir]."),
    learner: Optional[str] = typer.Option(None, "--learner", envvar="SRS_LEARNER", metavar="NAME",
                                          help="Whose reviews and state [default: the login name]."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """srs: learn exam questions with FSRS, take timed mock exams, export to Anki.

    SRS_NOW (ISO 8601 with offset) replaces the clock, to simulate days.
    """
    name = (learner or _learner_default()).strip()
    if not name:
        raise typer.BadParameter("must not be empty", param_hint="--learner")
    global _current
    _current = ctx.obj = Context(db, name)


def in_range(value: int | None, flag: str, low: int = 1, high: int | None = None) -> int | None:
    """An option's number within its range, or a user error (exit 1) naming the option."""
    if value is not None and (value < low or (high is not None and value > high)):
        span = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise UserError(f"{flag} {value}: must be {span}")
    return value


__all__ = ["Context", "SrsCommand", "app", "busy_timeout", "command", "complete_card", "complete_deck",
           "complete_key", "context", "fuzz", "in_range", "print_json"]
