"""Running the web app for `srs serve`: the guard for the address, the printed URL (and a
QR code of it for a phone), uvicorn in the foreground until Ctrl-C."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Callable

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


def run(opener: Callable, host: str, port: int, open_browser: bool, fuzz: bool) -> None:
    import uvicorn

    from srs.web.app import create_app
    from srs.web.security import Guard

    guard = Guard.for_address(host, port)
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
    if guard.token is not None:
        print("The address carries an access token: anyone with it can use your srs. Ctrl-C stops the server.",
              flush=True)
        _print_qr(url)
    else:
        print("Only this machine can open it (--host 0.0.0.0 for a phone). Ctrl-C stops the server.", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(guard.url("127.0.0.1" if guard.token is None else shown_host),)).start()
    app = create_app(opener, guard, fuzz=fuzz)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False,
                date_header=False)


def _print_qr(url: str) -> None:
    try:
        import qrcode  # optional: a QR code for the phone's camera when it is installed
    except ImportError:
        return
    qr = qrcode.QRCode(border=1)
    qr.add_data(url)
    qr.print_ascii(out=sys.stdout, invert=True)
