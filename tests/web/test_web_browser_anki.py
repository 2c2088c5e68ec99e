"""A card from an Anki package, as its author made it, in a real browser (headless Chromium,
as tests/web/test_web_browser.py): its formatting, its picture from the database, its
formulas typeset by the vendored KaTeX, within the page's Content-Security-Policy, at a
phone's and a desktop's size. README's screenshot of it is made with
``SCREENSHOTS_DIR=docs pytest tests/web/test_web_browser_anki.py``."""

from __future__ import annotations

import pytest

from srs.importer import import_paths
from srs.store import open_store
from srs.web.app import create_app
from srs.web.security import Guard
from tests.anki_helpers import add, new_collection, package
from tests.factories import T0, make_store
from tests.web.helpers import serving
from tests.web import test_web_browser
from tests.web.test_web_browser import (
    By,
    body,
    free_port,
    no_csp_errors,
    no_horizontal_scroll,
    png,
    press,
    shot,
    wait_for,
)

pytestmark = pytest.mark.slow
browser = test_web_browser.browser  # the fixture: Chromium at a phone's size and a desktop's

FRONT = ('<div style="font-family: Georgia, serif; color: #1f4e79"><b>Kinetic energy</b> of a body of mass '
         "<i>m</i> moving at speed <i>v</i>?</div>"
         '<img src="speed.png"><div><small>(SI units)</small></div>')
BACK = ("\\[E_k = \\frac{1}{2}\\, m v^2\\]"
        '<ul><li><span style="color: #c0392b"><b>E<sub>k</sub></b></span> in joules</li>'
        "<li><i>m</i> in kg, <i>v</i> in m/s</li></ul>"
        "<table><tr><th>v</th><th>E<sub>k</sub> (m = 2 kg)</th></tr>"
        "<tr><td>1 m/s</td><td>[$]1\\,\\mathrm{J}[/$]</td></tr><tr><td>3 m/s</td><td>[$]9\\,\\mathrm{J}[/$]</td></tr></table>")


@pytest.fixture
def anki_server(tmp_path):
    col = new_collection(tmp_path / "author.anki2")
    col.media.write_data("speed.png", png(280, 90))
    add(col, "Basic", "Physics", Front=FRONT, Back=BACK)
    add(col, "Basic", "Broken", Front="<b>Drawn:</b> [latex]\\begin{tikzpicture}\\draw (0,0) -- (1,1);"
        "\\end{tikzpicture}[/latex] and \\(x^2\\)", Back="-")
    made = package(col, tmp_path / "physics.apkg", scheduling=False)
    col.close()
    db = str(tmp_path / "browser.db")
    store = make_store(db)
    import_paths(store, [made], T0)
    store.close()
    port = free_port()
    app = create_app(lambda: open_store(db, "alice")[0], Guard("127.0.0.1", port), fuzz=False)
    with serving(app, port) as url:
        yield url


def test_an_anki_card_as_its_author_made_it(anki_server, browser):
    d = browser
    d.get(anki_server + "/review?deck=physics")
    wait_for(d, lambda: "Kinetic energy" in body(d), "the card")
    assert d.find_element(By.CSS_SELECTOR, ".question b").text == "Kinetic energy"
    color = d.execute_script("return getComputedStyle(document.querySelector('.question .anki-card > div')).color")
    assert color == "rgb(31, 78, 121)"  # the author's colour, through the sanitiser and the CSP
    # the note type's style sheet (Anki's Basic: ``.card { text-align: center; font-size: 20px … }``), loaded
    # as a style sheet of the server, applies to the card and to nothing of the page's
    wait_for(d, lambda: d.execute_script("return getComputedStyle(document.querySelector('.question .anki-card'))"
                                         ".textAlign") == "center", "the note type's style sheet")
    assert d.execute_script("return getComputedStyle(document.querySelector('.question .anki-card')).fontSize") == "20px"
    img = d.find_element(By.CSS_SELECTOR, ".question img")
    wait_for(d, lambda: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", img) == 280,
             "the picture from the database")
    press(d, "x")  # any key shows a basic card's answer
    wait_for(d, lambda: d.find_elements(By.CSS_SELECTOR, ".answer .katex-display"), "the display formula typeset")
    assert len(d.find_elements(By.CSS_SELECTOR, ".answer td .katex")) == 2  # [$]…[/$] too
    assert not d.find_elements(By.CSS_SELECTOR, "code.tex")  # nothing left as source
    assert "joules" in d.find_element(By.CSS_SELECTOR, ".answer li").text
    no_horizontal_scroll(d)
    # KaTeX's fonts load once the formulas are laid out: until then its glyphs are invisible
    wait_for(d, lambda: d.execute_script("return document.fonts.ready.then(() => document.fonts.status === 'loaded'"
                                         " && document.fonts.check('1em KaTeX_Main'))"), "KaTeX's fonts")
    shot(d, "anki")
    no_csp_errors(d)


def test_a_formula_katex_cannot_typeset_shows_its_source(anki_server, browser):
    d = browser
    d.get(anki_server + "/review?deck=broken")
    wait_for(d, lambda: d.find_elements(By.CSS_SELECTOR, ".question .katex"), "the formula KaTeX can typeset")
    failed = d.find_element(By.CSS_SELECTOR, ".question code.tex.tex-failed")
    assert failed.text.startswith("\\begin{tikzpicture}") and "\\draw (0,0) -- (1,1);" in failed.text
    no_horizontal_scroll(d)
    no_csp_errors(d)
