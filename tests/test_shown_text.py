"""The boundary for text shown to a person (srs/ui/shown.py, srs/ui/text.py, srs/ui/console.py):
what ``shown`` turns into placeholders, that Rich text and consoles are made only where it
applies, and that no string is ever read as Rich markup. The rules over srs/'s source are
checked on its syntax tree (ast), so a new module that breaks one fails here."""

from __future__ import annotations

import ast
import functools
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table

from srs.ui.console import SafeConsole
from srs.ui.shown import UNSAFE, VISIBLE_FORMAT, placeholder, shown
from srs.ui.text import Text

SRS = Path(__file__).resolve().parents[1] / "srs"
SOURCES = sorted(SRS.rglob("*.py"))

#: what hostile decks put in their text (issue 21)
ATTACKS = {
    "osc52": "\x1b]52;c;aGVsbG8=\x07",
    "title": "\x1b]0;pwned\x07",
    "clear": "\x1b[2J\x1b[HFAKE: all cards mastered",
    "link": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "csi": "\x9b31mred",
    "rlo": "abc\u202egnp.exe",
    "zero width": "pay\u200bpal\u2060\ufeff",
}


@functools.cache
def syntax_nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of a source file of srs/, parsed and walked once for the tests that read them all."""
    return tuple(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def terminal_controls(out: str) -> list[str]:
    """Characters that a terminal acts on or that hide or reorder text, found in ``out``."""
    return [c for c in out if UNSAFE.search(c)]


# ---------------------------------------------------------------- shown()
def test_placeholders():
    assert shown("a\x1bb") == "a␛b"
    assert shown("\x00\x07\x08\x7f") == "␀␇␈␡"
    assert shown("x\x9by") == "x<U+009B>y"
    assert shown("\u202e\u2066\u200b\ufeff\U000e0041") == "<U+202E><U+2066><U+200B><U+FEFF><U+E0041>"
    assert shown("lone \udc80") == "lone <U+DC80>"
    assert shown("line\r\nnext\ttab\rcr") == "line\nnext\ttab␍cr"  # CR LF is a newline; a lone CR is not


def test_text_without_controls_is_the_same_object():
    for text in ("", "Capital of France? [not markup]", "русский 日本語 עברית العربية", "soft\u00adhyphen", "👍🏽"):
        assert shown(text) is text


@given(st.text())
def test_shown_is_safe_idempotent_and_keeps_safe_text(text):
    out = shown(text)
    assert not terminal_controls(out)
    assert shown(out) == out
    if not UNSAFE.search(text):
        assert out == text


def test_every_invisible_format_character_is_shown():
    """Unicode's format characters (Cf) are placeholders, but for the few drawn as themselves."""
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) == "Cf" and code not in VISIBLE_FORMAT:
            assert shown(char) == placeholder(char) != char, f"U+{code:04X} {unicodedata.name(char, '')}"


# ---------------------------------------------------------------- Text and the console
def render(*renderables, **kwargs) -> str:
    console = SafeConsole(file=io.StringIO(), width=100, highlight=False)
    console.print(*renderables, **kwargs)
    return console.file.getvalue()


@pytest.mark.parametrize("attack", list(ATTACKS.values()), ids=list(ATTACKS))
def test_every_way_text_reaches_the_console_is_shown(attack):
    table = Table(title=attack)
    table.add_column(attack)
    table.add_row(attack, Text(attack))
    text = Text.assemble((attack, "bold"), attack) + attack
    text.append(attack)
    text.plain = text.plain + attack
    renderables = [attack, Text(attack), text, Text("\n").join([Text(attack)]), table, Rule(attack),
                   Panel(Text(attack), title=Text(attack))]
    out = render(*renderables)
    assert not terminal_controls(out)
    assert shown(attack) in out


def test_the_console_reads_no_markup_or_emoji():
    for markup in ("[link=file:///etc/passwd]Official[/link] [reverse blink]PAY[/]", "Chemistry [/] final",
                   "[bold red]x", ":warning: :smile:"):
        assert render(markup).strip() == markup
        assert render(markup, markup=True, emoji=True).strip() == markup
        table = Table(title=markup, box=None, show_header=False)
        table.add_column()
        assert render(table).strip() == markup


def test_the_last_net_catches_text_made_past_the_boundary():
    from rich.text import Text as RichText  # what the rules below forbid in srs/

    out = render(RichText("a\x1b]52;c;aGVsbG8=b\x9bc"))
    assert "\x1b" not in out and "\x9b" not in out and "␛]52" in out


