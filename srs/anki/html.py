"""Anki's HTML as terminal text: entities decoded, line breaks and lists kept, no tags left."""

from __future__ import annotations

import html
import re

_BREAK = re.compile(r"<\s*br\s*/?\s*>|<\s*/\s*(div|p|h[1-6]|tr|blockquote)\s*>", re.I)
_BLOCK_OPEN = re.compile(r"<\s*(div|p|h[1-6]|tr|blockquote)(\s[^>]*)?>", re.I)
_LI = re.compile(r"<\s*li(\s[^>]*)?>", re.I)
_TAG = re.compile(r"<[^>]*>")
_DROP = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)


def to_text(value: str) -> str:
    text = _DROP.sub("", value)
    text = _LI.sub("\n• ", text)
    text = re.sub(r"<\s*/\s*(ul|ol)\s*>", "\n", text, flags=re.I)
    text = _BREAK.sub("\n", text)
    text = _BLOCK_OPEN.sub("\n", text)
    text = re.sub(r"<\s*img[^>]*src=\"([^\"]*)\"[^>]*>", r"[image: \1]", text, flags=re.I)
    text = re.sub(r"\[sound:([^\]]*)\]", r"[sound: \1]", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def list_items(value: str) -> list[str]:
    """The items of an HTML list, as text."""
    return [to_text(m) for m in re.findall(r"<li[^>]*>(.*?)</li>", value, flags=re.I | re.S)]


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
