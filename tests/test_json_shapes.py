"""Every `--json` output has the shape of its record's TypedDict (the keys, nested ones too,
and the kinds of values), and docs/json.md names every key of it. In-process (Typer's
CliRunner) on one database with an exam deck, an exam date, an attempt and reviews."""

from __future__ import annotations

import json
import re
import types
from datetime import timedelta
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints, is_typeddict

import pytest
from typer.testing import CliRunner

from srs.attempts import Past
from srs.forecast import Readiness
from srs.importer import DeckResult
from srs.lint import LintReport
from srs.model import Account, Attempt
from srs.optimize import Optimized
from srs.overview import DeckOverview
from srs.settings import Settings
from srs.stats import CardView, Stats
from tests.factories import T0

DOCS = Path(__file__).resolve().parent.parent / "docs" / "json.md"
DECK = """[deck]
id = "geo"
name = "Geography"

[deck.exam]
questions = 3
pass_mark = 0.6

[[card]]
id = "cap-fr"
question = "The capital of France?"
choices = ["Paris", "Lyon", "Nice"]
answer = "A"
tags = ["europe"]

[[card]]
id = "cap-es"
question = "The capital of Spain?"
choices = ["Seville", "Madrid", "Bilbao", "Toledo"]
answer = "B"

[[card]]
id = "cap-it"
question = "The capital of Italy?"
choices = ["Milan", "Turin", "Rome"]
answer = "C"

[[card]]
id = "river"
question = "The longest river in Europe?"
answer = "The Volga"
"""


def returns(method: Any) -> Any:
    """The TypedDict a ``to_dict`` method is declared to return."""
    return get_type_hints(method)["return"]


def check(value: Any, hint: Any, where: str) -> None:
    """``value`` (parsed JSON) is of the type ``hint``: a TypedDict has exactly its required
    keys and at most its optional ones."""
    if hint is Any:
        return
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        arms = get_args(hint)
        if value is None:
            assert type(None) in arms, f"{where}: null, not {hint}"
            return
        problems = []
        for arm in (a for a in arms if a is not type(None)):
            try:
                check(value, arm, where)
                return
            except AssertionError as exc:
                problems.append(str(exc))
        raise AssertionError("; ".join(problems))
    if is_typeddict(hint):
        assert isinstance(value, dict), f"{where}: {value!r} is no object"
        required, optional = hint.__required_keys__, hint.__optional_keys__
        missing, extra = required - value.keys(), value.keys() - required - optional
        assert not missing and not extra, f"{where}: missing {sorted(missing)}, not in {hint.__name__} {sorted(extra)}"
        hints = get_type_hints(hint)
        for key, item in value.items():
            check(item, hints[key], f"{where}.{key}")
    elif origin is list:
        assert isinstance(value, list), f"{where}: {value!r} is no list"
        for i, item in enumerate(value):
            check(item, get_args(hint)[0], f"{where}[{i}]")
    elif origin is dict:
        assert isinstance(value, dict), f"{where}: {value!r} is no object"
        for key, item in value.items():
            check(item, get_args(hint)[1], f"{where}.{key}")
    elif hint is float:
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{where}: {value!r} is no number"
    elif hint is int:
        assert isinstance(value, int) and not isinstance(value, bool), f"{where}: {value!r} is no integer"
    else:
        assert isinstance(value, hint), f"{where}: {value!r} is no {hint.__name__}"


def keys_of(hint: Any) -> set[str]:
    """Every key of a TypedDict and of the TypedDicts within it."""
    if is_typeddict(hint):
        found = set(hint.__required_keys__ | hint.__optional_keys__)
        for inner in get_type_hints(hint).values():
            found |= keys_of(inner)
        return found
    return set().union(*(keys_of(arg) for arg in get_args(hint)))


