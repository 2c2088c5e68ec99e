"""A card's stored text as HTML for the web page: every character escaped, the media
placeholders (``[image: name]``, ``[sound: name]``, srs/anki/media_names.py's grammar) turned
into ``<img>``/``<audio>`` tags pointing at this server's media endpoint, and formulas
(``\\(…\\)``, ``\\[…\\]``, ``[$]…[/$]``, ``[$$]…[/$$]``, ``[latex]…[/latex]``) kept as their source
in a ``<code class="tex">`` element that srs/web/static/app.js typesets with the vendored KaTeX.

Card text is untrusted: nothing from it becomes markup. The tags are built here from fixed
strings and escaped pieces; a media name only ever becomes one percent-encoded path segment
under /media/DECK/, so no card can load anything from elsewhere. One pass over the text,
each closing delimiter looked for at most once per kind after it was last missing: linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

from markupsafe import Markup, escape

from srs.anki.media_names import IMAGE, SOUND

ANKI_SOUND = "[sound:"  # Anki's own sound tag, in a card's HTML

#: C0 controls (but tab and newline), DEL and C1 controls are shown as visible symbols
_CONTROLS = {c: chr(0x2400 + c) for c in range(32) if c not in (9, 10)}
_CONTROLS.update({0x7F: "\u2421", **{c: "\ufffd" for c in range(0x80, 0xA0)}})
_TEXT_OPENERS = re.compile(r"\[image: |\[sound: |\\\(|\\\[|\[\$\$\]|\[\$\]|\[latex\]")
_CLOSERS = {IMAGE: "]", SOUND: "]", ANKI_SOUND: "]", "\\(": "\\)", "\\[": "\\]", "[$$]": "[/$$]", "[$]": "[/$]",
            "[latex]": "[/latex]"}
_NAMES = frozenset({IMAGE, SOUND, ANKI_SOUND})
_DISPLAY = {"\\[", "[$$]"}
MAX_NAME = 255  # a longer "name" is left as text


def spans(text: str, openers: re.Pattern[str]) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, opener, inner) of each media placeholder (its name: as the grammar of
    srs/anki/media_names.py reads it, within MAX_NAME characters) and formula (its source)
    in ``text``, left to right:
    one pass, each closing delimiter looked for at most once per kind after it was last
    missing (linear time)."""
    missing: set[str] = set()  # openers whose closer is not in the rest of the text
    search = 0
    while (m := openers.search(text, search)) is not None:
        opener, start = m.group(), m.end()
        if opener in _NAMES:
            end = text.find("]", start, start + MAX_NAME + 1)
            inner = text[start:end] if end >= 0 else ""
            if not inner or "\n" in inner:
                search = start
                continue
        else:
            end = -1 if opener in missing else text.find(_CLOSERS[opener], start)
            if end < 0:
                missing.add(opener)
                search = start
                continue
            inner = text[start:end]
        search = end + len(_CLOSERS[opener])
        yield m.start(), search, opener, inner


def media_url(deck_id: str, name: str) -> str:
    return f"/media/{quote(deck_id, safe='')}/{quote(name, safe='')}"


def _text(piece: str) -> str:
    return str(escape(piece.translate(_CONTROLS)))


def media_tag(opener: str, deck_id: str, name: str) -> str:
    """The element that shows or plays a deck's media file (by its name in the deck)."""
    url, label = escape(media_url(deck_id, name)), _text(name)
    if opener == IMAGE:
        return f'<img class="media" src="{url}" alt="{label}" loading="lazy">'
    return f'<audio class="media" controls preload="none" src="{url}" title="{label}"></audio>'


def formula_tag(opener: str, source: str) -> str:
    """A formula's source in the element srs/web/static/app.js typesets."""
    display = "true" if opener in _DISPLAY else "false"
    return f'<code class="tex" data-display="{display}">{_text(source)}</code>'


def card_html(text: str, deck_id: str) -> Markup:
    """``text`` (a card's question, choice, answer or note) as safe HTML."""
    out: list[str] = []
    at = 0
    for start, end, opener, inner in spans(text, _TEXT_OPENERS):
        out.append(_text(text[at:start]))
        out.append(media_tag(opener, deck_id, inner) if opener in _NAMES else formula_tag(opener, inner))
        at = end
    out.append(_text(text[at:]))
    return Markup("".join(out))


__all__ = ["card_html", "formula_tag", "media_tag", "media_url", "spans"]
