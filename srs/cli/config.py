"""`srs config`: show or change settings."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from srs.cli.app import app, command, complete_key, context, print_json
from srs.cli.options import deck_option, json_option
from srs.settings import describe

HELP = "Show or change settings. The settings:\n\n" + "\n\n".join(describe().splitlines())


@app.command(help=HELP, context_settings={"ignore_unknown_options": True})  # a VALUE may be -4
@command
def config(
    key: Optional[str] = typer.Argument(None, metavar="KEY", autocompletion=complete_key, help="A setting to show or set."),
    value: Optional[str] = typer.Argument(None, metavar="VALUE", help="Its new value."),
    deck: Optional[str] = deck_option("Per-deck value (overrides the global one)."),
    as_json: bool = json_option(),
) -> None:
    from srs.settings import configure

    c = context()
    c.open()
    c.check_deck(deck)
    values, sources = configure(c.store, key, value, deck)
    if key == "exam_date" and value is not None and values.get(key) is not None:
        from srs.clock import exam_date

        now = c.now()
        if exam_date(None, values[key], c.settings(deck).day_starts_at, now) is None:
            from srs.ui.shown import shown

            print(f"warning: exam_date {shown(str(values[key]))} is before today: readiness and review --until "
                  "ignore a date that has passed", file=sys.stderr)
    if as_json:
        print_json(values)
        return
    from srs.ui.console import stdout
    from srs.ui.render import config_table

    stdout().print(config_table(values, sources, deck))