@pytest.fixture(scope="module")
def srs(tmp_path_factory):
    """``srs ARGS --json`` in-process, parsed; on a database with the deck above, an exam
    date, two answered reviews and one mock exam."""
    from srs import attempts
    from srs.exam import ExamRun, draw, report
    from srs.scheduler import make_scheduler
    from srs.store import open_store

    folder = tmp_path_factory.mktemp("json")
    db, deck = folder / "srs.db", folder / "geo.toml"
    deck.write_text(DECK, encoding="utf-8")
    runner = CliRunner()
    env = {"SRS_NOW": (T0 + timedelta(days=2)).isoformat(), "SRS_FUZZ": "0"}

    def run(*args: str, code: int = 0, stdin: str | None = None) -> Any:
        result = runner.invoke(__import__("srs.cli", fromlist=["app"]).app,
                               ["--db", str(db), "--learner", "tester", *args], input=stdin, env=env)
        assert result.exit_code == code, result.output
        return json.loads(result.stdout) if "--json" in args else result

    run.deck = deck
    run("import", str(deck))
    run("config", "exam_date", (T0 + timedelta(days=20)).date().isoformat(), "--deck", "geo")
    store, _ = open_store(str(db), "tester")
    try:
        ticks = iter(range(100))
        exam_run = ExamRun(draw(store.mc_cards("geo"), 3, seed=4), None, lambda: float(next(ticks)))
        for q in exam_run.questions:
            exam_run.current()
            exam_run.answer(q.shown_letter(q.card.answer) if q.card.card_id != "cap-it" else q.valid[0], 3)
        exam_run.hand_in()
        rep = report("geo", [q.card for q in exam_run.questions], exam_run.answers, 0.6, exam_run.elapsed,
                     with_confidence=True)
        attempts.save(store, "geo", exam_run, rep, T0 + timedelta(days=1), 4, 30.0, make_scheduler(Settings(), fuzz=False),
                      0.5, {q.card.key: 0.6 for q in exam_run.questions})  # the forecasts made before it
    finally:
        store.close()
    run("user", "add", "ann", "--teacher", stdin="a-long-password\n")
    return run


def section(title: str) -> str:
    """The text of docs/json.md under the heading that names ``title``."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"^## `{re.escape(title)}`\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, f"docs/json.md has no section ## `{title}`"
    return found.group(1)


# (docs/json.md's heading, the command, the record whose to_dict makes one item, a list?)
OUTPUTS = [
    ("srs decks --json", ("decks",), DeckOverview, True),
    ("srs cards --json", ("cards",), CardView, True),
    ("srs results --json", ("results",), Attempt, True),
    ("srs results --json", ("results", "1"), Past, False),
    ("srs stats --json", ("stats",), Stats, False),
    ("srs config --json", ("config",), Settings, False),
    ("srs config --json", ("config", "new_per_day"), Settings, False),
    ("srs optimize --json", ("optimize",), Optimized, False),
    ("srs import --json", ("import", "DECK"), DeckResult, True),
    ("srs lint --json", ("lint", "DECK"), LintReport, False),
    ("srs lint --json", ("lint", "--deck", "geo"), LintReport, False),
    ("srs user list --json", ("user", "list"), Account, True),
    ("srs readiness --json", ("readiness", "--deck", "geo"), Readiness, False),
]


@pytest.mark.parametrize(("title", "args", "record", "many"), OUTPUTS, ids=[" ".join(o[1]) for o in OUTPUTS])
def test_json_output_has_its_typed_shape(srs, title, args, record, many):
    shape = returns(record.to_dict)
    data = srs(*(str(srs.deck) if a == "DECK" else a for a in args), "--json")
    if many:
        assert isinstance(data, list) and data, data
        for i, item in enumerate(data):
            check(item, shape, f"{' '.join(args)}[{i}]")
    else:
        check(data, shape, " ".join(args))
    if args[0] == "readiness":  # the attempt above, checked: both assumptions, a date ahead
        assert data["calibration"]["attempts"] == 1 and {"stop", "pace"} <= data["assumptions"].keys()


@pytest.mark.parametrize(("title", "record"), sorted({(o[0], o[2]) for o in OUTPUTS}, key=lambda o: (o[0], o[1].__name__)))
def test_docs_name_every_key(title, record):
    shape = returns(record.to_dict)
    text = section(title)
    unnamed = sorted(k for k in keys_of(shape) if f'"{k}"' not in text)
    assert not unnamed, f"docs/json.md, {title}: {unnamed} not named"
