"""A card's HTML as its Anki note's templates rendered it (kept at import, srs/store/card_html.py),
shown as its author made it — bold, colours, lists, tables, ruby, pictures, sound, formulas —
and never raw: through nh3 (the Rust ``ammonia`` sanitiser) with an allow-list.

- Kept: the formatting tags below, ``style`` limited to the text properties in STYLE
  (no ``url()``, no positioning), a few presentational attributes, the card's classes
  renamed ``x`` → ``anki-x`` (what its note type's style sheet, srs/web/card_style.py,
  styles; so it cannot dress up as the page's own buttons). Nothing else: no
  script, no event handler, no ``id``, no link target, no form, frame, object, ``meta``, ``base``,
  SVG or MathML; a ``<script>``'s or ``<style>``'s content goes with it.
- A picture's or a sound's ``src`` is a file of the card's deck, served from the database
  (``/media/DECK/NAME``, by the name srs/anki/media_names.py keeps it under), or a
  ``data:image/…`` URL; any other URL (another host, ``javascript:``, ``data:text/html``,
  an absolute path) is dropped. The page's Content-Security-Policy allows images and
  sound from this server only (and ``data:`` images), whatever got through.
- Before sanitising, Anki's ``[sound:NAME]`` becomes a player and each formula (``\\(…\\)``,
  ``\\[…\\]``, ``[$]…[/$]``, ``[$$]…[/$$]``, ``[latex]…[/latex]``) the element
  srs/web/static/app.js typesets with KaTeX (its source as text: tags inside dropped,
  entities read); what is built there goes through the sanitiser too.
"""

from __future__ import annotations

import functools
import re

import nh3
from markupsafe import Markup, escape

from srs.anki.html import unescape
from srs.anki.media_names import clean_media_name
from srs.anki.scan import strip_tags
from srs.web.cardtext import ANKI_SOUND, card_html, formula_tag, media_url, spans

TAGS = frozenset({
    "a", "abbr", "audio", "b", "big", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd",
    "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rb", "rp", "rt", "ruby", "s", "samp", "small",
    "span", "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
    "var", "wbr"})
#: removed with all they hold (the rest of a tag not allowed is dropped, its text kept)
DROPPED = frozenset({"script", "style", "template", "noscript", "title", "textarea", "select", "iframe", "object",
                     "noembed", "noframes", "xmp", "math", "svg"})
ATTRIBUTES = {
    "*": {"style", "title", "lang", "dir", "class"},
    "img": {"src", "alt", "width", "height"},
    "audio": {"src"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign"},
    "col": {"span"},
    "colgroup": {"span"},
    "table": {"border"},
    "p": {"align"},
    "div": {"align"},
}
#: the CSS properties a card's ``style`` keeps: how its text looks, not where it goes
STYLE = frozenset({"color", "background-color", "font-weight", "font-style", "font-size", "font-family",
                   "font-variant", "text-decoration", "text-decoration-line", "text-align", "vertical-align",
                   "text-transform", "line-height", "letter-spacing"})
_HTML_OPENERS = re.compile(r"\[sound:|\\\(|\\\[|\[\$\$\]|\[\$\]|\[latex\]")
_SCHEME = re.compile(r"^[\s\x00-\x1f]*[a-zA-Z][a-zA-Z0-9+.\-]*:")
#: the page's own classes that the elements built here (and Anki's cloze) keep, beside ``anki-…``
PAGE_CLASSES = {"img": {"media"}, "audio": {"media"}, "code": {"tex"}, "span": {"cloze"}}
_CLASS = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]{0,99}")
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|bmp|avif|svg\+xml)[;,]", re.I)


def class_name(name: str) -> str:
    """The class a card's ``name`` becomes on the page ("anki-" and it), or "" when it is no plain name."""
    return f"anki-{name}" if _CLASS.fullmatch(name) else ""


def _classes(tag: str, value: str) -> str | None:
    names = value.split()[:20]
    page = [n for n in names if n in PAGE_CLASSES.get(tag, ())]  # (Anki's cloze: also the card's ``.cloze``)
    kept = page + [c for n in names if n not in page or n == "cloze" if (c := class_name(n))]
    return " ".join(dict.fromkeys(kept)) or None


def _source(deck_id: str, tag: str, value: str) -> str | None:
    """What a picture's or a sound's ``src`` becomes: a file of the deck, a data image, or nothing."""
    if _SCHEME.match(value):
        return value if tag == "img" and _DATA_IMAGE.match(value.strip()) else None
    name = value.strip()
    if not name or name.startswith(("/", "\\")) or "\n" in name:
        return None
    return media_url(deck_id, clean_media_name(name))


@functools.lru_cache(maxsize=64)
def _cleaner(deck_id: str) -> nh3.Cleaner:
    def attribute(tag: str, name: str, value: str) -> str | None:
        if name == "class":
            return _classes(tag, value)
        return _source(deck_id, tag, value) if name == "src" else value

    return nh3.Cleaner(
        tags=set(TAGS), clean_content_tags=set(DROPPED), attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        attribute_filter=attribute, url_schemes={"data"}, link_rel=None, strip_comments=True,
        filter_style_properties=set(STYLE), generic_attribute_prefixes=set(),
        tag_attribute_values={"code": {"data-display": {"true", "false"}}, "img": {"loading": {"lazy"}},
                              "audio": {"controls": {""}, "preload": {"none"}}})


def _marked(html: str, deck_id: str) -> str:
    """``html`` with Anki's sound tags as players and formulas as KaTeX's elements."""
    if "[" not in html and "\\" not in html:
        return html
    out: list[str] = []
    at = 0
    for start, end, opener, inner in spans(html, _HTML_OPENERS):
        out.append(html[at:start])
        if opener == ANKI_SOUND:  # (its src, a name, becomes the file's URL in the sanitiser, as an <img>'s)
            out.append(f'<audio class="media" controls preload="none" src="{escape(unescape(inner))}"></audio>')
        else:
            source = unescape(strip_tags(inner, " ") if "<" in inner else inner).replace("\xa0", " ")
            out.append(formula_tag(opener, source))
        at = end
    out.append(html[at:])
    return "".join(out)


def sanitised(html: str, deck_id: str) -> Markup:
    """A card's HTML (from a package: a stranger's) as what the page may show."""
    return Markup(_cleaner(deck_id).clean(_marked(html, deck_id)))


def card_side(store, card, side: str) -> Markup:
    """A card's ``side`` ("question" or "answer") for the page: its kept HTML, sanitised, in
    a ``div.anki`` (laid out as HTML, not as lines of text) holding a ``div.anki-card`` (what
    Anki's ``.card`` is) and, when its note type has a style sheet, a link to it
    (srs/web/card_style.py), when it came from an Anki note's templates; else its text
    (srs/web/cardtext.py)."""
    from srs.web.card_style import card_style, style_digest

    kept = store.anki_html(card.key)
    if kept is None:
        return card_html(getattr(card, side), card.deck_id)
    link = Markup('<link rel="stylesheet" href="/card-style/{}/{}.css">').format(card.key, style_digest(kept[2])) \
        if card_style(kept[2]) else Markup("")
    return Markup('<div class="anki">') + link + Markup('<div class="anki-card">') \
        + sanitised(kept[0] if side == "question" else kept[1], card.deck_id) + Markup("</div></div>")


__all__ = ["ATTRIBUTES", "STYLE", "TAGS", "card_side", "class_name", "sanitised"]