# ---------------------------------------------------------------- rules over srs/'s source
def _calls(nodes: tuple[ast.AST, ...]):
    for node in nodes:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else (func.id if isinstance(func, ast.Name) else "")
            yield name, node


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(SRS.parent)}:{node.lineno}"


def _is_text_call(node: ast.AST) -> bool:
    """``Text(...)``, ``Text.assemble(...)``: a rich text made through the boundary."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "Text") or (
        isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "Text")


def _text_names(nodes: tuple[ast.AST, ...]) -> set[str]:
    """Names every assignment of which, in the module, is a Text call."""
    values: dict[str, list[ast.AST]] = {}
    for node in nodes:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(node.value)
    return {name for name, assigned in values.items() if all(_is_text_call(v) for v in assigned)}


def test_rich_text_and_consoles_are_made_only_at_the_boundary():
    """Every Rich Text is srs.ui.text.Text (content through shown()); every console is the
    SafeConsole (no markup); nothing parses markup or ANSI from a string."""
    problems = []
    allowed_rich_text = {SRS / "ui" / "text.py"}
    for path in SOURCES:
        nodes = syntax_nodes(path)
        text_names = _text_names(nodes)
        for node in nodes:
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {a.name for a in node.names}
                if node.module == "rich.text" and path not in allowed_rich_text:
                    problems.append(f"{_where(path, node)}: imports rich.text (use srs.ui.text.Text)")
                if node.module in ("rich.markup", "rich.markdown", "rich.progress", "rich.prompt", "rich.ansi") or (
                        node.module == "rich" and names & {"print", "print_json", "inspect"}):
                    problems.append(f"{_where(path, node)}: imports {node.module} (it reads markup or ANSI)")
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("rich"):
                        problems.append(f"{_where(path, node)}: import {alias.name} (import names from it)")
        for name, call in _calls(nodes):
            if name in ("from_markup", "from_ansi", "render_markup", "escape_markup"):
                problems.append(f"{_where(path, call)}: {name}() (strings are never markup)")
            if name == "Console" and path != SRS / "ui" / "console.py":
                problems.append(f"{_where(path, call)}: a Console of its own (use srs.ui.console.stdout)")
            for kw in call.keywords:
                if kw.arg == "markup" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    problems.append(f"{_where(path, call)}: markup= other than False")
                if name in ("Panel", "fit") and kw.arg in ("title", "subtitle"):
                    # Panel reads a str title as markup: it must be a Text, or a literal with no markup
                    value = kw.value
                    literal = isinstance(value, ast.Constant) and isinstance(value.value, str) and "[" not in value.value
                    named = isinstance(value, ast.Name) and value.id in text_names
                    if not (literal or named or _is_text_call(value)):
                        problems.append(f"{_where(path, call)}: Panel {kw.arg}= must be Text(...) (a str is markup)")
    assert not problems, "\n".join(problems)


def test_the_console_never_turns_markup_on():
    """The equivalent of "no f-string into console.print when markup is on": markup is never
    on. SafeConsole forces it off for every string, whatever a caller passes."""
    console = SafeConsole(file=io.StringIO(), markup=True, emoji=True)
    assert console._markup is False and console._emoji is False
    console.print("[bold]{x}[/]", markup=True)
    assert console.file.getvalue() == "[bold]{x}[/]\n"


def _plain_print_values(call: ast.Call):
    """The interpolated values of a builtin print()'s arguments."""
    for arg in call.args:
        if isinstance(arg, ast.JoinedStr):
            yield from (v for v in arg.values if isinstance(v, ast.FormattedValue))
        elif not isinstance(arg, ast.Constant):
            yield arg


def test_plain_prints_pass_their_data_through_shown():
    """Lines printed without Rich (errors, `srs suspend`, `srs export`): every value put into
    them is shown(...), or a number or a date formatted by a format spec."""
    problems = []
    for path in SOURCES:
        for name, call in _calls(syntax_nodes(path)):
            if name != "print" or not isinstance(call.func, ast.Name):
                continue
            for value in _plain_print_values(call):
                inner = value.value if isinstance(value, ast.FormattedValue) else value
                if isinstance(value, ast.FormattedValue) and value.format_spec is not None:
                    continue
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id == "shown":
                    continue
                if isinstance(inner, ast.IfExp) and all(isinstance(b, ast.Constant) for b in (inner.body, inner.orelse)):
                    continue
                if isinstance(inner, ast.Name) and inner.id == "__version__":
                    continue
                problems.append(f"{_where(path, call)}: {ast.unparse(inner)} printed without shown()")
    assert not problems, "\n".join(problems)
