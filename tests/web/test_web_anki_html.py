"""Cards as their author made them: an Anki package's cards keep the HTML their templates
render (srs/anki/apkg_read.py, kept by srs/merge.py in the card_html table), and the review
page shows it through the allow-list sanitiser (srs/web/sanitise.py): formatting, pictures
from the database, formulas for KaTeX; nothing a card holds runs, loads from elsewhere or
posts anywhere. Built with Anki's own engine and imported as a learner would."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srs.importer import import_paths
from srs.web.sanitise import sanitised
from tests.anki_helpers import add, new_collection, package, real_package
from tests.factories import T0, make_store
from tests.web.helpers import PNG, Client, client_for

#: each attack carries a marker that must not reach the page: it sits in a script, an
#: attribute or a URL, never in text a card shows
ATTACKS = {
    "script": "<script>window.pwned1 = 1</script>",
    "onerror": '<img src="pic.png" onerror="pwned2()">',
    "javascript": '<a href="javascript:pwned3()">a link</a>',
    "data html": '<iframe src="data:text/html,pwned4"></iframe><img src="data:text/html;base64,pwned5">',
    "svg script": '<svg onload="pwned6()"><script>pwned7()</script><circle r="4"/></svg>',
    "style url": '<div style="color: red; background-image: url(https://evil.example/pwned8)">red</div>'
                 "<style>body { background: url(https://evil.example/pwned9) }</style>",
    "iframe": '<iframe src="https://evil.example/pwned10"></iframe>',
    "form": '<form action="https://evil.example/pwned11" method="post"><input name="pwned12"><button>go</button></form>',
    "meta refresh": '<meta http-equiv="refresh" content="0; url=https://evil.example/pwned13">',
    "external img": '<img src="https://evil.example/pwned14.png"><img src="//evil.example/pwned15.png">',
    "object": '<object data="https://evil.example/pwned16"></object><embed src="pwned17.swf">'
              '<link rel="stylesheet" href="https://evil.example/pwned18.css"><base href="https://evil.example/pwned19/">',
    "page classes": '<span id="timer" class="button danger" data-keys="1" tabindex="1">fake</span>',
    "old attributes": '<table background="https://evil.example/pwned20.png"><tr><td background="pwned21.png">t</td>'
                      '</tr></table><img src="&#106;avascript:pwned22()"><img src="x.png" srcset="https://evil.example/pwned23">',
}
PAGE_TAGS = {"html", "head", "meta", "title", "link", "script", "body", "nav", "a", "main", "header", "span",
             "article", "div", "form", "input", "button", "p", "ol", "li", "details", "summary", "section"}
CARD_TAGS = {"b", "i", "u", "img", "code", "audio", "br", "ul", "table", "tbody", "tr", "td", "font", "sub", "sup"}


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def assert_inert(page: str) -> None:
    """Nothing of a card's HTML can run, load from elsewhere or post: every script is srs's
    own file, no event handler, every picture and sound from this server's /media/, every
    form srs's own, and no attack's marker anywhere."""
    assert not re.search(r"pwned\d", page), re.search(r".{80}pwned\d+.{40}", page, re.S)
    assert "evil.example" not in page
    for tag, attrs in tags_of(page):
        assert tag in PAGE_TAGS | CARD_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
        if tag in ("img", "audio") and "src" in attrs:
            assert attrs["src"].startswith("/media/"), attrs
        if tag == "form":
            assert attrs.get("action", "").startswith(("/review", "/signout")), attrs
        if tag in ("a", "link"):
            assert (attrs.get("href") or "/").startswith("/"), attrs


@pytest.fixture
def anki_db(tmp_path) -> str:
    """A learner's database with one Anki deck imported: a note per attack, and a note as
    an author formats one (bold, a list, a table, a colour, a picture, a formula, a sound)."""
    col = new_collection(tmp_path / "author.anki2")
    col.media.write_data("pic.png", PNG)
    col.media.write_data("say.mp3", b"ID3 not really")
    add(col, "Basic", "Made", Front='<b>Bold</b> <i>and</i> <font color="#0000ff">blue</font>: '
        '<img src="pic.png"> what is \\(\\frac{a}{b}\\)?',
        Back="<ul><li>one</li><li>two</li></ul><table><tr><td>H<sub>2</sub>O</td></tr></table>"
             "[$$]e^{i\\pi} + 1 = 0[/$$] [sound:say.mp3]")
    for name, attack in ATTACKS.items():
        add(col, "Basic", "Hostile", Front=f"{name}: {attack}", Back=f"answer {attack}")
    made = package(col, tmp_path / "made.apkg", scheduling=False)
    col.close()
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [made], T0)
    store.close()
    return path


def review_pages(client: Client, deck: str, n: int) -> list[str]:
    """The review page of each of ``deck``'s first ``n`` cards (rated Good to go on)."""
    pages = []
    for _ in range(n):
        page = client.get(f"/review?deck={deck}").text
        pages.append(page)
        key = client.card_key(page)
        assert client.post("/review/rate", {"card": key, "rating": "3", "deck": deck}).status_code == 303
    return pages


