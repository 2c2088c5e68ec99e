"""A card's style sheet as its Anki note type's author wrote it (the note type's ``css``, kept
at import with the card's HTML), made safe for the page with tinycss2 and an allow-list:

- Only qualified rules, each selector rewritten under the card's container: ``.card``
  becomes ``div.anki .anki-card`` (the element srs/web/sanitise.py wraps a card in), any
  class ``x`` becomes ``anki-x`` (as the card's HTML's classes do), a tag only if the card's
  HTML may hold it (no ``body``, ``button``, ``input``…). A selector with an id, an attribute,
  a pseudo-element or anything else not read here is dropped; so a card's CSS can only ever
  style the card, never the page's buttons, timer or layout. A rule for Anki's night mode
  (``.nightMode .card``) applies when the browser asks for a dark page.
- Only declarations of the properties in PROPERTIES; a value with ``url()`` or any function
  but a colour's, ``expression``/``behavior``/``-moz-binding``, a backslash or ``<``, a
  negative margin or a length past its property's limit (LIMITS) is dropped. No ``position``, no ``z-index``,
  no ``display``.
- No at-rule (``@import``, ``@font-face``…) but ``@media (prefers-color-scheme: …)``,
  whose rules are read the same way.

The result is served as a style sheet of this server (``style-src 'self'``), never inline.
"""

from __future__ import annotations

import functools
import hashlib
import re

import tinycss2
from tinycss2 import ast

from srs.web.sanitise import TAGS, class_name

#: what a card's rules are scoped under: the element wrapping a card's HTML (srs/web/sanitise.py)
SCOPE = "div.anki"
PROPERTIES = frozenset({
    "color", "background-color", "font", "font-family", "font-size", "font-style", "font-weight", "font-variant",
    "font-stretch", "text-align", "text-decoration", "text-decoration-line", "text-decoration-color",
    "text-decoration-style", "text-transform", "text-indent", "text-shadow", "line-height", "letter-spacing",
    "word-spacing", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left", "padding", "padding-top",
    "padding-right", "padding-bottom", "padding-left", "border", "border-top", "border-right", "border-bottom",
    "border-left", "border-color", "border-style", "border-width", "border-radius", "border-collapse",
    "border-spacing", "width", "max-width", "min-width", "list-style", "list-style-type", "list-style-position",
    "vertical-align", "white-space", "direction"})
#: functions a value may call: colours only
FUNCTIONS = frozenset({"rgb", "rgba", "hsl", "hsla"})
PSEUDO_CLASSES = frozenset({"first-child", "last-child", "only-child", "first-of-type", "last-of-type", "hover",
                            "empty"})
NIGHT = frozenset({"nightMode", "night_mode"})  # the class Anki gives a card in night mode
MAX_LENGTH = 2000  # a number without a unit (a font's weight, a line's height)
#: CSS pixels in a unit (vw and vh as a percentage of the window's, of the page's 1,000 px at most)
UNITS = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0, "mm": 3.78,
         "cm": 37.8, "in": 96.0, "vw": 10.0, "vh": 10.0}
#: the longest length (CSS pixels) a property of each kind may have; any other 200
LIMITS = (("width", 1000), ("max-width", 1000), ("min-width", 1000), ("border", 50), ("text-shadow", 50))
MAX_CSS = 100_000  # characters of a note type's style sheet read
_BAD = re.compile(r"expression|behavior|binding|javascript|[\\<>]", re.I)


def _sized(name: str, token) -> bool:
    """Whether a number in ``name``'s value is one a card may have: a known unit, no negative
    margin or padding, no length past the property's limit (no card pushes the page away)."""
    if token.value < 0 and name.startswith(("margin", "padding", "font", "line-height", "width", "max-", "min-")):
        return False
    if isinstance(token, ast.NumberToken):
        return abs(token.value) <= MAX_LENGTH
    if isinstance(token, ast.PercentageToken):
        return abs(token.value) <= (400 if name.startswith(("font", "line-height")) else 100)
    per_unit = UNITS.get(token.lower_unit)
    limit = next((px for prefix, px in LIMITS if name.startswith(prefix)), 200)
    return per_unit is not None and abs(token.value) * per_unit <= limit


def _value(name: str, tokens: list) -> str | None:
    """A declaration's value re-serialised, or None when it is not allowed."""
    for token in tokens:
        if isinstance(token, ast.URLToken | ast.ParseError | ast.AtKeywordToken | ast.CurlyBracketsBlock
                      | ast.SquareBracketsBlock | ast.ParenthesesBlock):
            return None
        if isinstance(token, ast.FunctionBlock) and (
                token.lower_name not in FUNCTIONS or _value(name, token.arguments) is None):
            return None
        if isinstance(token, ast.NumberToken | ast.DimensionToken | ast.PercentageToken) and not _sized(name, token):
            return None
        if isinstance(token, ast.StringToken) and not name.startswith("font"):
            return None
    text = tinycss2.serialize(tokens).strip()
    return None if not text or _BAD.search(text) else text


