"""Cards styled as their author made them: an Anki note type's style sheet is kept at import
(card_html.css) and served, sanitised by srs/web/card_style.py, as a style sheet of this
server, its rules scoped under the card's container; nothing in it can style the page,
load from elsewhere or break out. Built with Anki's own engine and imported as a learner would."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from srs.importer import import_paths
from srs.web.card_style import card_style
from tests.anki_helpers import add, new_collection, package
from tests.factories import T0, make_store
from tests.web.helpers import Client, client_for

REAL = ".card { font-family: arial; font-size: 20px; text-align: center; color: black; }\n" \
       ".big { font-size: 30px; color: #c01c28 }\n.nightMode .card { color: white }\n"
HOSTILE = (
    "@import url(https://evil.example/pwned1.css);\n"
    "@font-face { font-family: x; src: url(https://evil.example/pwned2.woff) }\n"
    "body, button, #timer, .button, html { position: fixed; top: 0; left: 0; z-index: 9999; color: red }\n"
    ".cover { position: fixed; position: absolute; top: 0; z-index: 99; width: expression(pwned3()); "
    "background: url(https://evil.example/pwned4.png); background-color: url(pwned5); -moz-binding: url(pwned6.xml); "
    "behavior: url(pwned7.htc); margin-top: -9000px; color: \\65xpression(pwned8) }\n"
    "a[href], a::before, :root, * + #timer { content: 'pwned9'; color: red }\n"
    "@media screen { .card { color: pwned10 } }\n"
    "+ div, ~ form, > b, .x ~, .y + { color: pwned12 }\n"
    ".wide { width: 5000px; margin: 3000px; padding: 80em; font-size: 900px; border: 900px solid red; color: teal }\n"
    ".end { color: navy }</style><script>pwned11()</script><style>\n"
)
RULE = re.compile(r"^(div\.anki (?![>+~])[^{}<>\\]+ \{ [^{}<>\\]* \}|@media \(prefers-color-scheme: (dark|light)\) \{|\})$")


def styled_db(tmp_path, css: str, legacy: bool = False):
    col = new_collection(tmp_path / "author.anki2")
    model = col.models.by_name("Basic")
    model["css"] = css
    col.models.update_dict(model)
    add(col, "Basic", "Styled", Front='<span class="big">Water</span> is?', Back="H<sub>2</sub>O")
    made = package(col, tmp_path / "styled.apkg", scheduling=False, legacy=legacy)
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [made], T0)
    return col, store, path


def sheet_of(tc, page: str):
    [href] = set(re.findall(r'<link rel="stylesheet" href="(/card-style/\d+/[0-9a-f]{16}\.css)">', page))  # (both sides)
    return href, tc.get(href)


def test_the_note_types_style_applies_under_the_cards_container(tmp_path):
    col, store, path = styled_db(tmp_path, REAL + HOSTILE)
    [card] = store.cards("styled")
    assert store.anki_html(card.key)[2] == REAL + HOSTILE  # kept as its author wrote it
    store.close()
    col.close()
    with client_for(path) as tc:
        response = tc.get("/review?deck=styled")
        page = response.text
        href, sheet = sheet_of(tc, page)
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("style-src-attr")[0]
    assert '<div class="anki"><link rel="stylesheet" href="' in page and '<div class="anki-card"><span class="anki-big">' \
        'Water</span> is?</div>' in page
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    css = sheet.text
    assert "div.anki .anki-card { font-family: arial; font-size: 20px; text-align: center; color: black }" in css
    assert "div.anki .anki-big { font-size: 30px; color: #c01c28 }" in css
    assert "@media (prefers-color-scheme: dark) {\ndiv.anki .anki-card { color: white }\n}" in css
    assert "div.anki .anki-wide { color: teal }" in css  # no length that would push the page away
    assert "div.anki .anki-end { color: navy }" in css  # the rule before the break-out, alone
    for line in css.splitlines():
        assert RULE.match(line), line
    for word in ("pwned", "evil", "url", "@import", "font-face", "expression", "position", "z-index", "binding",
                 "behavior", "body", "timer", "html", "<", "content", "-9000", "5000", "3000", "80em", "900"):
        assert word not in css, word
    # the card's own class "button" is its own (anki-button), never the page's buttons
    assert re.findall(r"[\w.-]*button[\w-]*", css) == [".anki-button"] * css.count("button")
    assert "div.anki .anki-button { color: red }" in css


def test_reimport_updates_the_style_and_its_name(tmp_path):
    col, store, path = styled_db(tmp_path, ".card { text-align: center }")
    with client_for(path) as tc:
        first, _ = sheet_of(tc, tc.get("/review?deck=styled").text)
    model = col.models.by_name("Basic")
    model["css"] = ".card { text-align: left }"
    col.models.update_dict(model)
    [result] = import_paths(store, [package(col, tmp_path / "again.apkg", scheduling=False)], T0)
    assert result.updated == 1
    store.close()
    col.close()
    with client_for(path) as tc:
        second, sheet = sheet_of(tc, tc.get("/review?deck=styled").text)
        old = tc.get(first)
    assert second != first and sheet.text == "div.anki .anki-card { text-align: left }\n"
    assert old.status_code == 404  # the old name serves nothing now


def test_a_style_sheet_is_kept_once_whatever_cards_share_it(tmp_path):
    from sqlalchemy import func, select

    from srs.store.models import card_styles

    col, store, _ = styled_db(tmp_path, ".card { color: navy }")
    for n in range(5):
        add(col, "Basic", "Styled", Front=f"<b>{n}</b>", Back="b")
    import_paths(store, [package(col, tmp_path / "more.apkg", scheduling=False)], T0)
    model = col.models.by_name("Basic")
    model["css"] = ".card { color: teal }"
    col.models.update_dict(model)
    import_paths(store, [package(col, tmp_path / "teal.apkg", scheduling=False)], T0)
    cards = store.cards("styled")
    assert len(cards) == 6 and {store.anki_html(c.key)[2] for c in cards} == {".card { color: teal }"}
    with store.engine.connect() as connection:  # one sheet, the old one gone with its last card
        assert connection.execute(select(func.count()).select_from(card_styles)).scalar() == 1
    store.close()
    col.close()


def test_a_legacy_package_carries_its_style_too(tmp_path):
    col, store, _ = styled_db(tmp_path, ".card { color: navy }", legacy=True)
    [card] = store.cards("styled")
    assert store.anki_html(card.key)[2] == ".card { color: navy }"
    store.close()
    col.close()


def test_no_style_sheet_no_link_and_unknown_ones_are_404(tmp_path):
    col, store, path = styled_db(tmp_path, "@import url(x.css); body { color: red }")
    store.close()
    col.close()
    with client_for(path) as tc:
        page = Client(tc).get("/review?deck=styled").text
        assert "<link rel=\"stylesheet\" href=\"/card-style" not in page and '<div class="anki-card">' in page
        assert tc.get("/card-style/1/0000000000000000.css").status_code == 404
        assert tc.get("/card-style/x/0000000000000000.css").status_code == 404


@given(st.lists(st.sampled_from([".card", "{", "}", ";", ":", "color", "red", "url(", ")", "body", " ", ">",
                                 "@import", "@media", "(prefers-color-scheme: dark)", "position", "fixed", "#x",
                                 ",", "</style>", "<script>", "\\", "'", '"', "expression(", "margin", "-5px",
                                 ".nightMode", "b", "*", "!important", "/*", "*/", "\n", "\x00"]),
                max_size=40).map("".join))
@settings(max_examples=300, deadline=None)
def test_whatever_the_css_every_rule_is_scoped_and_inert(css):
    for line in card_style(css).splitlines():
        assert RULE.match(line), line
        assert "url" not in line and "position" not in line and "expression" not in line
