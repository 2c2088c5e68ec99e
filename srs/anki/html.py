"""Anki's HTML as terminal text (the standard library's ``html.parser``): entities decoded,
line breaks and lists kept, images and sounds named, scripts and styles dropped, no tags
left; and cloze deletions."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from srs.anki.media_names import clean_media_name

_BLOCKS = frozenset({"div", "p", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "ul", "ol", "table",
                     "pre", "section", "article", "header", "footer"})
_DROPPED = frozenset({"script", "style", "head", "title"})


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
            self._emit(f"[image: {clean_media_name(src)}]")  # the name srs keeps the file under

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


def _parse(value: str) -> _Text:
    parser = _Text()
    parser.feed(value)
    parser.close()
    return parser


_PLAIN = re.compile(r"[\n\r\t\xa0\[]|  ")


def _tidy(text: str) -> str:
    if not _PLAIN.search(text):  # one line, single spaces: nothing to tidy (most fields)
        return text.strip()
    text = re.sub(r"\[sound:([^\]]*)\]", r"[sound: \1]", text).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_PLAIN_TEXT = re.compile(r"[<&\n\r\t\xa0\[]|  ")  # markup, an entity, or what _tidy changes


def to_text(value: str) -> str:
    """An Anki field as plain text."""
    if not _PLAIN_TEXT.search(value):  # one line of plain text (most fields of a big deck)
        return value.strip()
    if "<" not in value and "&" not in value:  # no markup: no parser
        return _tidy(value)
    return _tidy("".join(_parse(value).parts))


_SIMPLE_LIST = re.compile(r"^\s*<ol[^<>]*>((?:<li>[^<]*</li>)*)</ol>\s*$")


def list_items(value: str) -> list[str]:
    """The items of the HTML lists in a field, as text (closing tags optional, as in HTML)."""
    simple = _SIMPLE_LIST.match(value)
    if simple:  # one list of plain items, as srs writes choices: no parser needed
        return [_tidy(unescape(item)) if _PLAIN_TEXT.search(item) else item.strip()
                for item in simple.group(1)[4:-5].split("</li><li>")] if simple.group(1) else []
    return [_tidy("".join(item)) for item in _parse(value).items]


_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


def cloze_numbers(text: str) -> list[int]:
    return sorted({int(n) for n in re.findall(r"\{\{c(\d+)::", text)})


def cloze(text: str, number: int) -> tuple[str, str]:
    """(question, answer) for cloze ``number``: its deletions blanked in the question (with
    the hint, if any) and filled in the answer; the other deletions show their text."""

    def question(m: re.Match) -> str:
        if int(m.group(1)) == number:
            return f"[{m.group(3)}]" if m.group(3) else "[...]"
        return m.group(2)

    def answer(m: re.Match) -> str:
        return f"[{m.group(2)}]" if int(m.group(1)) == number else m.group(2)

    return _CLOZE.sub(question, text), _CLOZE.sub(answer, text)


__all__ = ["cloze", "cloze_numbers", "list_items", "to_text"]
