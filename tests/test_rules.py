"""srs/rules.py: each default and card rule has one home. The review code packs and unpacks
the same in Python, NumPy and SQL; what counts as a right answer; and no other module of
srs/ writes the defaults or the rules as literals of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from srs import rules
from srs.deckfile import ExamSettings, parse_toml
from srs.errors import DeckFileError
from srs.model import AGAIN, EASY, GOOD, HARD, DeckRecord

SRS = Path(rules.__file__).parent


@given(st.integers(1, 2**40), st.integers(1, 4), st.integers(0, 1), st.integers(0, 1))
def test_the_review_code_unpacks_to_what_was_packed(key, rating, right, exam):
    code = rules.review_code(key, rating, right, exam)
    assert (rules.code_key(code), rules.code_rating(code), rules.code_right(code), rules.code_exam(code)) == \
        (key, rating, right, exam)
    array = np.array([code, code + rules.KEY_FACTOR], dtype=np.int64)
    assert rules.code_key(array).tolist() == [key, key + 1]
    assert rules.code_right(array).tolist() == [right] * 2 and rules.code_exam(array).tolist() == [exam] * 2


def test_the_review_code_in_sql_is_the_same(tmp_path):
    from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select

    rows = [(k, r, g, e) for k in (1, 7, 123456) for r in (1, 2, 3, 4) for g in (0, 1) for e in (0, 1)]
    table = Table("t", MetaData(), *(Column(n, Integer) for n in ("k", "r", "g", "e")), Column("i", Integer, primary_key=True))
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        table.create(connection)
        connection.execute(insert(table), [dict(zip("krge", row, strict=True)) for row in rows])
        got = connection.execute(select(rules.review_code(table.c.k, table.c.r, table.c.g, table.c.e))
                                 .order_by(table.c.i)).scalars().all()
    assert got == [rules.review_code(*row) for row in rows]
    engine.dispose()


def test_right_is_what_was_answered_else_the_rating():
    assert rules.answered_right(AGAIN, True) and not rules.answered_right(EASY, False)
    assert [rules.answered_right(r, None) for r in (AGAIN, HARD, GOOD, EASY)] == [False, True, True, True]


def test_the_defaults_reach_the_deck_file_the_records_and_the_schema():
    from srs.store.models import decks

    assert ExamSettings() == ExamSettings(None, rules.DEFAULT_EXAM_MINUTES, rules.DEFAULT_PASS_MARK)
    record = DeckRecord("d", "D")
    assert (record.exam_minutes, record.exam_pass_mark) == (rules.DEFAULT_EXAM_MINUTES, rules.DEFAULT_PASS_MARK)
    assert decks.c.exam_minutes.default.arg == rules.DEFAULT_EXAM_MINUTES
    assert decks.c.exam_pass_mark.default.arg == rules.DEFAULT_PASS_MARK
    spec = parse_toml('[deck]\nid = "d"\nname = "D"\n[deck.exam]\nquestions = 1\n'
                      '[[card]]\nid = "c"\nquestion = "q"\nchoices = ["a", "b"]\nanswer = "A"\n')
    assert spec.exam == ExamSettings(1)


def test_a_deck_file_takes_the_choice_counts_from_the_rules():
    def card(n: int) -> str:
        choices = ", ".join(f'"c{i}"' for i in range(n))
        return f'[deck]\nid = "d"\nname = "D"\n[[card]]\nid = "c"\nquestion = "q"\nchoices = [{choices}]\nanswer = "A"\n'

    for n in (rules.MIN_CHOICES, rules.MAX_CHOICES):
        assert len(parse_toml(card(n)).cards[0].choices) == n
    for n in (rules.MIN_CHOICES - 1, rules.MAX_CHOICES + 1):
        try:
            parse_toml(card(n))
        except DeckFileError as exc:
            assert f"a card has {rules.MIN_CHOICES} to {rules.MAX_CHOICES}" in str(exc)
        else:
            raise AssertionError(f"{n} choices accepted")
    assert len(rules.LETTERS) == rules.MAX_CHOICES


def _literal_rules(text: str, name: str) -> list[str]:
    """Where a module writes a rule of srs/rules.py as a literal of its own: a chained
    comparison with the choice counts, an exam default given to a name of minutes or pass
    mark (assigned, a keyword, a dict's value, a ``.get`` default, a column's default), a number times 16 or
    shifted by 4 (the review code)."""
    tree = ast.parse(text, name)
    found = []

    def const(node, *values) -> bool:
        if isinstance(node, ast.IfExp):
            return const(node.body, *values) or const(node.orelse, *values)
        return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value in values

    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Compare) and len(node.comparators) == 2 and const(node.left, 2) \
                and const(node.comparators[1], 6):
            found.append(f"{where}: 2 <= n <= 6")
        named: list[tuple[str, ast.AST]] = []
        if isinstance(node, ast.keyword) and node.arg:
            named.append((node.arg, node.value))
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named += [(t.id, node.value) for t in targets if isinstance(t, ast.Name) and node.value is not None]
        if isinstance(node, ast.Dict):
            named += [(k.value, v) for k, v in zip(node.keys, node.values, strict=True)
                      if isinstance(k, ast.Constant) and isinstance(k.value, str)]
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            if ast.unparse(node.func).endswith(".get") and len(node.args) == 2:
                named.append((node.args[0].value, node.args[1]))
            named += [(node.args[0].value, k.value) for k in node.keywords if k.arg == "default"]
        for label, value in named:
            label = label.lower()
            if ("minutes" in label and const(value, 30)) or ("pass_mark" in label and const(value, 0.7)):
                found.append(f"{where}: {label} = {ast.unparse(value)}")
        if isinstance(node, ast.BinOp) and (
                (isinstance(node.op, ast.Mult) and (const(node.right, 16) or const(node.left, 16))
                 and not isinstance(node.left, ast.Constant))
                or (isinstance(node.op, ast.RShift) and const(node.right, 4))):
            found.append(f"{where}: {ast.unparse(node)}")
    return found


def test_no_module_keeps_its_own_copy_of_a_rule():
    modules = [p for p in SRS.rglob("*.py") if p.name != "rules.py" and "migrations" not in p.parts]
    assert len(modules) > 50
    assert [hit for p in modules for hit in _literal_rules(p.read_text(), str(p.relative_to(SRS.parent)))] == []


def test_the_check_finds_a_copy():
    copy = ('ok = 2 <= len(x) <= 6\nd = dict(exam_minutes=30.0)\nm = raw.get("pass_mark", 0.70)\n'
            'c = card_key * 16 + 1\nminutes: float = 30\nk = codes >> 4\nDEFAULT_PASS_MARK = 0.70\n'
            'x = m if m else 30.0 and dict(exam_minutes=m if m else 30.0)\n'
            'c = _required("exam_pass_mark", Float, default=0.7)\nok = b"0" * 16\n'
            'v = {"exam_minutes": m if m else 30.0}\n')
    assert len(_literal_rules(copy, "copy.py")) == 10
