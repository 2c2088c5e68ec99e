"""Who may use the server and how: the access token (off loopback), the Host check (on
loopback, against DNS rebinding), the CSRF token on every form, the response headers.

- On a loopback address only requests naming it (127.0.0.1, localhost, [::1] with the port)
  are served: a page elsewhere that rebinds its own host name to 127.0.0.1 gets 400.
- Off loopback the printed URL carries ``?token=…`` (``secrets.token_urlsafe``); the server
  then keeps it in an HttpOnly, SameSite=Strict cookie and redirects to the URL without it.
  Without the token or the cookie every request is 403.
- Each browser gets a CSRF cookie ``nonce.signature`` (HMAC-SHA256 with the server's secret);
  every POST must carry the same value in its ``csrf`` form field, signed by this server
  (a value a cookie-injecting neighbour made up fails the signature), and a foreign
  ``Origin`` is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_COOKIE = "srs_token"
CSRF_COOKIE = "srs_csrf"
CSRF_FIELD = "csrf"
MAX_BODY = 64 * 1024  # bytes of a POSTed form (srs's forms send well under 1 KiB)
MAX_UPLOAD = 50 * 1024 * 1024  # bytes of a deck file or package a teacher uploads
#: the paths whose POST may be larger than a form: an upload
UPLOADS = {"/teacher/import": MAX_UPLOAD}
#: script and style sheets only from this server (static/), no inline script; the style
#: attributes of a card's sanitised HTML (srs/web/sanitise.py: text properties only); images
#: and sound from this server (and a card's data: images); no frames, no plugins
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; media-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # the token in the first URL never leaves the site (and
    # "no-referrer" would make the browser send "Origin: null" with every form)
    (b"x-frame-options", b"DENY"),
]


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass
class Guard:
    """The server's secrets and where it listens."""

    host: str
    port: int
    token: str | None = None          # required off loopback (when there are no accounts)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    accounts: bool = False            # sign-in with a user's name and password (srs/web/signin.py)
    behind_proxy: bool = False        # trust X-Forwarded-Proto and -For from the reverse proxy

    @classmethod
    def for_address(cls, host: str, port: int, accounts: bool = False, behind_proxy: bool = False) -> Guard:
        token = None if is_loopback(host) or accounts else secrets.token_urlsafe(24)
        return cls(host, port, token, accounts=accounts, behind_proxy=behind_proxy)

    def https(self, scope: Scope) -> bool:
        """The browser reached the server over TLS: uvicorn's own, or the proxy's (the
        proxy's header is believed only with --behind-proxy)."""
        if scope.get("scheme") == "https":
            return True
        if not self.behind_proxy:
            return False
        for key, value in scope.get("headers", []):
            if key == b"x-forwarded-proto":
                return value.decode("latin-1").split(",")[0].strip().lower() == "https"
        return False

    def client_address(self, scope: Scope) -> str:
        """The browser's address: the peer's, or behind the proxy the last one it added."""
        if self.behind_proxy:
            for key, value in scope.get("headers", []):
                if key == b"x-forwarded-for":
                    return value.decode("latin-1").split(",")[-1].strip()[:100]
        client = scope.get("client")
        return str(client[0]) if client else "?"

    def url(self, host: str | None = None) -> str:
        shown = host or self.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"http://{shown}:{self.port}/" + (f"?token={self.token}" if self.token else "")

    # ------------------------------------------------------------ CSRF
    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()

    def new_csrf(self) -> str:
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign(nonce)}"

    def csrf_valid(self, value: str | None) -> bool:
        if not value or value.count(".") != 1:
            return False
        nonce, sig = value.split(".")
        return hmac.compare_digest(sig, self._sign(nonce))

    def csrf_of(self, request: Request) -> str:
        """The browser's CSRF value (its cookie, or the one the middleware is setting)."""
        return request.scope["srs.csrf"]


