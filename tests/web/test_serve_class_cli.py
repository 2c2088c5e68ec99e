"""`srs serve` with accounts as a process: sign-in instead of the token, the warning off
loopback without a TLS proxy, several worker processes sharing sessions and CSRF secret."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest

from srs.accounts import hash_password
from tests.factories import T0, deck, make_store
from tests.web.test_serve_cli import free_port, get, serve

pytestmark = pytest.mark.slow


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "serve.db")
    store = make_store(path, deck("d", cards=3))
    store.add_user("alice", hash_password("alice-secret"), False, T0)
    store.close()
    return path


def _sign_in(port: int):
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    status, page = get(f"http://127.0.0.1:{port}/", browser)  # sent to the sign-in page
    assert status == 200 and 'name="password"' in page
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"csrf": csrf, "name": "alice", "password": "alice-secret"}).encode()
    with browser.open(f"http://127.0.0.1:{port}/signin", form, timeout=10) as r:
        assert r.status == 200 and "Sign out alice" in r.read().decode()
    return browser


def test_off_loopback_with_accounts_signs_in_and_warns(db):
    port = free_port()
    proc, url = serve(db, "--host", "0.0.0.0", "--port", str(port), "--workers", "2")
    try:
        assert "token" not in url
        browser = _sign_in(port)
        for _ in range(6):  # a new connection each: the workers share the session and the secret
            status, page = get(f"http://127.0.0.1:{port}/review", browser)
            assert status == 200 and "Question c000?" in page
    finally:
        proc.send_signal(2)
        _, err = proc.communicate(timeout=30)
    assert "passwords and answers would cross the network in clear" in err and "Traceback" not in err


def test_behind_a_proxy_no_warning(db):
    port = free_port()
    proc, _ = serve(db, "--host", "0.0.0.0", "--port", str(port), "--behind-proxy")
    try:
        _sign_in(port)
    finally:
        proc.send_signal(2)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "in clear" not in err and "Traceback" not in err
