"""`srs serve` as a process: it prints its URL, serves the pages, stops on Ctrl-C; off
loopback the URL carries the token and nothing is served without it; bad options are one line."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.factories import deck, make_store

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "serve.db")
    make_store(path, deck("d", cards=3)).close()
    return path


def env(db: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("SRS_")}
    e.update(SRS_DB=db, SRS_LEARNER="alice", PYTHONUNBUFFERED="1")
    return e


def serve(db: str, *args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "srs", "serve", *args], env=env(db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.match(r"srs is serving at (\S+)", line)
    assert m, line + proc.stderr.read() if proc.poll() is not None else line
    return proc, m.group(1)


def get(url: str, opener=None) -> tuple[int, str]:
    opener = opener or urllib.request.build_opener()
    for _ in range(100):  # the URL is printed just before uvicorn binds
        try:
            with opener.open(url, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except urllib.error.URLError:
            import time

            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def stop(proc: subprocess.Popen) -> int:
    """Ctrl-C; the exit status (the pipes closed)."""
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert "Traceback" not in err, err
    return proc.returncode


def test_serve_on_loopback(db):
    port = free_port()
    proc, url = serve(db, "--port", str(port))
    try:
        assert url == f"http://127.0.0.1:{port}/"
        status, page = get(url)
        assert status == 200 and "Deck d" in page
        status, page = get(url + "review")
        assert status == 200 and "Question c000?" in page
    finally:
        assert stop(proc) == 0


def test_serve_off_loopback_needs_the_token(db):
    port = free_port()
    proc, url = serve(db, "--host", "0.0.0.0", "--port", str(port))
    try:
        token = re.search(r"\?token=([\w-]+)$", url).group(1)
        assert len(token) >= 24
        assert get(f"http://127.0.0.1:{port}/")[0] == 403
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        status, page = get(f"http://127.0.0.1:{port}/?token={token}", browser)  # redirected, the cookie set
        assert status == 200 and "Deck d" in page
        assert get(f"http://127.0.0.1:{port}/review", browser)[0] == 200
    finally:
        stop(proc)


@pytest.mark.parametrize("args,message", [(("--port", "70000"), "--port 70000: must be from 1 to 65535"),
                                          (("--host", "not a host!"), "cannot listen on")])
def test_bad_options_are_one_line(db, args, message):
    proc = subprocess.run([sys.executable, "-m", "srs", "serve", *args], env=env(db), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr


def test_a_port_in_use_is_one_line(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "srs", "serve", "--port", str(port)], env=env(db),
                              capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in proc.stderr


def test_the_phone_gets_a_qr_code_of_the_url(capsys):
    """Off loopback `srs serve` prints the URL as a QR code (qrcode is a dependency, not an
    option): rows of half-block characters only, one per two rows of modules, as wide as the
    code, and a longer URL (the token) gives a larger code."""
    import qrcode

    from srs.web.server import _print_qr

    url = "http://192.168.1.20:8765/?token=" + "x" * 32
    _print_qr(url)
    lines = capsys.readouterr().out.splitlines()
    assert set("".join(lines)) <= set("█▀▄ \u00a0")  # half blocks and (no-break) spaces
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    side = len(code.get_matrix())
    assert {len(line) for line in lines} == {side} and len(lines) == (side + 1) // 2
    _print_qr("http://10.0.0.1:8765/")
    assert len(capsys.readouterr().out.splitlines()) < len(lines)
