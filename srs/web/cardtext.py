"""A card's stored text as HTML for the web page: every character escaped, the media
placeholders (``[image: name]``, ``[sound: name]``, as srs/anki/html.py writes them) turned
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
from urllib.parse import quote

from markupsafe import Markup, escape

#: C0 controls (but tab and newline), DEL and C1 controls are shown as visible symbols
_CONTROLS = {c: chr(0x2400 + c) for c in range(32) if c not in (9, 10)}
_CONTROLS.update({0x7F: "\u2421", **{c: "\ufffd" for c in range(0x80, 0xA0)}})
_OPENERS = re.compile(r"\[image: |\[sound: |\\\(|\\\[|\[\$\$\]|\[\$\]|\[latex\]")
_CLOSERS = {"[image: ": "]", "[sound: ": "]", "\\(": "\\)", "\\[": "\\]", "[$$]": "[/$$]", "[$]": "[/$]",
            "[latex]": "[/latex]"}
_DISPLAY = {"\\[", "[$$]"}
MAX_NAME = 255  # a longer "name" is left as text


def media_url(deck_id: str, name: str) -> str:
    return f"/media/{quote(deck_id, safe='')}/{quote(name, safe='')}"


def _text(piece: str) -> str:
    return str(escape(piece.translate(_CONTROLS)))


def _media(kind: str, deck_id: str, name: str) -> str:
    url, label = escape(media_url(deck_id, name)), _text(name)
    if kind == "[image: ":
        return f'<img class="media" src="{url}" alt="{label}" loading="lazy">'
    return f'<audio class="media" controls preload="none" src="{url}" title="{label}"></audio>'


def _formula(opener: str, source: str) -> str:
    display = "true" if opener in _DISPLAY else "false"
    return f'<code class="tex" data-display="{display}">{_text(source)}</code>'


def card_html(text: str, deck_id: str) -> Markup:
    """``text`` (a card's question, choice, answer or note) as safe HTML."""
    out: list[str] = []
    missing: set[str] = set()  # openers whose closer is not in the rest of the text
    at = 0
    search = 0
    while True:
        m = _OPENERS.search(text, search)
        if m is None:
            break
        opener = m.group()
        start = m.end()
        if opener in ("[image: ", "[sound: "):  # a name: its "]" within MAX_NAME characters
            end = text.find("]", start, start + MAX_NAME + 1)
            name = text[start:end].strip() if end >= 0 else ""
            if not name or "\n" in name:
                search = start
                continue
            piece = _media(opener, deck_id, name)
        else:
            end = -1 if opener in missing else text.find(_CLOSERS[opener], start)
            if end < 0:
                missing.add(opener)
                search = start
                continue
            piece = _formula(opener, text[start:end])
        out.append(_text(text[at:m.start()]))
        out.append(piece)
        at = search = end + len(_CLOSERS[opener])
    out.append(_text(text[at:]))
    return Markup("".join(out))


__all__ = ["card_html", "media_url"]
