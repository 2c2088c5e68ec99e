"""The web app: one Starlette application around one learner's store. Routes call the same
core functions as the command line (srs/web/review.py, srs/web/exam.py) and templates render
what they return. Every route is ``async`` and runs on the event loop's one thread, so the
store (one SQLite connection pool) is only ever used from one thread, one request at a time.

Errors: a user error (srs.errors.UserError) becomes 400 with its message, an unknown
address 404, anything else 500 with one line: never a traceback page.
"""

from __future__ import annotations

import contextlib
import copy
import mimetypes
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from srs.clock import local_zone
from srs.errors import UserError
from srs.settings import Settings, resolve
from srs.store import Store
from srs.web.cardtext import card_html
from srs.web.security import CSRF_FIELD, Guard, GuardMiddleware

HERE = Path(__file__).parent
#: media types a card's file may be served as; anything else is a download
SHOWN_MEDIA = ("image/", "audio/", "video/")
MAX_VIEWS = 1000  # signed-in learners whose review session is kept


class Web:
    """What the routes share: the store, the clock, the templates, the open sessions."""

    def __init__(self, opener: Callable[[], Store], clock: Callable[[], datetime], fuzz: bool,
                 ticks: Callable[[], float] = time.time) -> None:
        self.opener = opener
        self.clock = clock
        self.ticks = ticks  # the seconds exams are timed with: wall-clock, the same in every worker process
        self.fuzz = fuzz
        self.shared = False  # other worker processes serve the same learners (srs serve --workers N)
        self._store: Store | None = None
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["card"] = card_html
        self.env.filters["side"] = self._card_side
        # a stored (UTC) time in the learner's zone, as every command shows it (srs.clock.local_zone)
        self.env.filters["local"] = lambda at: at.astimezone(local_zone(self.clock()))
        self.env.globals["katex"] = (HERE / "static" / "katex" / "katex.min.js").is_file()
        self.review: Any = None   # srs.web.review.WebReview, made on the first review page
        self.learner: str | None = None   # a signed-in learner's view (see ``view``); None: the server's
        self._views: dict[str, Web] = {}

    def _card_side(self, card: Any, side: str) -> Markup:
        """A card's question or answer side as the page shows it (srs/web/sanitise.py):
        the HTML its Anki templates rendered, sanitised, or its text."""
        from srs.web.sanitise import card_side

        return card_side(self.store, card, side)

    def view(self, learner: str) -> Web:
        """The same server seen by ``learner`` (signed in): their own store on the shared
        engine and their own review session (running exams are in the database). Kept for the MAX_VIEWS
        learners seen last."""
        found = self._views.pop(learner, None)
        if found is None:
            found = copy.copy(self)
            found._store = Store(self.store.engine, learner)
            found.learner, found.review, found._views = learner, None, {}
        self._views[learner] = found  # the most recent last
        while len(self._views) > MAX_VIEWS:
            self._views.pop(next(iter(self._views)))
        return found

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self.opener()
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def settings(self, deck: str | None = None) -> Settings:
        glob, per_deck = self.store.settings(deck)
        return resolve(glob, per_deck)

    def render(self, request: Request, name: str, status: int = 200, **values: Any) -> HTMLResponse:
        guard: Guard = request.app.state.guard
        html = self.env.get_template(name).render(csrf=guard.csrf_of(request), csrf_field=CSRF_FIELD,
                                                  path=request.url.path, account=request.scope.get("srs.account"),
                                                  **values)
        return HTMLResponse(html, status)


def web_of(request: Request) -> Web:
    """The server as the request's learner sees it: the signed-in account's, else the server's."""
    web: Web = request.app.state.web
    account = request.scope.get("srs.account")
    return web.view(account.name) if account is not None else web


def teacher_only(request: Request) -> None:
    """Refuse (403) a request not signed in as a teacher."""
    account = request.scope.get("srs.account")
    if account is None or not account.teacher:
        raise HTTPException(403, "refused: only a teacher's account may open this page")


# ---------------------------------------------------------------- pages that only read
async def decks_page(request: Request) -> Response:
    from srs.overview import deck_overviews

    web = web_of(request)
    found = deck_overviews(web.store, web.clock())
    return web.render(request, "decks.html", rows=[d.summary for d in found],
                      exams={d.summary.id: d.outlook for d in found if d.outlook is not None})


