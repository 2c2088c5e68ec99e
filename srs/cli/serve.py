"""`srs serve`: review and mock exams in a browser (srs/web/), on this machine or, with
--host, on a phone on the same network."""

from __future__ import annotations

import sys

import typer

from srs.cli.app import app, busy_timeout, command, context, fuzz, in_range


@app.command()
@command
def serve(
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="Address to listen on; any other than loopback (e.g. 0.0.0.0 for a phone) "
                                  "requires sign-in (accounts: srs user add) or else the access token printed in the URL."),
    port: int = typer.Option(8765, "--port", metavar="PORT", help="TCP port."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in this machine's browser."),
    workers: int = typer.Option(1, "--workers", metavar="N",
                                help="Worker processes (several need a database they can share: PostgreSQL)."),
    behind_proxy: bool = typer.Option(False, "--behind-proxy",
                                      help="Behind a TLS reverse proxy: believe its X-Forwarded-Proto and -For."),
) -> None:
    """Review and take mock exams in a browser: the same queue, answers and attempts as the
    terminal. Ctrl-C stops the server."""
    from srs.web.server import run

    in_range(port, "--port", 1, 65535)
    in_range(workers, "--workers", 1, 64)
    c = context()
    store = c.open()  # a new database gets the bundled decks now, as with any command
    c.writable_now()  # the clock is not behind the learner's answers

    def opener():
        from srs.store import open_store

        return open_store(c.db, c.learner, busy_timeout())[0]

    accounts = store.has_users()  # sign-in (srs user add); without accounts: loopback, or the token
    if workers > 1 and store.engine.dialect.name == "sqlite":
        print("warning: several workers on one SQLite file wait for each other's writes; "
              "PostgreSQL (--db postgresql://...) suits a class", file=sys.stderr)
    run(opener, host, port, open_browser, fuzz(), accounts=accounts, behind_proxy=behind_proxy, workers=workers,
        db=c.db, learner=c.learner)
