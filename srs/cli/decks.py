"""`srs import`, `srs export`, `srs decks`, `srs cards`, `srs lint`: decks in and out, and
what is in them."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from srs.cli.app import app, command, context, fuzz, print_json
from srs.cli.json_list import print_json_list
from srs.cli.options import deck_option, json_option

CARDS_SHOWN = 100  # srs cards' default --limit: a table read at a glance, printed in well under a second


@app.command("import")
@command
def import_(
    paths: list[Path] = typer.Argument(..., metavar="PATH...", help="Deck files: .toml, quiz-page .txt, Anki .apkg or .colpkg, Anki text .txt, .csv"),
    with_history: bool = typer.Option(False, "--with-history",
                                      help="Also take an Anki package's review log as your history."),
    as_json: bool = json_option("Print the summary as JSON."),
) -> None:
    """Import or update decks. Idempotent; all files or none."""
    from srs.importer import import_paths

    c = context()
    store = c.open()
    scheduler = None
    if with_history:
        from srs.scheduler import make_scheduler

        scheduler = make_scheduler(c.settings(), fuzz())
    deck_files: list = []  # the .toml decks as read, for the lint hint below
    with _no_cyclic_gc():  # the decks read are let go before anything is drawn (no pass over them)
        results = import_paths(store, paths, c.now(), with_history, scheduler,
                               on_deck_file=None if as_json else deck_files.append)
        reports = []
        if deck_files:
            from srs.lint import failing_decks

            reports = failing_decks(deck_files)
            deck_files.clear()
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    from srs.ui.console import stdout
    from srs.ui.lint_view import import_hint
    from srs.ui.render import import_summary

    console = stdout()
    import_summary(console, results)
    for report in reports:  # a test-wise student could pass this deck: say so
        console.print(import_hint(report), soft_wrap=True)


@contextmanager
def _no_cyclic_gc():
    """Bulk work that makes many objects and few cycles: without the cyclic collector, which
    would otherwise walk every parsed card again and again (~10% of a 100,000-card import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@app.command()
@command
def export(
    path: Path = typer.Argument(..., metavar="PATH", help="The file to write: .apkg, .txt (Anki's text format), .csv or .toml."),
    deck: Optional[str] = deck_option("Only this deck (a .toml file needs one)."),
    with_history: bool = typer.Option(False, "--with-history",
                                      help="With each card's scheduling and every review (.apkg)."),
    force: bool = typer.Option(False, "--force", help="Replace PATH if it exists (a terminal asks instead)."),
) -> None:
    """Export decks for Anki (.apkg, .txt), as CSV, or as a deck file (.toml)."""
    from srs.export import export as run
    from srs.ui.shown import shown

    c = context()
    c.open()
    c.check_deck(deck)
    overwrite = force or (path.is_file() and _confirm(f"{shown(str(path))} exists. Replace it? [y/N] "))
    n = run(c.store, path, deck, c.now(), with_history, c.settings(deck), overwrite=overwrite)
    print(f"exported {n:d} card(s) to {shown(str(path))}"
          f"{' with their scheduling and review history' if with_history else ''}")


def _confirm(question: str) -> bool:
    """Asked in a terminal only (y/N; the end of input is no); piped, the answer is no."""
    import sys

    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return False
    sys.stderr.write(question)
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


@app.command()
@command
def decks(as_json: bool = json_option()) -> None:
    """List decks with their card counts for this learner (and, with an exam date, the days
    left and your chance of passing)."""
    from srs.overview import deck_overviews

    c = context()
    found = deck_overviews(c.open(), c.now())
    if as_json:
        print_json([d.to_dict() for d in found])
        return
    from srs.ui.console import stdout
    from srs.ui.render import deck_table

    console = stdout()
    console.print(deck_table(found, console.width))


@app.command()
@command
def cards(
    deck: Optional[str] = deck_option(),
    tag: Optional[str] = typer.Option(None, "--tag", metavar="TAG", help="Only cards with this tag."),
    due: bool = typer.Option(False, "--due", help="Only cards due now."),
    as_json: bool = json_option("Print JSON (with question, choices, answer)."),
    limit: Optional[int] = typer.Option(None, "--limit", metavar="N", min=0,
                                        help=f"Show at most N cards (default {CARDS_SHOWN}; with --json, all); 0: all."),
    chance: bool = typer.Option(False, "--chance", help="Add each multiple-choice card's chance of a right answer "
                                "now (srs readiness's forecast, from all your answers: slower on a big deck)."),
) -> None:
    """List cards with their scheduling state."""
    from srs.stats import iter_card_views

    c = context()
    c.open()
    c.check_deck(deck)
    c.check_tag(tag, deck)
    now = c.now()
    settings_of = c.settings if chance else None  # the forecast (NumPy) only when asked for
    if as_json:  # every card unless --limit says otherwise, written as read
        read = limit or None
        print_json_list(v.to_dict() for v in iter_card_views(c.store, c.settings(deck), now, deck, tag, due,
                                                             settings_of=settings_of, limit=read))
        return
    read = CARDS_SHOWN if limit is None else limit or None
    total = c.store.count_listed(deck, tag, due_before=now if due else None, now=now)
    views = iter_card_views(c.store, c.settings(deck), now, deck, tag, due, settings_of=settings_of, limit=read)
    from srs.ui.card_list import show_cards
    from srs.ui.console import stdout

    show_cards(stdout(), views, total, now, read, chance)


@app.command()
@command
def lint(
    paths: Optional[list[Path]] = typer.Argument(None, metavar="PATH...", help="Deck files (.toml; quiz-page .txt)."),
    deck: Optional[str] = deck_option("Check a deck already imported, by its id."),
    as_json: bool = json_option(),
) -> None:
    """Check multiple-choice cards for cues (longest choice, position, echoed words, absolute
    words, "all of the above", duplicates) that would let a student pass without knowing.
    Exit 1 when a strategy reaches the pass mark."""
    from srs.lint import lint_deck, lint_paths

    if not paths and deck is None:
        raise typer.BadParameter("give deck files or --deck ID", param_hint="PATH")
    reports = lint_paths(paths or [])
    if deck is not None:
        c = context()
        c.open()
        c.check_deck(deck)
        reports.append(lint_deck(c.store, deck))
    if as_json:
        data = [r.to_dict() for r in reports]
        print_json(data[0] if len(data) == 1 else data)
    else:
        from srs.ui.console import stdout
        from srs.ui.lint_view import render_lint

        console = stdout()
        for i, report in enumerate(reports):
            if i:
                console.print()
            render_lint(console, report)
    if any(r.fails for r in reports):
        raise typer.Exit(1)
