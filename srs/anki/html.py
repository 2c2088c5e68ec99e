"""Anki's HTML as terminal text (the standard library's ``html.parser``): entities decoded,
line breaks and lists kept, images and sounds named by their placeholders
(srs/anki/media_names.py), scripts and styles dropped, no tags left.

Field text is untrusted, so everything here takes time linear in it: ``html.parser`` rescans
to the end of the text for each tag that never closes (``"<a " * 8000`` took 10 s), so the
parser runs on a budget of such rescans and, past it, the same handlers get a simple
tokenizer's tags (`<` to the next `>`) instead."""

from __future__ import annotations

import re
from html import unescape as _html_unescape
from html.parser import HTMLParser

from srs.anki.media_names import IMAGE, SOUND, clean_media_name, placeholder
from srs.anki.scan import bracketed, pairs

_BLOCKS = frozenset({"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "ul", "ol", "table",
                     "pre", "section", "article", "header", "footer"})
_DROPPED = frozenset({"script", "style", "head", "title"})
#: a character reference beyond any code point (U+10FFFF has 7 digits): html.unescape turns
#: it into U+FFFD, but first calls int() on it, which refuses thousands of digits
_HUGE_CHARREF = re.compile(r"&#0*[1-9][0-9]{7,}")


def unescape(text: str) -> str:
    """``html.unescape``, for any text."""
    return _html_unescape(_HUGE_CHARREF.sub("&#1114112", text) if "&#" in text else text)


class _TooCostly(Exception):
    """The parser has rescanned more of the text than the budget allows."""


class _Text(HTMLParser):
    """Collects the text of a fragment, and the text of each list item apart."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.items: list[list[str]] = []
        self._in_item = False
        self._dropping = 0

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        if self._in_item and self.items:
            self.items[-1].append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag == "br":
            self._emit("\n")
        elif tag == "li":
            self.parts.append("\n• ")
            self.items.append([])
            self._in_item = True
        elif tag in _BLOCKS:
            if tag in ("ul", "ol"):
                self._in_item = False
            self._emit("\n")
        elif tag == "img":
            src = dict(attrs).get("src") or ""
            self._emit(placeholder(IMAGE, clean_media_name(src)))  # the name srs keeps the file under

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag == "li":
            self._in_item = False
        elif tag in _BLOCKS:
            if tag in ("ul", "ol"):
                self._in_item = False
            self._emit("\n")

    def handle_data(self, data: str) -> None:
        if not self._dropping:
            self._emit(data)


class _Budgeted(_Text):
    """``_Text`` that counts what it rescans: each construct that does not close (a `<a`
    with no `>`, a comment with no `-->`) was searched for to the end of the text."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self._left = budget

    def _spend(self, i: int, end: int) -> int:
        if end < 0:
            self._left -= len(self.rawdata) - i
            if self._left < 0:
                raise _TooCostly
        return end

    def parse_starttag(self, i: int) -> int:
        return self._spend(i, super().parse_starttag(i))

    def parse_endtag(self, i: int) -> int:
        return self._spend(i, super().parse_endtag(i))

    def parse_comment(self, i: int, report: bool = True) -> int:
        return self._spend(i, super().parse_comment(i, report))

    def parse_pi(self, i: int) -> int:
        return self._spend(i, super().parse_pi(i))

    def parse_html_declaration(self, i: int) -> int:
        return self._spend(i, super().parse_html_declaration(i))


_TAG_NAME = re.compile(r"(/?)([a-zA-Z][^\s/>]*)")
_SRC = re.compile(r"\bsrc\s*=\s*", re.I)


def _src(attributes: str) -> str:
    m = _SRC.search(attributes)
    if not m:
        return ""
    rest = attributes[m.end():]
    if rest[:1] in ("'", '"'):
        return unescape(rest[1:].partition(rest[0])[0])
    return unescape(rest.split()[0] if rest.strip() else "")


def _tokenized(value: str) -> _Text:
    """The handlers of ``_Text`` fed by a tokenizer linear by construction: a tag runs
    from `<` to the next `>`, the rest is text."""
    parser = _Text()
    pos = 0
    for start, end in pairs(value, "<", ">"):
        if pos < start:
            parser.handle_data(unescape(value[pos:start]))
        tag = _TAG_NAME.match(value, start + 1, end - 1)
        if tag and tag.group(1):
            parser.handle_endtag(tag.group(2).lower())
        elif tag:
            name = tag.group(2).lower()
            parser.handle_starttag(name, [("src", _src(value[tag.end():end - 1]))] if name == "img" else [])
        pos = end
    if pos < len(value):
        parser.handle_data(unescape(value[pos:]))
    return parser


