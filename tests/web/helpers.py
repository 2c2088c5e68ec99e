"""A store with decks for the web tests, the app on it, and a client that sends the CSRF token."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import count

from starlette.testclient import TestClient

from srs.deckfile import CardSpec, DeckSpec, ExamSettings
from srs.store import open_store
from srs.web.app import create_app
from srs.web.security import Guard
from tests.factories import T0, deck, make_store

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a> \x1b[31mred'
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")


def hostile_deck() -> DeckSpec:
    cards = (
        CardSpec("h1", f"Q {HOSTILE} [image: pic.png] [sound: say.mp3] \\(x^2\\)", "A",
                 (f"{HOSTILE}", '"><svg onload=alert(4)>', "[image: javascript:alert(5)]", "plain"),
                 "", "", ("t",)),
        CardSpec("b1", "Basic [image: ../../etc/passwd]", f"answer {HOSTILE}"),
    )
    return DeckSpec("evil", "Evil <b>deck</b>", "", ExamSettings(None, 30, 0.7), cards, "evil.toml")


def build(tmp_path, *decks: DeckSpec) -> str:
    path = str(tmp_path / "web.db")
    store = make_store(path, *(decks or (deck("d", cards=6, basic=2),)))
    if any(d.id == "evil" for d in decks):
        files = {"pic.png": PNG, "my pic.png": PNG, "say.mp3": b"ID3fake", "page.html": b"<script>alert(1)</script>",
                 "draw.svg": b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"}
        for name, data in files.items():
            store.save_media_file("evil", name, data)
    store.close()
    return path


def ticking(start=T0 + timedelta(days=2)):
    """A clock that moves a second each time it is read."""
    steps = count()
    return lambda: start + timedelta(seconds=next(steps))


class Client:
    """A TestClient that puts the page's CSRF token into every form it posts."""

    def __init__(self, client: TestClient) -> None:
        self.http = client

    def get(self, url: str, **kw):
        return self.http.get(url, **kw)

    def csrf(self) -> str:
        if "srs_csrf" not in self.http.cookies:
            self.http.get("/results")
        return self.http.cookies["srs_csrf"]

    def post(self, url: str, data: dict | None = None, **kw):
        return self.http.post(url, data={"csrf": self.csrf(), **(data or {})}, follow_redirects=False, **kw)

    def card_key(self, page: str) -> str:
        return re.search(r'name="card" value="(\d+)"', page).group(1)


def client_for(path: str, host: str = "127.0.0.1", clock=None, token: str | None = None, ticks=None) -> TestClient:
    guard = Guard(host, 8765, token)
    app = create_app(lambda: open_store(path, "alice")[0], guard, clock or ticking(), fuzz=False,
                     **({"ticks": ticks} if ticks is not None else {}))
    return TestClient(app, base_url=f"http://{host}:8765")


@contextmanager
def serving(app, port: int) -> Iterator[str]:
    """``app`` served by uvicorn on 127.0.0.1:``port`` in a thread (for the browser tests): its URL."""
    import uvicorn

    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
