"""`srs serve` in a real browser: headless Chromium from Debian's packages (/usr/bin/chromium,
/usr/bin/chromedriver) driven by Selenium; nothing is downloaded. The server is uvicorn on a
free loopback port in a thread. At a phone's size (360×640) and a desktop's: review cards
with keys and taps, undo, the formulas typeset, no horizontal scrolling; a 3-question exam to
its report with a reload in the middle (the server's clock kept). The screenshots README shows
are made with ``SCREENSHOTS_DIR=docs pytest tests/web/test_web_browser.py``."""

from __future__ import annotations

import os
import shutil
import socket
import struct
import tempfile
import time
import zlib
from pathlib import Path

import pytest

from srs.deckfile import CardSpec, DeckSpec, ExamSettings
from srs.store import open_store
from tests.web.helpers import serving
from tests.factories import make_store

pytestmark = pytest.mark.slow

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
    pytest.skip("headless Chromium not installed: apt-get install -y chromium chromium-driver", allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402

#: where the screenshots go: README's are made with SCREENSHOTS_DIR=docs; by default a
#: temporary folder, so that a test run does not rewrite tracked files
SHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or tempfile.mkdtemp(prefix="srs-shots-"))
SIZES = {"phone": (360, 640), "desktop": (1280, 800)}


def png(width: int, height: int) -> bytes:
    """A small picture (a blue-to-green gradient) for a card."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in (40, 90 + 120 * x // width, 200 - 100 * y // height))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def demo_deck() -> DeckSpec:
    cards = (
        CardSpec("derivative", "What is the derivative of \\(x^2 + 3x\\)?", "B",
                 ("\\(x + 3\\)", "\\(2x + 3\\)", "\\(2x\\)", "\\(x^2\\)"),
                 "Power rule: \\(\\frac{d}{dx}x^n = n x^{n-1}\\).", "", ("calculus",)),
        CardSpec("organ", "Which organ is shown? [image: organ.png]", "C", ("Liver", "Lung", "Heart", "Kidney"),
                 "The four chambers give it away.", "", ("anatomy",)),
        CardSpec("capital", "Capital of Australia?", "A", ("Canberra", "Sydney", "Melbourne", "Perth"),
                 "", "", ("geography",)),
        CardSpec("euler", "Euler's identity", "[$$]e^{i\\pi} + 1 = 0[/$$]"),
    )
    return DeckSpec("demo", "Demo: maths, pictures, places", "", ExamSettings(None, 30, 0.7), cards, "demo.toml")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    from srs.web.app import create_app
    from srs.web.security import Guard

    db = str(tmp_path / "browser.db")
    store = make_store(db, demo_deck())
    store.save_media_file("demo", "organ.png", png(240, 120))
    store.close()
    port = free_port()
    app = create_app(lambda: open_store(db, "alice")[0], Guard("127.0.0.1", port), fuzz=False)
    with serving(app, port) as url:
        yield url, db


@pytest.fixture(params=list(SIZES))
def browser(request):
    from selenium.webdriver.chrome.service import Service

    size = request.param
    profile = tempfile.mkdtemp(prefix="srs-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--hide-scrollbars",
                 "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    width, height = SIZES[size]
    driver.set_window_rect(width=width, height=height)
    # the window's outer size includes no chrome in headless mode, but make the viewport exact
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    driver.set_window_rect(width=2 * width - inner[0], height=2 * height - inner[1])
    driver.size_name = size
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)  # a few MB a browser, in memory when TMPDIR is /dev/shm


def wait_for(driver, predicate, what: str, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited for {what}; the page shows: {body(driver)[:500]}")


def press(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def body(driver) -> str:
    """The page's text ("" while a new page is loading)."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script("return document.body ? document.body.innerText : ''")
    except WebDriverException:
        return ""


def no_horizontal_scroll(driver) -> None:
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), \
        driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")


def no_csp_errors(driver) -> None:
    errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def choice_button(driver, text: str):
    for button in driver.find_elements(By.CSS_SELECTOR, "button.choice"):
        if text in button.text:
            return button
    raise AssertionError(f"no choice {text!r}")