async def media(request: Request) -> Response:
    """A deck's media file by its name, from the database, where it is kept once by the
    SHA-256 of its content: that hash is its ETag (a phone asks again with If-None-Match
    and gets 304, not the file). No file system is involved: a name is only ever looked
    up, so ``..`` or a slash can name nothing (404). Its type is its name's."""
    deck_id, name = request.path_params["deck"], request.path_params["name"]
    if not name or "/" in name or "\\" in name or name in (".", "..") or len(name) > 255:
        raise HTTPException(404, "no such media file")
    store = web_of(request).store
    entry = store.media_entry(deck_id, name)
    if entry is None and unquote(name) != name:  # an Anki field's src may be percent-encoded
        name = unquote(name)
        entry = store.media_entry(deck_id, name) if "/" not in name and "\\" not in name else None
    if entry is None:
        raise HTTPException(404, "no such media file")
    digest, data = entry
    kind = mimetypes.guess_type(name, strict=False)[0] or "application/octet-stream"
    headers = {"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
               "cache-control": "private, max-age=3600", "etag": f'"{digest}"'}
    if request.headers.get("if-none-match") == f'"{digest}"':
        return Response(status_code=304, headers=headers)
    if not kind.startswith(SHOWN_MEDIA):
        kind = "application/octet-stream"
        headers["content-disposition"] = "attachment"
    return Response(data, media_type=kind, headers=headers)


async def card_style_sheet(request: Request) -> Response:
    """A card's note type's style sheet, sanitised (srs/web/card_style.py): a style sheet of
    this server, so the page's ``style-src 'self'`` holds; named by its content's hash."""
    from srs.web.card_style import card_style, style_digest

    try:
        key = int(request.path_params["key"])
    except ValueError:
        raise HTTPException(404, "no such style sheet") from None
    kept = web_of(request).store.anki_html(key)
    if kept is None or not card_style(kept[2]) or style_digest(kept[2]) != request.path_params["digest"]:
        raise HTTPException(404, "no such style sheet")
    return Response(card_style(kept[2]), media_type="text/css",
                    headers={"cache-control": "private, max-age=31536000, immutable",
                             "x-content-type-options": "nosniff"})


# ---------------------------------------------------------------- errors
MAX_MESSAGE = 300  # characters of an error message (which may quote the request)


def short(text: str) -> str:
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return PlainTextResponse(short(f"{exc.status_code}: {exc.detail}"), exc.status_code, headers=exc.headers)


async def _user_error(request: Request, exc: Exception) -> Response:
    from srs.store import DatabaseError

    if isinstance(exc, DatabaseError):  # the database's fault, not the request's: worth a retry
        from srs.web.signin import unavailable

        return unavailable(exc)
    return PlainTextResponse(short(f"400: {exc}"), 400)


async def _server_error(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("500: internal error (the server's log says more)", 500)


def create_app(opener: Callable[[], Store], guard: Guard, clock: Callable[[], datetime] | None = None,
               fuzz: bool = True, ticks: Callable[[], float] = time.time, shared: bool = False) -> Starlette:
    """The app for the store ``opener`` opens (on the first request, in the event loop's
    thread), guarded by ``guard``. ``clock`` gives the current time (srs.clock.now),
    ``ticks`` the seconds a mock exam is timed with; ``shared``: other processes serve the
    same database's learners (worker processes), so a review session in memory is checked
    against the database before each use."""
    from srs import clock as clocks
    from srs.web import exam, progress, review, signin, teacher
    from srs.web.signin import SignInMiddleware

    web = Web(opener, clock or clocks.now, fuzz, ticks)
    web.shared = shared

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        _ = web.store  # opened, and the templates compiled, before the first request
        for name in web.env.list_templates():
            web.env.get_template(name)
        # the decks page's statement compiled and the database's pages it reads loaded, so the
        # first page costs what every later one does (its counts are computed again then); only
        # for speed: whatever fails here fails again, and is answered, on the request itself
        with contextlib.suppress(Exception):
            web.store.deck_summaries(web.clock())
        try:
            yield
        finally:
            web.close()

    routes = [
        Route("/", decks_page),
        *signin.routes(),
        *teacher.routes(),
        *review.routes(),
        *exam.routes(),
        *progress.routes(),
        Route("/media/{deck}/{name}", media),
        Route("/card-style/{key}/{digest}.css", card_style_sheet),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(GuardMiddleware, guard=guard), Middleware(SignInMiddleware, guard=guard)],
                    exception_handlers={HTTPException: _http_error, UserError: _user_error,
                                        Exception: _server_error})
    app.state.web = web
    app.state.guard = guard
    return app


__all__ = ["Web", "create_app", "teacher_only", "web_of"]
