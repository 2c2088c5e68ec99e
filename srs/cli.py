"""The Typer app: options, --json, exit codes. Each command calls the core and renders."""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
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
    """What every command shares: the database and the learner, opened on first use."""

    def __init__(self, db: str | None, learner: str) -> None:
        self.db = db
        self.learner = learner
        self._store: Store | None = None

    @property
    def store(self) -> "Store":
        if self._store is None:
            from srs.store import open_store

            store, fresh = open_store(self.db, self.learner)
            self._store = store
            if fresh:
                from srs.importer import load_bundled

                load_bundled(store, self.now())
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


def _learner_default() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): one shared learner
        return "learner"


def command(fn: F) -> F:
    """The one error boundary: user errors become one line on stderr and exit 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import DBAPIError

        try:
            return fn(*args, **kwargs)
        except UserError as exc:
            _fail(str(exc))
        except DBAPIError as exc:
            from srs.store.engine import database_message

            _fail(database_message(exc))
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
        finally:
            if _current is not None:
                _current.close()

    return wrapper  # type: ignore[return-value]


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(1)


_current: Context | None = None


def _ctx() -> Context:
    assert _current is not None
    return _current


def _json(value: Any) -> None:
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


# ---------------------------------------------------------------- import / decks / cards
@app.command("import")
@command
def import_(
    paths: list[Path] = typer.Argument(..., help="Deck files: .toml, quiz-page .txt, Anki .apkg, .csv"),
    with_history: bool = typer.Option(False, "--with-history",
                                      help="Also take an Anki package's review log as your history."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import or update decks. Idempotent; all files or none."""
    from srs.importer import import_paths

    c = _ctx()
    scheduler = None
    if with_history:
        from srs.scheduler import make_scheduler

        scheduler = make_scheduler(c.settings(), _fuzz())
    results = import_paths(c.store, paths, c.now(), with_history, scheduler)
    if as_json:
        _json([r.to_dict() for r in results])
        return
    from srs.ui.console import stdout
    from srs.ui.render import import_summary

    console = stdout()
    import_summary(console, results)
    _lint_hints(console, paths)


def _lint_hints(console, paths: list[Path]) -> None:
    """One line per imported deck file that a test-wise student could pass (`srs lint`)."""
    from srs.deckfile import read_deck
    from srs.lint import from_deck_spec
    from srs.ui.lint_view import import_hint

    for path in paths:
        if path.suffix.lower() != ".toml":
            continue
        report = from_deck_spec(read_deck(path))  # parsed again: cheap, and the import has succeeded
        if report.fails:
            console.print(import_hint(report), soft_wrap=True)