def shot(driver, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"web-{name}-{driver.size_name}.png"
    assert driver.save_screenshot(str(path)) and path.stat().st_size > 1000


def reviews(db: str) -> list[int]:
    store = open_store(db, "alice")[0]
    try:
        return [e.rating for _, e in store.review_log()]
    finally:
        store.close()


def test_review_with_keys_and_taps(server, browser):
    base, db = server
    d = browser
    d.get(base + "/review?deck=demo")
    wait_for(d, lambda: "derivative" in body(d), "the first card")
    # the formulas are typeset by the vendored KaTeX, not left as source
    wait_for(d, lambda: d.find_elements(By.CSS_SELECTOR, ".question .katex"), "KaTeX on the question")
    assert not d.find_elements(By.CSS_SELECTOR, "code.tex")
    no_horizontal_scroll(d)
    shot(d, "review")
    dark = lambda value: d.execute_cdp_cmd(  # noqa: E731
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": value}]})
    dark("dark")  # the system's dark mode: the page follows it
    assert d.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(21, 21, 23)"
    shot(d, "review-dark")
    dark("light")

    # a key: the right answer's letter
    letter = d.execute_script(
        "return [...document.querySelectorAll('button.choice')].find(b => b.querySelector('annotation')"
        " && b.querySelector('annotation').textContent.trim() === '2x + 3').getAttribute('data-keys')")
    press(d, letter)
    wait_for(d, lambda: "✓ Right" in body(d), "the verdict")
    assert reviews(db) == [3]  # recorded as Good at once
    press(d, "\ue007")  # Enter keeps Good
    wait_for(d, lambda: "Which organ" in body(d), "the second card")
    img = d.find_element(By.CSS_SELECTOR, "img.media")
    wait_for(d, lambda: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 240,
             "the picture from the database")
    no_horizontal_scroll(d)
    shot(d, "picture")

    # a tap on a wrong answer, then undo with u
    choice_button(d, "Lung").click()
    wait_for(d, lambda: "✗ Wrong" in body(d), "the wrong verdict")
    assert reviews(db) == [3, 1]
    press(d, "u")
    wait_for(d, lambda: "Undid the last answer" in body(d), "the undo")
    assert reviews(db) == [3]
    # a tap on the right one and a tap on Easy
    choice_button(d, "Heart").click()
    wait_for(d, lambda: "✓ Right" in body(d), "the verdict")
    d.find_element(By.CSS_SELECTOR, "button.rate.r4").click()
    wait_for(d, lambda: "Recorded Easy" in body(d), "Easy recorded")
    assert reviews(db) == [3, 4]

    # whichever comes next of the two left: answer it to reach the basic card
    for _ in range(3):
        if d.find_elements(By.CSS_SELECTOR, "details.reveal"):
            break
        choice_button(d, "Canberra").click()
        wait_for(d, lambda: "✓ Right" in body(d), "the verdict")
        press(d, "3")
        wait_for(d, lambda: "Capital of" not in body(d), "the next card")
    press(d, "x")  # any key reveals the answer, as in the terminal
    wait_for(d, lambda: d.find_element(By.CSS_SELECTOR, "details.reveal").get_attribute("open") is not None, "reveal")
    wait_for(d, lambda: d.find_elements(By.CSS_SELECTOR, ".answer .katex-display"), "the display formula")
    no_horizontal_scroll(d)
    shot(d, "answer")
    press(d, "1")
    wait_for(d, lambda: "Recorded Again" in body(d), "Again recorded")
    assert reviews(db)[-1] == 1 and len(reviews(db)) == 4
    no_csp_errors(d)
    for page, name in (("/", "decks"), ("/stats?deck=demo", "stats"), ("/readiness?deck=demo", "readiness")):
        d.get(base + page)
        wait_for(d, lambda: "Decks" in body(d), name)
        no_horizontal_scroll(d)
        shot(d, name)
    no_csp_errors(d)


def start_exam(d, base: str, questions: int, minutes: int | None = None, confidence: bool = False) -> None:
    """Fill in the exam page's form for the demo deck and start the mock."""
    d.get(base + "/exam?deck=demo")
    d.find_element(By.NAME, "questions").send_keys(str(questions))
    if minutes is not None:
        d.find_element(By.NAME, "minutes").send_keys(str(minutes))
    if confidence:
        d.find_element(By.NAME, "confidence").click()
    d.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()


def test_a_three_question_exam_with_a_reload(server, browser):
    base, db = server
    d = browser
    start_exam(d, base, questions=3, minutes=2)
    wait_for(d, lambda: "Question 1 of 3" in body(d), "the first question")
    timer = lambda: int(d.find_element(By.ID, "timer").get_attribute("data-remaining"))  # noqa: E731
    first = timer()
    assert 110 <= first <= 120
    no_horizontal_scroll(d)
    shot(d, "exam")
    asked = lambda: d.find_element(By.CSS_SELECTOR, ".question").text  # noqa: E731
    skipped = asked()
    press(d, "\ue007")  # Enter skips the first, as in the terminal
    wait_for(d, lambda: "Question 1 of 3" in body(d) and skipped not in body(d), "the next question")
    press(d, "a")
    wait_for(d, lambda: "Question 2 of 3" in body(d), "question 2")
    time.sleep(1.2)
    d.refresh()  # a reload: the server's clock goes on
    wait_for(d, lambda: "Question 2 of 3" in body(d), "question 2 again")
    assert timer() < first
    assert d.find_element(By.ID, "timer").text.endswith("left")
    d.find_elements(By.CSS_SELECTOR, "button.choice")[1].click()
    wait_for(d, lambda: "Question 3 of 3" in body(d), "question 3 (the skipped one)")
    press(d, "c")
    wait_for(d, lambda: "Attempt #1" in body(d), "the report")
    text = body(d)
    assert "of 3" in text and ("passed" in text or "failed" in text)
    no_horizontal_scroll(d)
    shot(d, "report")
    store = open_store(db, "alice")[0]
    try:
        attempts = store.attempts(None)
    finally:
        store.close()
    assert len(attempts) == 1 and attempts[0].questions == 3 and not attempts[0].timed_out
    no_csp_errors(d)


def test_an_exam_with_confidence_by_keys(server, browser):
    base, db = server
    d = browser
    start_exam(d, base, questions=2, confidence=True)
    for n in (1, 2):
        wait_for(d, lambda n=n: f"Question {n} of 2" in body(d), f"question {n}")
        press(d, "b")  # picks B
        assert d.find_element(By.CSS_SELECTOR, "input[type=radio][value=B]").is_selected()
        press(d, "3")  # fairly sure: sends it
        if n == 1:
            wait_for(d, lambda: "Question 2 of 2" in body(d), "question 2")
    wait_for(d, lambda: "Your calibration" in body(d), "the report with the calibration")
    no_horizontal_scroll(d)
    no_csp_errors(d)
    store = open_store(db, "alice")[0]
    try:
        [attempt] = store.attempts(None)
        _, answers = store.attempt(attempt.number)
    finally:
        store.close()
    assert [a.confidence for a in answers] == [3, 3]