def _parse(value: str) -> _Text:
    """The parser after reading ``value``. Past the last `>` no tag can close, and
    html.parser makes text of it all, rescanning it for each `<`: that text is handed over
    as text directly."""
    if "&#" in value:
        value = _HUGE_CHARREF.sub("&#1114112", value)
    last = value.rfind(">")
    parser = _Budgeted(8 * len(value) + 65_536)
    try:
        parser.feed(value[:last + 1])
        parser.close()
    except (_TooCostly, AssertionError):  # (AssertionError: html.parser's checks, e.g. on `<![x`)
        return _tokenized(value)
    if last + 1 < len(value):
        parser.handle_data(unescape(value[last + 1:]))
    return parser


_PLAIN = re.compile(r"[\n\r\t\xa0\[]|  ")


def _spaced_sounds(text: str) -> str:
    """Anki's ``[sound:x]`` as srs's placeholder ``[sound: x]``."""
    out, pos = [], 0
    for start, end, _, name in bracketed(text, ("[sound:",), empty=True):
        out += [text[pos:start], placeholder(SOUND, name)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _tidy(text: str) -> str:
    if not _PLAIN.search(text):  # one line, single spaces: nothing to tidy (most fields)
        return text.strip()
    if "[sound:" in text:
        text = _spaced_sounds(text)
    text = text.replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_PLAIN_TEXT = re.compile(r"[<&\n\r\t\xa0\[]|  ")  # markup, an entity, or what _tidy changes
#: a tag whose attributes hold no quote and no `<` (`<b>`, `</rt>`, `<span style=color:red>`):
#: what formatting and furigana's `<ruby>` give; html.parser ends such a tag at its `>`
_BARE_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[\t\n\r\f ][^<>\"']*)?>")
_STRAY_LT = re.compile(r"<(?![a-zA-Z/!?])")  # a `<` html.parser reads as text (`a < b`, `<<`)
#: the names a bare tag may have for _bare_text: those html.parser reads as plain tags (no
#: script, style or other raw-text element, no dropped element, no image)
_BARE_NAMES = _BLOCKS | {"br", "li", "b", "i", "u", "s", "em", "strong", "span", "font", "small", "big", "sub",
                         "sup", "code", "mark", "ruby", "rb", "rt", "rp", "a", "del", "ins", "center"}
_NEWLINE_TAGS = _BLOCKS | {"br", "li"}


def _bare_text(value: str) -> str | None:
    """``"".join(_parse(value).parts)`` for HTML whose only markup is bare tags of
    _BARE_NAMES (no entity; a `<` that opens no tag is text; attributes unquoted), or None for any other HTML:
    its text is what lies between the tags, and a tag is a line break, a list item's
    bullet or nothing. Formatting and furigana's `<ruby>` read so at C speed, without
    html.parser's calls per tag (a field of dense furigana took 6.5 s a MiB through it)."""
    if "&" in value:
        return None
    head = value[:value.rfind(">") + 1]  # (after the last `>` all is text, as in _parse)
    tags = _BARE_TAG.findall(head)
    if len(tags) + len(_STRAY_LT.findall(head)) != head.count("<"):  # some `<` opens something else
        return None
    names = {name.lower() for _, name in set(tags)}
    if not names <= _BARE_NAMES:
        return None
    if names.isdisjoint(_NEWLINE_TAGS):
        return _BARE_TAG.sub("", head) + value[len(head):]
    return _BARE_TAG.sub(_bare_tag, head) + value[len(head):]


def _bare_tag(m: re.Match[str]) -> str:
    name = m.group(2).lower()
    if name == "li":
        return "" if m.group(1) else "\n• "
    if name == "br":
        return "\n"
    return "\n" if name in _BLOCKS else ""


def to_text(value: str) -> str:
    """An Anki field as plain text."""
    if not _PLAIN_TEXT.search(value):  # one line of plain text (most fields of a big deck)
        return value.strip()
    if "<" not in value and "&" not in value:  # no markup: no parser
        return _tidy(value)
    bare = _bare_text(value)
    return _tidy(bare if bare is not None else "".join(_parse(value).parts))


_SIMPLE_LIST = re.compile(r"^\s*<ol[^<>]*>((?:<li>[^<]*</li>)*)</ol>\s*$")


def list_items(value: str) -> list[str]:
    """The items of the HTML lists in a field, as text (closing tags optional, as in HTML)."""
    simple = _SIMPLE_LIST.match(value)
    if simple:  # one list of plain items, as srs writes choices: no parser needed
        return [_tidy(unescape(item)) if _PLAIN_TEXT.search(item) else item.strip()
                for item in simple.group(1)[4:-5].split("</li><li>")] if simple.group(1) else []
    return [_tidy("".join(item)) for item in _parse(value).items]


__all__ = ["list_items", "to_text", "unescape"]
