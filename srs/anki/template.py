"""Anki's card templates, rendered as Anki renders them: `{{Field}}`, filters
(`{{text:F}}`, `{{cloze:F}}`, `{{hint:F}}`, `{{type:F}}`, furigana, tts; the rightmost filter
first), `{{FrontSide}}`, the special fields (Tags, Deck, Subdeck, Card, Type, CardFlag),
and sections `{{#F}}…{{/F}}` (field not empty) and `{{^F}}…{{/F}}` (field empty); and the
filters' own work: cloze deletions, furigana. What comes out is HTML; the reader keeps it
and turns it into terminal text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from srs.anki.scan import answer_rule_end, cloze_number, clozes, pairs, ruby, strip_tags
from srs.anki.text_budget import TextTooLong

_CLOZE_OPEN = re.compile(r"\{\{c(\d+)::")


def cloze_numbers(text: str) -> list[int]:
    """The cloze numbers a text opens (``{{cN::``), up to MAX_CLOZE as in Anki."""
    numbers = {cloze_number(n) for n in _CLOZE_OPEN.findall(text)}
    return sorted(n for n in numbers if n is not None)


def cloze(text: str, number: int, mark: bool = False) -> tuple[str, str]:
    """(question, answer) for cloze ``number``: its deletions blanked in the question (with
    the hint, if any) and filled in the answer; the other deletions show their text. With
    ``mark`` (HTML: what the templates render), each of its deletions in a ``<span
    class="cloze">``, as Anki marks them (the text reads the same)."""
    question: list[str] = []
    answer: list[str] = []
    pos = 0
    opened, closed = ('<span class="cloze">', "</span>") if mark else ("", "")
    for start, end, n, content, hint in clozes(text):
        before = text[pos:start]
        if n == number:
            question += [before, opened, f"[{hint}]" if hint else "[...]", closed]
            answer += [before, opened, f"[{content}]", closed]
        else:
            question += [before, content]
            answer += [before, content]
        pos = end
    return "".join(question) + text[pos:], "".join(answer) + text[pos:]


_EMPTY = re.compile(r"^(?:\s|&nbsp;|</?(?:br|div)\s?/?>)*$", re.I)  # (one way through: linear)


def field_is_empty(text: str) -> bool:
    """Anki's test: only white space, line breaks and empty divs."""
    return bool(_EMPTY.match(text))


@dataclass(frozen=True)
class CardContext:
    """What a template can name besides the note's fields."""

    fields: Mapping[str, str]
    card_ord: int = 0          # the card's ord: for a cloze note, its cloze number - 1
    tags: tuple[str, ...] = ()
    deck: str = ""
    notetype: str = ""
    template: str = ""
    flag: int = 0

    def value(self, name: str, front_side: str | None) -> str | None:
        if name in self.fields:
            return self.fields[name]
        if name == "FrontSide":
            return front_side if front_side is not None else ""
        specials = {"Tags": " ".join(self.tags), "Deck": self.deck, "Subdeck": self.deck.split("::")[-1],
                    "Card": self.template, "Type": self.notetype,
                    "CardFlag": f"flag{self.flag}" if self.flag else ""}
        return specials.get(name)


@lru_cache(maxsize=256)
def _parse(template: str) -> list:
    """Tokens as a tree: text, ("field", filters, name), ("section", negated, name, children)."""
    root: list = []
    stack: list[tuple[str, list]] = [("", root)]
    pos = 0
    for start, end in pairs(template, "{{", "}}"):
        stack[-1][1].append(template[pos:start])
        pos = end
        inner = template[start + 2:end - 2].strip()
        if inner[:1] in ("#", "^"):
            children: list = []
            stack[-1][1].append(("section", inner[0] == "^", inner[1:].strip(), children))
            stack.append((inner[1:].strip(), children))
        elif inner[:1] == "/":
            name = inner[1:].strip()
            if len(stack) > 1 and stack[-1][0] == name:
                stack.pop()
            # a stray or mismatched close: Anki shows an error; we drop the tag
        elif inner[:1] == "!":
            continue  # a comment
        else:
            *filters, name = [p.strip() for p in inner.split(":")]
            stack[-1][1].append(("field", tuple(filters), name))
    stack[-1][1].append(template[pos:])
    return root


def _furigana(text: str, part: str) -> str:
    out: list[str] = []
    pos = 0
    for start, end, base, reading in ruby(text):
        out.append(text[pos:start])
        if part == "kanji":
            out.append(base)
        elif part == "kana":
            out.append(reading)
        else:
            out += ["<ruby><rb>", base, "</rb><rt>", reading, "</rt></ruby>"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _apply(filters: tuple[str, ...], value: str, ctx: CardContext, answer_side: bool) -> str:
    for f in reversed(filters):  # {{a:b:Field}} applies b, then a
        kind = f.split(" ")[0]
        if kind in ("cloze", "cloze-only"):  # (both read the same here)
            question, answer = cloze(value, ctx.card_ord + 1, mark=True)
            value = answer if answer_side else question
        elif kind == "text":
            value = strip_tags(value)
        elif kind == "type":
            value = value if answer_side else ""  # the typing box shows nothing to read
        elif kind in ("furigana", "kana", "kanji"):
            value = _furigana(value, kind)
        elif kind == "hint" and not field_is_empty(value):
            value = f"(hint: {value})"  # Anki hides it behind a link; a terminal names it
        # tts, unknown filters: the text as it is
    return value


def _render(nodes: list, ctx: CardContext, front_side: str | None, answer_side: bool,
            limit: int | None = None) -> tuple[str, int]:
    """The nodes as text, and its cost: its characters and those every filter read.
    Sections are entered with a stack of their children, not by recursion, so any depth of
    nesting renders (Anki renders 10,000 nested sections). A cost past ``limit``:
    TextTooLong, as soon as it is passed (a template repeating a field is stopped there)."""
    out: list[str] = []
    cost = 0
    stack = [iter(nodes)]
    while stack:
        for node in stack[-1]:
            if isinstance(node, str):
                out.append(node)
                cost += len(node)
            elif node[0] == "field":
                _, filters, name = node
                value = ctx.value(name, front_side)
                if value is None:
                    value = ""  # Anki: "{{X}}: no such field"; nothing to learn from it
                out.append(_apply(filters, value, ctx, answer_side) if filters else value)
                cost += len(out[-1]) + (len(value) if filters else 0)
                if limit is not None and cost > limit:
                    raise TextTooLong
            else:
                _, negated, name, children = node
                value = ctx.value(name, front_side) or ""
                if name.startswith("c") and name[1:].isdecimal() and name not in ctx.fields:
                    present = cloze_number(name[1:]) == ctx.card_ord + 1
                else:
                    present = not field_is_empty(value)
                    cost += len(value)  # (read to test it: a field of spaces is read to its end)
                    if limit is not None and cost > limit:
                        raise TextTooLong
                if present != negated:
                    stack.append(iter(children))
                    break
        else:
            stack.pop()
    return "".join(out), cost


def render(qfmt: str, afmt: str, ctx: CardContext, limit: int | None = None) -> tuple[str, str]:
    """(question HTML, answer HTML): the answer side as Anki shows it, then only the part
    after the front side (below `<hr id=answer>`, or what follows a leading copy of the
    question), which is what a learner checks themselves against."""
    question, answer, _ = render_counted(qfmt, afmt, ctx, limit)
    return question, answer


def render_counted(qfmt: str, afmt: str, ctx: CardContext, limit: int | None = None) -> tuple[str, str, int]:
    """``render``, and what rendering cost: the characters of both sides as rendered (the
    answer with its front side) and of every filter's input. Past ``limit``: TextTooLong."""
    question, cost = _render(_parse(qfmt), ctx, None, False, limit)
    full, answer_cost = _render(_parse(afmt), ctx, question, True, None if limit is None else limit - cost)
    rendered = cost + answer_cost
    rule = answer_rule_end(full)
    if rule is not None:
        answer = full[rule:]
    elif question and full.startswith(question):
        answer = full[len(question):]
    else:
        answer = full
    return question, answer, rendered


__all__ = ["CardContext", "cloze", "cloze_numbers", "field_is_empty", "render", "render_counted"]
