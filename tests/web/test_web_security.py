"""The web app's guard: hostile card text shown inert, media served only by name from the
database, CSRF on every form, the token off loopback, the Host check on it, short errors."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from srs.web.cardtext import card_html
from srs.web.security import Guard
from tests.factories import deck
from tests.web.helpers import PNG, Client, build, client_for, hostile_deck


@pytest.fixture
def db(tmp_path) -> str:
    return build(tmp_path, deck("d", cards=4), hostile_deck())


def inert(page: str) -> None:
    """No markup from a card: every tag in the page is one the templates write."""
    assert "<script>alert" not in page and "<svg" not in page
    assert not re.search(r"<[^>]*\son\w+\s*=", page), "an event handler attribute"
    assert 'href="javascript:' not in page and 'src="javascript:' not in page
    assert "\x1b" not in page
    for tag in re.findall(r"<\s*([a-zA-Z][\w-]*)", page):
        assert tag.lower() in {"html", "head", "meta", "title", "link", "script", "body", "nav", "a", "main", "header",
                               "span", "article", "div", "form", "input", "button", "p", "ol", "li", "details",
                               "summary", "img", "audio", "code", "strong", "section", "h1", "h2", "ul", "label",
                               "select", "option", "table", "tr", "td", "th"}, tag
    for src in re.findall(r'<script[^>]*src="([^"]*)"', page):
        assert src.startswith("/static/")
    assert len(re.findall(r"<script", page)) == len(re.findall(r'<script src="/static/', page))


def test_hostile_card_text_is_shown_as_text(db):
    with client_for(db) as tc:
        c = Client(tc)
        page = c.get("/review?deck=evil").text
        inert(page)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
        assert "onerror=&#34;alert(2)&#34;" in page
        assert "\u241b[31mred" in page  # ESC as a visible symbol
        assert '<img class="media" src="/media/evil/pic.png" alt="pic.png"' in page
        assert '<audio class="media" controls preload="none" src="/media/evil/say.mp3"' in page
        assert '<code class="tex" data-display="false">x^2</code>' in page
        # an "image" named like a script URL becomes a path under /media, which has no such file
        assert 'src="/media/evil/javascript%3Aalert%285%29"' in page
        decks = c.get("/").text
        inert(decks)
        assert "Evil &lt;b&gt;deck&lt;/b&gt;" in decks


PIECES = list("<>&\"'`=/ \\()[]$:!\x1b\x00\n") + ["[image: ", "[sound: ", "\\(", "\\)", "[latex]", "[/latex]", "[$]"]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_card_html_never_makes_markup_from_text(text):
    html = card_html(text, 'd"<x>')
    assert isinstance(html, Markup)
    stripped = re.sub(r'<img class="media" src="/media/[^"<>]*" alt="[^"<>]*" loading="lazy">', "", str(html))
    stripped = re.sub(r'<audio class="media" controls preload="none" src="/media/[^"<>]*" title="[^"<>]*"></audio>',
                      "", stripped)
    stripped = re.sub(r'<code class="tex" data-display="(true|false)">[^<>]*</code>', "", stripped)
    assert "<" not in stripped and ">" not in stripped and "\x00" not in stripped


def test_card_html_is_linear_on_unclosed_delimiters():
    text = "[$]" * 20000 + "\\(" * 20000 + "[image: " * 20000
    assert str(card_html(text, "d")).count("<") == 0  # nothing closed: all text (and it returns)


def test_media_served_with_its_type_and_nosniff(db):
    with client_for(db) as tc:
        r = tc.get("/media/evil/pic.png")
        assert r.status_code == 200 and r.content == PNG
        assert r.headers["content-type"] == "image/png"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in r.headers["content-security-policy"]
        assert tc.get("/media/evil/say.mp3").headers["content-type"] == "audio/mpeg"
        # a name written percent-encoded in the card (as an Anki field's src may be) finds the file
        assert tc.get("/media/evil/my%2520pic.png").content == PNG
        assert tc.get("/media/evil/my%20pic.png").content == PNG
        assert tc.get("/media/evil/..%252Fpic.png").status_code == 404
        svg = tc.get("/media/evil/draw.svg")  # an image, but sandboxed: its script cannot run as this site
        assert svg.headers["content-type"] == "image/svg+xml" and "sandbox" in svg.headers["content-security-policy"]
        html = tc.get("/media/evil/page.html")  # not a picture or sound: a download, never a page
        assert html.headers["content-type"] == "application/octet-stream"
        assert html.headers["content-disposition"] == "attachment"


@pytest.mark.parametrize("url", ["/media/evil/..%2F..%2Fetc%2Fpasswd", "/media/evil/../../etc/passwd",
                                 "/media/evil/%2e%2e", "/media/evil/nope.png", "/media/d/pic.png",
                                 "/media/nope/pic.png", "/media/evil/pic.png%00", "/media/evil/" + "a" * 300,
                                 "/media/evil/..%5Cpic.png"])
def test_media_traversal_and_unknown_names_are_404(db, url):
    with client_for(db) as tc:
        r = tc.get(url)
        assert r.status_code == 404 and r.content != PNG


def test_every_page_has_the_security_headers(db):
    with client_for(db) as tc:
        for url in ("/", "/review", "/exam", "/results", "/static/app.js", "/nope"):
            r = tc.get(url)
            csp = r.headers["content-security-policy"]
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
            # inline: only the style attributes of a card's sanitised HTML (srs/web/sanitise.py), never script
            assert [k for k, v in directives.items() if "unsafe-inline" in v] == ["style-src-attr"]
            assert r.headers["x-content-type-options"] == "nosniff"
            assert r.headers["referrer-policy"] == "same-origin"
            assert r.headers["cache-control"] == ("max-age=3600" if url.startswith("/static/") else "no-store")


@pytest.mark.parametrize("url,data", [("/review/undo", {}), ("/review/choose", {"choice": "A"}),
                                      ("/review/rate", {"rating": "3"}), ("/review/bury", {}),
                                      ("/review/suspend", {}), ("/review/next", {}),
                                      ("/exam", {"deck": "d"})])
def test_a_post_without_the_csrf_token_is_refused(db, url, data):
    with client_for(db) as tc:
        c = Client(tc)
        key = c.card_key(c.get("/review?deck=d").text)
        good = c.csrf()
        forged = Guard("127.0.0.1", 8765).new_csrf()  # signed by another server's secret
        for sent, cookie in ((None, good), ("", good), ("x.y", good), (forged, good), (forged, forged)):
            tc.cookies.set("srs_csrf", cookie)
            form = {"card": key, **data, **({"csrf": sent} if sent is not None else {})}
            r = tc.post(url, data=form, follow_redirects=False)
            assert r.status_code == 403, (sent, r.text)
        tc.cookies.set("srs_csrf", good)
        r = tc.post(url, data={"card": key, **data, "csrf": good}, headers={"origin": "http://evil.example"},
                    follow_redirects=False)
        assert r.status_code == 403 and "another site" in r.text


def test_off_loopback_the_token_is_required_then_kept_in_a_cookie(db):
    with client_for(db, host="192.168.1.5", token="s3cret-token") as tc:
        assert tc.get("/").status_code == 403
        assert tc.get("/media/evil/pic.png").status_code == 403
        assert tc.get("/?token=wrong").status_code == 403
        r = tc.get("/review?deck=d&token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/review?deck=d"  # the token leaves the URL
        cookie = r.headers["set-cookie"]
        assert "srs_token=s3cret-token" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert tc.get("/").status_code == 200  # the cookie carries it from now on
        tc.cookies.clear()
        assert tc.get("/").status_code == 403


def test_a_guard_off_loopback_makes_a_token():
    assert Guard.for_address("127.0.0.1", 1).token is None
    assert Guard.for_address("::1", 1).token is None
    far = Guard.for_address("0.0.0.0", 8765)
    assert far.token and len(far.token) >= 24 and far.url("10.0.0.2") == f"http://10.0.0.2:8765/?token={far.token}"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "192.168.1.5:8765"])
def test_on_loopback_a_foreign_host_header_is_refused(db, host):
    """A page elsewhere that rebinds its own name to 127.0.0.1 cannot read or post."""
    with client_for(db) as tc:
        r = tc.get("/", headers={"host": host})
        assert r.status_code == 400
        assert tc.get("/", headers={"host": "localhost:8765"}).status_code == 200


def test_unknown_pages_and_bad_input_are_short_4xx(db):
    with client_for(db) as tc:
        c = Client(tc)
        for url in ("/nope", "/results/999", "/results/abc", "/exam/nosuchexam", "/static/../app.py"):
            r = c.get(url)
            assert r.status_code == 404, url
            assert "Traceback" not in r.text and len(r.text) < 300
        r = tc.post("/review/undo", content=b"\xff\xfe garbage", headers={"content-type": "multipart/form-data"})
        assert 400 <= r.status_code < 500 and "Traceback" not in r.text
        assert c.post("/exam/nosuchexam/skip", {"question": "0"}).status_code == 404
        r = c.get("/readiness?deck=" + "x" * 5000)
        assert r.status_code == 404 and len(r.text) < 400
        r = c.post("/exam", {"deck": "d", "questions": "9" * 5000})
        assert r.status_code == 400 and len(r.text) < 400
        r = tc.get("/", headers={"cookie": 'srs_csrf="\\x; ;;=="'})
        assert r.status_code == 200


def test_a_server_error_is_one_line(db):
    from starlette.testclient import TestClient

    class Broken:
        def close(self) -> None:
            pass

        def __getattr__(self, name):
            raise RuntimeError("boom at /secret/path")

    with client_for(db) as tc:
        app = tc.app
    app.state.web._store = Broken()
    with TestClient(app, base_url="http://127.0.0.1:8765", raise_server_exceptions=False) as tc:
        r = tc.get("/")
        assert r.status_code == 500 and "boom" not in r.text and "secret" not in r.text and len(r.text) < 100


def test_an_oversized_or_unmeasured_post_is_refused(db):
    with client_for(db) as tc:
        c = Client(tc)
        c.get("/review?deck=d")
        r = tc.post("/review/undo", data={"csrf": c.csrf(), "pad": "x" * 70_000}, follow_redirects=False)
        assert r.status_code == 413

        def chunks():
            yield b"csrf=" + c.csrf().encode()

        r = tc.post("/review/undo", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"},
                    follow_redirects=False)
        assert r.status_code == 413  # no length given


def test_the_token_redirect_stays_on_this_server(db):
    with client_for(db, host="192.168.1.5", token="tok") as tc:
        r = tc.get("http://192.168.1.5:8765//evil.example/x?token=tok", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/evil.example/x"
