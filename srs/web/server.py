"""Running the web app for `srs serve`: the guard for the address, the printed URL (and a
QR code of it for a phone), uvicorn in the foreground until Ctrl-C."""

from __future__ import annotations

import os
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from typing import Any

from srs.errors import UserError
from srs.ui.shown import shown


def _lan_address() -> str | None:
    """This machine's address on its network (for the URL a phone opens), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            return s.getsockname()[0]
        except OSError:
            return None


def run(opener: Callable, host: str, port: int, open_browser: bool, fuzz: bool, accounts: bool = False,
        behind_proxy: bool = False, workers: int = 1, db: str | None = None, learner: str = "") -> None:
    import uvicorn

    from srs.web.app import create_app
    from srs.web.security import Guard, is_loopback

    guard = Guard.for_address(host, port, accounts, behind_proxy)
    try:  # the port is free (a clear error before uvicorn's own)
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    shown_host = host
    if host in ("0.0.0.0", "::"):
        shown_host = _lan_address() or host
    url = guard.url(shown_host)
    print(f"srs is serving at {shown(url)}", flush=True)
    if not is_loopback(host) and not behind_proxy:
        what = "passwords" if accounts else "the access token"
        print(shown(f"warning: this server speaks plain HTTP: {what} and answers would cross the network in clear. "
                    "Put it behind a TLS reverse proxy (README: A class on one server) and use --behind-proxy."),
              file=sys.stderr, flush=True)
    if accounts:
        print("Sign in with an account (srs user add NAME). Ctrl-C stops the server.", flush=True)
    elif guard.token is not None:
        print("The address carries an access token: anyone with it can use your srs. Ctrl-C stops the server.",
              flush=True)
        _print_qr(url)
    else:
        print("Only this machine can open it (--host 0.0.0.0 for a phone). Ctrl-C stops the server.", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(guard.url("127.0.0.1" if guard.token is None else shown_host),)).start()
    options: dict[str, Any] = {"host": host, "port": port, "log_level": "warning", "access_log": False, "server_header": False,
               "date_header": False, "proxy_headers": False}  # X-Forwarded-*: srs.web.security, with --behind-proxy
    if workers > 1:  # each worker process builds the app from the environment (app_from_env)
        os.environ.update(_environment(guard, db, learner, fuzz))
        uvicorn.run("srs.web.server:app_from_env", factory=True, workers=workers, **options)
        return
    uvicorn.run(create_app(opener, guard, fuzz=fuzz), **options)


def _environment(guard, db: str | None, learner: str, fuzz: bool) -> dict[str, str]:
    values = {"SRS_LEARNER": learner, "SRS_SERVE_HOST": guard.host, "SRS_SERVE_PORT": str(guard.port),
              "SRS_SERVE_SECRET": guard.secret.hex(), "SRS_SERVE_ACCOUNTS": "1" if guard.accounts else "0",
              "SRS_SERVE_BEHIND_PROXY": "1" if guard.behind_proxy else "0", "SRS_FUZZ": "1" if fuzz else "0"}
    if db:
        values["SRS_DB"] = db
    if guard.token:
        values["SRS_SERVE_TOKEN"] = guard.token
    return values


def app_from_env():
    """The app as `srs serve` would make it, from environment variables: for uvicorn's worker
    processes (``uvicorn --factory srs.web.server:app_from_env``). SRS_DB, SRS_LEARNER,
    SRS_SERVE_HOST and _PORT (where it listens: loopback or not), SRS_SERVE_BEHIND_PROXY=1,
    SRS_SERVE_SECRET (hex; the same in every worker, so a form made by one is accepted by
    another), SRS_SERVE_TOKEN (off loopback without accounts). Sign-in is on when the
    database has accounts (or SRS_SERVE_ACCOUNTS=1)."""
    from srs.cli.app import busy_timeout, fuzz
    from srs.store import open_store
    from srs.web.app import create_app
    from srs.web.security import Guard, is_loopback

    env = os.environ
    db, learner = env.get("SRS_DB") or None, env.get("SRS_LEARNER") or "learner"
    host, port = env.get("SRS_SERVE_HOST", "127.0.0.1"), int(env.get("SRS_SERVE_PORT", "8765"))
    store = open_store(db, learner, busy_timeout())[0]
    try:
        accounts = env.get("SRS_SERVE_ACCOUNTS") == "1" or store.has_users()
    finally:
        store.close()
    secret = bytes.fromhex(env["SRS_SERVE_SECRET"]) if env.get("SRS_SERVE_SECRET") else None
    token = None if accounts or is_loopback(host) else env.get("SRS_SERVE_TOKEN")
    if token is None and not accounts and not is_loopback(host):
        raise UserError("SRS_SERVE_TOKEN is needed off loopback when the database has no accounts")
    guard = Guard(host, port, token, accounts=accounts, behind_proxy=env.get("SRS_SERVE_BEHIND_PROXY") == "1",
                  **({"secret": secret} if secret else {}))
    return create_app(lambda: open_store(db, learner, busy_timeout())[0], guard, fuzz=fuzz(), shared=True)


def _print_qr(url: str) -> None:
    """The URL as a QR code in the terminal, for the phone's camera (our own text: block
    characters and spaces, no control characters)."""
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(url)
    qr.print_ascii(out=sys.stdout, invert=True)