def test_an_authors_formatting_is_shown(anki_db):
    with client_for(anki_db) as tc:
        page = Client(tc).get("/review?deck=made").text
    assert_inert(page)
    question = page[page.index('class="text question"'):page.index('class="text answer"')]
    assert "<b>Bold</b> <i>and</i>" in question and '<font color="#0000ff">blue</font>' in question
    assert '<img src="/media/made/pic.png">' in question
    assert '<code class="tex" data-display="false">\\frac{a}{b}</code>' in question
    answer = page[page.index('class="text answer"'):]
    assert "<ul><li>one</li><li>two</li></ul>" in answer and "H<sub>2</sub>O" in answer
    assert '<code class="tex" data-display="true">e^{i\\pi} + 1 = 0</code>' in answer
    assert '<audio class="media" controls="" preload="none" src="/media/made/say.mp3"></audio>' in answer


def test_hostile_card_html_is_shown_inert(anki_db):
    with client_for(anki_db) as tc:
        client = Client(tc)
        pages = review_pages(client, "hostile", len(ATTACKS))
        picture = tc.get("/media/hostile/pic.png")
    shown = set()
    for page in pages:
        assert_inert(page)
        shown.add(re.search(r'class="text question"><div class="anki">(?:<link [^>]+>)?<div class="anki-card">([^:<]+):', page).group(1))
    assert shown == set(ATTACKS)  # every attack's card was on screen
    assert picture.status_code == 200 and picture.content == PNG and picture.headers["content-type"] == "image/png"
    joined = "".join(pages)
    assert 'style="color:red"' in joined  # a colour kept, its url() not
    assert "a link" in joined and "fake" in joined  # the text of what was dropped stays, as text
    # no id, class or data-keys of the card's: it cannot pose as the page's timer, buttons or keys
    assert 'id="timer"' not in joined and "tabindex" not in joined and 'class="button danger"' not in joined
    assert joined.count('data-keys="1"') == len(pages)  # the rating button "1 Again" of each page, no more


@given(st.lists(st.sampled_from(["<", ">", "img", "script", "svg", " src=", " onerror=", "x", '"', "'", "=",
                                 "javascript:", "data:", "//evil.example/", "/", "[sound:", "]", "\\(", "\\)",
                                 "style=", "url(", "<a href=", "&#106;", "&lt;", "\n", "\x00"]),
                max_size=30).map("".join))
@settings(max_examples=300, deadline=None)
def test_the_sanitiser_lets_nothing_run_or_load(html):
    out = str(sanitised(html, "d"))
    for tag, attrs in tags_of(out):
        assert tag in CARD_TAGS | {"a", "span", "div", "p"}, tag
        assert not any(name.startswith("on") for name in attrs)
        for name in ("src", "href"):
            if attrs.get(name) is not None:
                assert attrs[name].startswith("/media/d/"), attrs
    assert "<script" not in out and "<svg" not in out


def test_reimport_keeps_progress_and_updates_the_html(tmp_path):
    col = new_collection(tmp_path / "author.anki2")
    add(col, "Basic", "Chem", Front="<b>Water</b> is?", Back="H<sub>2</sub>O")
    first = package(col, tmp_path / "first.apkg", scheduling=False)
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [first], T0)
    [card] = store.cards("chem")
    with client_for(path) as tc:
        client = Client(tc)
        page = client.get("/review?deck=chem").text
        assert "<b>Water</b> is?" in page
        client.post("/review/rate", {"card": client.card_key(page), "rating": "3", "deck": "chem"})
    note = col.get_note(col.find_notes("")[0])
    note["Front"] = "<i>Water</i> is?"
    col.update_note(note)
    second = package(col, tmp_path / "second.apkg", scheduling=False)
    [result] = import_paths(store, [second], T0)
    assert (result.updated, result.added) == (1, 0)
    [again] = store.cards("chem")
    assert again.key == card.key and again.memory.reps == 1  # the same card, its review kept
    assert store.anki_html(card.key)[:2] == ("<i>Water</i> is?", "H<sub>2</sub>O")
    note["Front"], note["Back"] = "Water is?", "H2O"  # plain text now: nothing more than its text to keep
    col.update_note(note)
    import_paths(store, [package(col, tmp_path / "third.apkg", scheduling=False)], T0)
    assert store.anki_html(card.key) is None and store.cards("chem")[0].answer == "H2O"
    col.close()
    store.close()