@app.command()
@command
def decks(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List decks with their card counts for this learner (and, with an exam date, the days
    left and your chance of passing)."""
    c = _ctx()
    now = c.now()
    rows = c.store.deck_summaries(now)
    exams = {r.id: _exam_outlook(c, r.id, now) for r in rows if r.exam}
    if as_json:
        _json([{"id": r.id, "name": r.name, "cards": r.cards, "new": r.new, "learning": r.learning,
                "review": r.review, "due": r.due, "suspended": r.suspended, "exam": r.exam,
                **dict(zip(("exam_date", "days_left", "pass_probability"), exams.get(r.id, (None, None, None))))}
               for r in rows])
        return
    from srs.ui.console import stdout
    from srs.ui.render import deck_table

    stdout().print(deck_table(rows, exams))


@app.command()
@command
def cards(
    deck: Optional[str] = typer.Option(None, "--deck", help="Only this deck."),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only cards with this tag."),
    due: bool = typer.Option(False, "--due", help="Only cards due now."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (with question, choices, answer)."),
) -> None:
    """List cards with their scheduling state."""
    from srs.scheduler import make_scheduler, retrievability
    from srs.records import STATE_NAMES

    c = _ctx()
    c.check_deck(deck)
    now = c.now()
    scheduler = make_scheduler(c.settings(deck))
    rows = []
    for card in c.store.cards(deck, tag, due_before=now if due else None, now=now):
        m = card.memory
        r = retrievability(scheduler, m, now)
        rows.append({
            "card": card.name, "deck": card.deck_id, "id": card.card_id, "kind": card.kind,
            "question": card.question, "choices": list(card.choices) if card.choices is not None else None,
            "answer": card.answer, "tags": list(card.tags), "state": STATE_NAMES[m.state],
            "due": m.due.isoformat() if m.due and m.state else None, "stability": m.stability,
            "difficulty": m.difficulty, "retrievability": r, "reps": m.reps, "lapses": m.lapses,
            "suspended": m.suspended, "leech": m.leech,
        })
    if as_json:
        _json(rows)
        return
    from srs.ui.console import stdout
    from srs.ui.render import card_table

    stdout().print(card_table(rows, now))


# ---------------------------------------------------------------- review
@app.command()
@command
def review(
    deck: Optional[str] = typer.Option(None, "--deck", help="Only this deck."),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only cards with this tag."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="Stop after N answers."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE",
                                        help="Studying for an exam on DATE: also bring forward cards you "
                                             "would not recall well enough by then [default: the "
                                             "exam_date setting]."),
) -> None:
    """Review what is due today. Keys: letter or any key to answer, 1-4 to rate (Enter = Good),
    u undo, s bury, ! suspend, q quit."""
    from srs.review import ReviewSession
    from srs.ui.console import stdout
    from srs.ui.keys import KeyReader
    from srs.ui.review_screen import ReviewScreen

    c = _ctx()
    c.check_deck(deck)
    settings = c.settings(deck)
    exam_day = None
    date_text = until if until is not None else settings.exam_date
    if date_text is not None:
        from srs.clock import on_date

        exam_day = on_date(date_text, settings.day_starts_at, c.now())
        if exam_day < c.now():
            if until is not None:
                raise UserError(f"--until {until}: the date is in the past")
            exam_day = None  # the exam_date setting has passed: an ordinary review
    session = ReviewSession(c.store, settings, deck, tag, limit, fuzz=_fuzz(), until=exam_day)
    ReviewScreen(session, KeyReader(), stdout(), c.now).run()


def _exam_outlook(c: Context, deck_id: str, now: "datetime") -> tuple[str | None, int | None, float | None]:
    """(exam date, days left, chance of passing then) for a deck with an exam_date setting."""
    settings = c.settings(deck_id)
    if settings.exam_date is None:
        return None, None, None
    from srs.clock import on_date
    from srs.forecast import assess

    when = on_date(settings.exam_date, settings.day_starts_at, now)
    days = (when.date() - now.astimezone(when.tzinfo).date()).days
    try:
        chance = assess(c.store, settings, deck_id, max(when, now), now, value=False).pass_probability
    except ValueError:
        chance = None
    return settings.exam_date, days, chance


def _fuzz() -> bool:
    """Interval fuzz is on; SRS_FUZZ=0 turns it off for exact, scripted runs."""
    return os.environ.get("SRS_FUZZ", "1") not in ("0", "false", "no")


# ---------------------------------------------------------------- config / suspend
@app.command()
@command
def config(
    key: Optional[str] = typer.Argument(None, help="A setting to show or set."),
    value: Optional[str] = typer.Argument(None, help="Its new value."),
    deck: Optional[str] = typer.Option(None, "--deck", help="Per-deck value (overrides the global one)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show or change settings (desired_retention, new_per_day, ...)."""
    from srs.settings import KEYS, validate

    c = _ctx()
    c.check_deck(deck)
    if key is not None:
        if key not in KEYS:
            validate(key, "")  # names the known keys
    if key is not None and value is not None:
        typed = validate(key, value)
        c.store.set_setting(key, str(typed) if not isinstance(typed, str) else typed, deck)
    glob, per_deck = c.store.settings(deck)
    values = c.settings(deck).public()
    sources = {k: ("deck" if k in per_deck else "global") for k in values if k in per_deck or k in glob}
    if key is not None:
        values = {key: values[key]}
    if as_json:
        _json(values)
        return
    from srs.ui.console import stdout
    from srs.ui.render import config_table

    stdout().print(config_table(values, sources, deck))


def _set_suspended(names: list[str], flag: bool) -> None:
    c = _ctx()
    found = []
    for name in names:
        deck_id, sep, card_id = name.partition("/")
        if not sep or not deck_id or not card_id:
            raise UserError(f"card {name!r}: name cards as DECK/CARD")
        card = c.store.find_card(deck_id, card_id)
        if card is None:
            raise UserError(f"unknown card {name!r}")
        found.append(card)
    with c.store.atomic(write=True):
        for card in found:
            c.store.save_state(card.key, card.memory.with_(suspended=flag, leech=card.memory.leech and flag))
    verb = "suspended" if flag else "unsuspended"
    for card in found:
        print(f"{verb} {card.name}")


@app.command()
@command
def suspend(names: list[str] = typer.Argument(..., metavar="CARD...", help="Cards as DECK/CARD.")) -> None:
    """Take cards out of reviews until unsuspended."""
    _set_suspended(names, True)


@app.command()
@command
def unsuspend(names: list[str] = typer.Argument(..., metavar="CARD...", help="Cards as DECK/CARD.")) -> None:
    """Bring suspended cards (leeches too) back into reviews."""
    _set_suspended(names, False)


from srs import cli_exam  # noqa: E402,F401  (registers exam, results)
from srs import cli_progress  # noqa: E402,F401  (registers stats, readiness, optimize)
from srs import cli_anki  # noqa: E402,F401  (registers export)
from srs import cli_lint  # noqa: E402,F401  (registers lint)


def main() -> None:
    app()


__all__ = ["app", "main"]