async def checked_form(request: Request, files: int = 0) -> FormData:
    """The POSTed form, once its CSRF field matches the browser's signed cookie; else 403.
    ``files``: how many uploaded files it may carry (each at most MAX_UPLOAD bytes)."""
    guard: Guard = request.app.state.guard
    origin = request.headers.get("origin")
    if origin is not None and origin not in _own_origins(request):
        raise HTTPException(403, "refused: the form came from another site")
    try:
        form = await request.form(max_files=files, max_fields=50, max_part_size=64 * 1024)
    except Exception:  # noqa: BLE001 - a malformed body is the sender's error
        raise HTTPException(400, "unreadable form") from None
    sent = form.get(CSRF_FIELD)
    cookie = request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not cookie or not hmac.compare_digest(sent, cookie) or not guard.csrf_valid(sent):
        await form.close()  # an uploaded file's spooled copy
        raise HTTPException(403, "refused: the form's CSRF token is missing or stale — reload the page")
    return form


def _own_origins(request: Request) -> set[str]:
    host = request.headers.get("host", "")
    return {f"http://{host}", f"https://{host}"}


class GuardMiddleware:
    """Host check, token, CSRF cookie and security headers around the whole app."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a garbled cookie header counts as none
            cookie = SimpleCookie()
        cookies = {k: m.value for k, m in cookie.items()}
        guard = self.guard
        refusal = self._refusal(scope, headers, cookies)
        if refusal is None and scope["method"] == "POST":
            length = headers.get("content-length", "")
            most = UPLOADS.get(scope["path"], MAX_BODY)
            if not length.isdigit() or int(length) > most:
                refusal = (413, f"refused: a form is sent with its length, at most {most} bytes")
        if refusal is not None:
            await self._plain(refusal, scope, receive, send)
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        set_cookies: list[str] = []
        if guard.token is not None and "token" in query:  # first visit: the token to a cookie
            rest = urlencode([(k, v) for k, v in query.items() if k != "token"])
            path = "/" + scope.get("raw_path", scope["path"].encode()).decode("latin-1").lstrip("/")  # never "//host"
            response = RedirectResponse(path + (f"?{rest}" if rest else ""), 303)
            response.set_cookie(TOKEN_COOKIE, guard.token, httponly=True, samesite="strict", path="/")
            await self._send_with_headers(response, scope, receive, send, [])
            return
        csrf = cookies.get(CSRF_COOKIE)
        if not guard.csrf_valid(csrf):
            csrf = guard.new_csrf()
            secure = "; Secure" if guard.https(scope) else ""
            set_cookies.append(f"{CSRF_COOKIE}={csrf}; HttpOnly; SameSite=Strict; Path=/{secure}")
        scope["srs.csrf"] = csrf
        await self._send_with_headers(self.app, scope, receive, send, set_cookies)

    def _refusal(self, scope: Scope, headers: dict[str, str], cookies: dict[str, str]) -> tuple[int, str] | None:
        guard = self.guard
        host = headers.get("host", "")
        if guard.accounts and (not is_loopback(guard.host) or guard.behind_proxy):
            return None  # sign-in guards every page; on loopback the Host check stays (not behind a proxy)
        if guard.token is None:  # loopback: only requests that name the loopback address
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if not is_loopback(name):
                return 400, "refused: this server answers only to its loopback address"
            return None
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.get("token") or cookies.get(TOKEN_COOKIE) or ""
        if not hmac.compare_digest(given.encode(), guard.token.encode()):
            return 403, "refused: open the URL srs serve printed (it carries the access token)"
        return None

    async def _plain(self, refusal: tuple[int, str], scope: Scope, receive: Receive, send: Send) -> None:
        status, text = refusal
        await self._send_with_headers(PlainTextResponse(text, status), scope, receive, send, [])

    async def _send_with_headers(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send,
                                 cookies: list[str]) -> None:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(message.get("headers", []))
                present = {k.lower() for k, _ in extra}
                extra += [(k, v) for k, v in HEADERS if k not in present]
                if b"cache-control" not in present:  # pages change with every answer; static files do not
                    static = scope["path"].startswith("/static/")
                    extra.append((b"cache-control", b"max-age=3600" if static else b"no-store"))
                extra += [(b"set-cookie", c.encode()) for c in cookies]
                message = {**message, "headers": extra}
            await send(message)

        await app(scope, receive, wrapped)


__all__ = ["CSP", "CSRF_FIELD", "MAX_UPLOAD", "Guard", "GuardMiddleware", "checked_form", "is_loopback"]