def _declarations(content: list) -> str:
    out = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if not isinstance(item, ast.Declaration) or item.lower_name not in PROPERTIES:
            continue
        value = _value(item.lower_name, item.value)
        if value is not None:
            out.append(f"{item.lower_name}: {value}{' !important' if item.important else ''}")
    return "; ".join(out)


def _compound(tokens: list, at: int) -> tuple[str, int] | None:
    """The simple selectors from ``tokens[at]`` up to the next combinator, rewritten; None: drop the selector."""
    out: list[str] = []
    while at < len(tokens):
        token = tokens[at]
        if isinstance(token, ast.WhitespaceToken) or (isinstance(token, ast.LiteralToken) and token.value in ">+~"):
            break
        if isinstance(token, ast.IdentToken) and not out:
            if token.lower_value not in TAGS:
                return None
            out.append(token.lower_value)
        elif isinstance(token, ast.LiteralToken) and token.value == "*" and not out:
            out.append("*")
        elif isinstance(token, ast.LiteralToken) and token.value in ".:" and at + 1 < len(tokens):
            nxt = tokens[at + 1]
            if token.value == "." and isinstance(nxt, ast.IdentToken) and class_name(nxt.value):
                out.append("." + class_name(nxt.value))
            elif token.value == ":" and isinstance(nxt, ast.IdentToken) and nxt.lower_value in PSEUDO_CLASSES:
                out.append(":" + nxt.lower_value)
            else:
                return None
            at += 1
        else:
            return None
        at += 1
    return ("".join(out), at) if out else None


def _selector(tokens: list) -> str | None:
    """One selector (a list of tokens between commas) scoped under the card's container, or None."""
    while tokens and isinstance(tokens[-1], ast.WhitespaceToken):
        tokens = tokens[:-1]
    parts, at, combinator = [SCOPE], 0, " "
    while at < len(tokens):
        token = tokens[at]
        if isinstance(token, ast.WhitespaceToken):
            at += 1
            continue
        if isinstance(token, ast.LiteralToken) and token.value in ">+~":
            if combinator != " " or len(parts) == 1:  # (a leading one would reach the container's siblings)
                return None
            combinator = f" {token.value} "
            at += 1
            continue
        found = _compound(tokens, at)
        if found is None:
            return None
        parts += [combinator, found[0]]
        combinator, at = " ", found[1]
    return "".join(parts) if len(parts) > 1 and combinator == " " else None


def _night(tokens: list) -> tuple[list, bool]:
    """A selector's tokens without Anki's night-mode class (``.nightMode``, ``.night_mode``),
    and whether it had it: such a rule applies when the browser asks for a dark page."""
    out: list = []
    night, at = False, 0
    while at < len(tokens):
        token, nxt = tokens[at], tokens[at + 1] if at + 1 < len(tokens) else None
        if isinstance(token, ast.LiteralToken) and token.value == "." and isinstance(nxt, ast.IdentToken) \
                and nxt.value in NIGHT:
            night, at = True, at + 2
            continue
        out.append(token)
        at += 1
    return out, night


def _rules(rules: list, dark: bool = False) -> list[str]:
    out: list[str] = []
    night: list[str] = []
    for rule in rules:
        if isinstance(rule, ast.AtRule):
            prelude = tinycss2.serialize(rule.prelude).strip().lower().replace(" ", "")
            if rule.lower_at_keyword == "media" and rule.content is not None and prelude in (
                    "(prefers-color-scheme:dark)", "(prefers-color-scheme:light)"):
                inner = _rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                               dark=True)
                if inner:
                    out.append(f"@media {prelude.replace(':', ': ')} {{\n" + "\n".join(inner) + "\n}")
            continue
        if not isinstance(rule, ast.QualifiedRule):
            continue
        groups: list[list] = [[]]
        for token in rule.prelude:
            if isinstance(token, ast.LiteralToken) and token.value == ",":
                groups.append([])
            else:
                groups[-1].append(token)
        body = _declarations(rule.content)
        for group in groups:
            tokens, is_night = _night(group)
            selector = _selector(tokens)
            if selector is not None and body:
                (night if is_night and not dark else out).append(f"{selector} {{ {body} }}")
    if night:
        out.append("@media (prefers-color-scheme: dark) {\n" + "\n".join(night) + "\n}")
    return out


@functools.lru_cache(maxsize=256)
def card_style(css: str) -> str:
    """A note type's CSS (a stranger's) as the style sheet the page may load: see the module's text."""
    rules = _rules(tinycss2.parse_stylesheet(css[:MAX_CSS], skip_comments=True, skip_whitespace=True))
    return "\n".join(rules) + "\n" if rules else ""


def style_digest(css: str) -> str:
    """The name a card's sanitised style sheet is served under (its content's hash: cached for good)."""
    return hashlib.sha256(card_style(css).encode()).hexdigest()[:16]


__all__ = ["PROPERTIES", "SCOPE", "card_style", "style_digest"]
