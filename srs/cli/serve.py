"""`srs serve`: review and mock exams in a browser (srs/web/), on this machine or, with
--host, on a phone on the same network."""

from __future__ import annotations

import typer

from srs.cli.app import app, busy_timeout, command, context, fuzz, in_range


@app.command()
@command
def serve(
    host: str = typer.Option("127.0.0.1", "--host", metavar="ADDRESS",
                             help="Address to listen on; any other than loopback (e.g. 0.0.0.0 for a phone) "
                                  "requires the access token printed in the URL."),
    port: int = typer.Option(8765, "--port", metavar="PORT", help="TCP port."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in this machine's browser."),
) -> None:
    """Review and take mock exams in a browser: the same queue, answers and attempts as the
    terminal. Ctrl-C stops the server."""
    from srs.web.server import run

    in_range(port, "--port", 1, 65535)
    c = context()
    c.open()  # a new database gets the bundled decks now, as with any command
    c.writable_now()  # the clock is not behind the learner's answers

    def opener():
        from srs.store import open_store

        return open_store(c.db, c.learner, busy_timeout())[0]

    run(opener, host, port, open_browser, fuzz())