def test_a_real_package_shows_its_pictures(tmp_path):
    """changwenwu_backup.apkg (a real collection people shared): the first card of its
    "Effective OC 2.0" deck is a picture."""
    path = str(tmp_path / "web.db")
    store = make_store(path)
    results = import_paths(store, [real_package("changwenwu_backup.apkg")], T0)
    assert sum(r.added for r in results) == 63
    store.close()
    with client_for(path) as tc:
        page = Client(tc).get("/review?deck=effective-oc-2-0").text
        assert_inert(page)
        [src] = re.findall(r'<div class="text question"><div class="anki">(?:<link [^>]+>)?<div class="anki-card"><img src="(/media/effective-oc-2-0/[^"]+\.jpg)">', page)
        picture = tc.get(src)
        again = tc.get(src, headers={"if-none-match": picture.headers["etag"]})
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.content[:3] == b"\xff\xd8\xff"  # a JPEG's first bytes
    # served by its content's hash: asked again with it, 304 and no body
    assert picture.headers["etag"] == f'"{hashlib.sha256(picture.content).hexdigest()}"'
    assert again.status_code == 304 and again.content == b""


def test_a_text_file_leaves_the_html_unless_it_changes_the_card(tmp_path):
    """srs's CSV names the card: the same text leaves the kept HTML; another text drops it
    (it would show the old card), and the card shows its new text."""
    col = new_collection(tmp_path / "author.anki2")
    add(col, "Basic", "Chem", Front="<b>Water</b> is?", Back="H<sub>2</sub>O")
    made = package(col, tmp_path / "chem.apkg", scheduling=False)
    col.close()
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [made], T0)
    [card] = store.cards("chem")
    row = "question,answer,explanation,tags,feedback,deck,id\n{},{},,,,chem,{}\n"
    same, changed = tmp_path / "same.csv", tmp_path / "changed.csv"
    same.write_text(row.format(card.question, card.answer, card.card_id))
    changed.write_text(row.format(card.question, "water", card.card_id))
    import_paths(store, [same], T0)
    assert store.anki_html(card.key)[:2] == ("<b>Water</b> is?", "H<sub>2</sub>O")
    [result] = import_paths(store, [changed], T0)
    assert result.updated == 1 and store.anki_html(card.key) is None
    store.close()
    with client_for(path) as tc:
        page = Client(tc).get("/review?deck=chem").text
    assert '<div class="text answer">water</div>' in page


def test_a_deck_file_that_changes_a_card_drops_its_html(tmp_path):
    """A TOML deck names the card by id: the same text keeps the HTML the package gave it;
    an edited question drops it, so the page shows the edit, not the package's old card."""
    col = new_collection(tmp_path / "author.anki2")
    add(col, "Basic", "Chem", Front="<b>Water</b> is?", Back="H<sub>2</sub>O")
    made = package(col, tmp_path / "chem.apkg", scheduling=False)
    col.close()
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [made], T0)
    [card] = store.cards("chem")
    deck = '[deck]\nid = "chem"\nname = "Chem"\n\n[[card]]\nid = "{}"\nquestion = "{}"\nanswer = "{}"\n'
    same, edited = tmp_path / "same.toml", tmp_path / "edited.toml"
    same.write_text(deck.format(card.card_id, card.question, card.answer))
    edited.write_text(deck.format(card.card_id, "What is water made of?", card.answer))
    import_paths(store, [same], T0)
    assert store.anki_html(card.key)[:2] == ("<b>Water</b> is?", "H<sub>2</sub>O")
    [result] = import_paths(store, [edited], T0)
    assert result.updated == 1 and store.anki_html(card.key) is None
    store.close()
    with client_for(path) as tc:
        page = Client(tc).get("/review?deck=chem").text
    assert "What is water made of?" in page and "<b>Water</b>" not in page


def test_a_cloze_deletion_is_marked_as_anki_marks_it(tmp_path):
    col = new_collection(tmp_path / "author.anki2")
    add(col, "Cloze", "Geo", Text="The capital of <b>France</b> is {{c1::Paris}}.")
    made = package(col, tmp_path / "geo.apkg", scheduling=False)
    col.close()
    path = str(tmp_path / "web.db")
    store = make_store(path)
    import_paths(store, [made], T0)
    [card] = store.cards("geo")
    assert (card.question, card.answer) == ("The capital of France is [...].", "The capital of France is [Paris].")
    store.close()
    with client_for(path) as tc:
        page = Client(tc).get("/review?deck=geo").text
    assert 'of <b>France</b> is <span class="cloze anki-cloze">[...]</span>.' in page
    assert 'is <span class="cloze anki-cloze">[Paris]</span>.' in page
