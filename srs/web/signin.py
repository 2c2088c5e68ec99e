"""Sign-in for `srs serve` when the database has accounts (`srs user add`): the sign-in page,
the server-side session, the limit on guessing, sign-out.

- A session is a random id (``secrets.token_urlsafe(32)``) in an HttpOnly, SameSite=Strict
  cookie (Secure when the browser came over TLS); the database keeps only its SHA-256, with
  the account and the time it expires (SESSION_HOURS after sign-in), so every worker
  process of the server knows it and a copy of the database signs nobody in.
- Every page but the sign-in page and the static files needs a session: a GET without one
  is sent to /signin, anything else refused (403). The signed-in user's name is the
  learner every query of the request is about (srs.web.app.web_of).
- Failed sign-ins are counted in the database per account and per address: at LIMIT
  for an account, or ADDRESS_LIMIT for an address, within WINDOW it is refused (429)
  without the password being checked, until the window has passed. An address has more
  room than an account: a classroom behind one router (NAT) signs in from one address,
  and one student's typos must not lock the class out. An unknown name costs the same
  scrypt work as a known one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from srs.store import DatabaseError
from srs.web.security import Guard, checked_form

SESSION_COOKIE = "srs_session"
SESSION_HOURS = 12
LIMIT = 5                        # failed sign-ins of an account ...
ADDRESS_LIMIT = 30               # ... or from an address ...
WINDOW = timedelta(minutes=15)   # ... within this long, per account and per address
PUBLIC = ("/signin", "/static/")


def digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def _cookie_value(scope: Scope, name: str) -> str | None:
    from http.cookies import SimpleCookie

    for key, value in scope.get("headers", []):
        if key == b"cookie":
            jar = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a garbled cookie header counts as none
                return None
            morsel = jar.get(name)
            return morsel.value if morsel is not None else None
    return None


class SignInMiddleware:
    """Puts the signed-in account in ``scope["srs.account"]``, or turns the request away."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.guard.accounts:
            await self.app(scope, receive, send)
            return
        web = scope["app"].state.web
        path = scope["path"]
        if path.startswith("/static/"):  # the same files for everyone: no session looked up
            await self.app(scope, receive, send)
            return
        session_id = _cookie_value(scope, SESSION_COOKIE)
        account = None
        if session_id and len(session_id) <= 100:
            try:
                account = web.store.session_account(digest(session_id), web.clock())
            except DatabaseError as exc:  # down, restarting, unreachable: say so, the next request retries
                await unavailable(exc)(scope, receive, send)
                return
        scope["srs.account"] = account
        if account is None and not path.startswith(PUBLIC):
            if scope["method"] in ("GET", "HEAD"):
                response: Response = RedirectResponse("/signin", 303)
            else:
                response = Response("403: sign in first", 403, media_type="text/plain")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def unavailable(exc: Exception) -> Response:
    """503 for a database that failed (down, restarting, unreachable): the details (its
    address among them) go to the server's log, not to the browser."""
    import sys

    from srs.ui.shown import shown

    print(f"srs serve: {shown(str(exc))}", file=sys.stderr, flush=True)
    return Response("503: the database is unavailable; try again in a moment", 503, media_type="text/plain",
                    headers={"retry-after": "2"})


async def signin_page(request: Request) -> Response:
    from srs.web.app import web_of

    if request.scope.get("srs.account") is not None:
        return RedirectResponse("/", 303)
    return web_of(request).render(request, "signin.html", error=None, typed="")


async def signin(request: Request) -> Response:
    from srs.accounts import MAX_NAME, verify_password
    from srs.web.app import web_of

    web = web_of(request)
    guard: Guard = request.app.state.guard
    form = await checked_form(request)
    name, password = form.get("name"), form.get("password")
    if not isinstance(name, str) or not isinstance(password, str):
        raise HTTPException(400, "a name and a password")
    name = name.strip()[:MAX_NAME + 1]
    store, now = web.store, web.clock()
    subjects = [f"user:{name}", f"addr:{guard.client_address(request.scope)}"]
    failed = store.failures_since(subjects, now - WINDOW)
    if failed[subjects[0]] >= LIMIT or failed[subjects[1]] >= ADDRESS_LIMIT:
        return web.render(request, "signin.html", 429, typed=name,
                          error=f"Too many failed sign-ins: try again in {WINDOW.seconds // 60} minutes.")
    account = store.user(name)
    ok = await run_in_threadpool(verify_password, password, account.password_hash if account else None)
    if not ok or account is None:
        store.add_failure(subjects, now, now - WINDOW)
        return web.render(request, "signin.html", 401, typed=name, error="Wrong name or password.")
    store.clear_failures(subjects[0])
    session_id = secrets.token_urlsafe(32)
    store.start_session(digest(session_id), account.name, now, now + timedelta(hours=SESSION_HOURS))
    response = RedirectResponse("/", 303)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                        secure=guard.https(request.scope), path="/")
    return response


async def signout(request: Request) -> Response:
    from srs.web.app import web_of

    await checked_form(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        web_of(request).store.end_session(digest(session_id))
    response = RedirectResponse("/signin", 303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def routes() -> list[Route]:
    return [Route("/signin", signin_page), Route("/signin", signin, methods=["POST"]),
            Route("/signout", signout, methods=["POST"])]


__all__ = ["ADDRESS_LIMIT", "LIMIT", "SESSION_COOKIE", "SESSION_HOURS", "WINDOW", "SignInMiddleware", "routes"]
