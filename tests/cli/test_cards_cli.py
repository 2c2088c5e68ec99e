"""`srs cards` on a deck bigger than a screen: a default limit and a line saying what was left
out, --limit N / --limit 0, long lists streamed (plain rows in a pipe, tables of CHUNK rows on
a terminal), --json complete and streamed with the same text as before."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest

from srs.cli.json_list import print_json_list
from srs.cli.decks import CARDS_SHOWN
from srs.ui import card_list
from srs.ui.console import SafeConsole
from tests.cli.daily import Srs

CARDS = CARDS_SHOWN + 30


def big_deck(n: int) -> str:
    lines = ['[deck]\nid = "big"\nname = "Big deck"\n']
    for i in range(n):
        lines.append(f'[[card]]\nid = "c{i:04d}"\nquestion = "Question {i}?"\nchoices = ["Yes", "No"]\n'
                     f'answer = "{"AB"[i % 2]}"\ntags = ["{"even" if i % 2 == 0 else "odd"}"]\n')
    return "\n".join(lines)


@pytest.fixture
def srs(tmp_path, monkeypatch):
    s = Srs(tmp_path, monkeypatch)
    (tmp_path / "big.toml").write_text(big_deck(CARDS))
    s("import", str(tmp_path / "big.toml"))
    return s


def card_rows(out: str) -> list[str]:
    return [line.split()[0] for line in out.splitlines() if line.strip().startswith("c0")]


def test_the_default_shows_the_first_cards_and_says_how_many_more(srs):
    out = srs("cards", "--deck", "big").stdout
    assert card_rows(out) == [f"c{i:04d}" for i in range(CARDS_SHOWN)]
    assert f"{CARDS_SHOWN} of {CARDS} cards of deck big" in out
    assert f"… {CARDS - CARDS_SHOWN} more cards not shown ({CARDS_SHOWN} of {CARDS}): --limit N shows N, " \
           "--limit 0 shows all" in out


def test_limit_n_and_filters_count_in_the_database(srs):
    out = srs("cards", "--deck", "big", "--limit", "7").stdout
    assert card_rows(out) == [f"c{i:04d}" for i in range(7)]
    assert f"… {CARDS - 7} more cards not shown (7 of {CARDS})" in out
    odd = srs("cards", "--deck", "big", "--tag", "odd", "--limit", "3").stdout
    assert card_rows(odd) == ["c0001", "c0003", "c0005"]
    assert f"… {CARDS // 2 - 3} more cards not shown (3 of {CARDS // 2})" in odd
    assert "more cards not shown" not in srs("cards", "--deck", "big", "--tag", "odd", "--limit", str(CARDS // 2)).stdout
    assert "error" in srs("cards", "--deck", "big", "--limit", "-1", ok=False).stderr.lower()


def test_the_legend_says_how_to_see_the_chance_now(srs):
    """Without --chance the list leaves out the forecast (and its NumPy): its legend says how to
    get it; with --chance the column is there and explained."""
    plain = " ".join(srs("cards", "--deck", "big", "--limit", "3").stdout.split())
    assert "--chance adds each card's chance of a right answer now" in plain and "chance now" not in plain
    chance = " ".join(srs("cards", "--deck", "big", "--limit", "3", "--chance").stdout.split())
    assert "chance now: of a right answer now" in chance and "--chance adds" not in chance


def test_limit_0_shows_every_card_as_one_table_when_short(srs):
    out = srs("cards", "--deck", "big", "--limit", "0").stdout
    assert card_rows(out) == [f"c{i:04d}" for i in range(CARDS)]
    assert "more cards not shown" not in out and f"{CARDS} cards of deck big" in out


def test_a_long_list_in_a_pipe_is_plain_tab_separated_rows(srs, monkeypatch):
    monkeypatch.setattr(card_list, "CHUNK", 50)
    lines = srs("cards", "--deck", "big", "--limit", "0", "--chance").stdout.splitlines()
    assert lines[0].split("\t") == list(card_list.PLAIN_COLUMNS)
    assert len(lines) == 1 + CARDS and [line.split("\t")[0] for line in lines[1:]] == \
        [f"big/c{i:04d}" for i in range(CARDS)]
    first = lines[1].split("\t")
    assert first[1:3] == ["new", ""] and first[3].endswith("%") and first[4:] == ["", "", "0", "0"]
    # a limit past one table: streamed too, with the line saying what is left
    lines = srs("cards", "--deck", "big", "--limit", "60").stdout.splitlines()
    assert len(lines) == 1 + 60 + 1 and lines[-1].startswith(f"… {CARDS - 60} more cards not shown")


def test_a_long_list_on_a_terminal_is_tables_of_chunk_rows(srs, monkeypatch):
    from srs.stats import card_views
    from srs.settings import Settings
    from srs.store import open_store

    store, _ = open_store(srs.db, "tester")
    now = datetime(2026, 11, 2, 9, tzinfo=timezone.utc)
    views = card_views(store, Settings(), now, "big")
    monkeypatch.setattr(card_list, "CHUNK", 50)
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=120, color_system=None)
    card_list.show_cards(console, iter(views), len(views) + 5, now, None)
    text = out.getvalue()
    assert f"50 of {CARDS + 5} cards of deck big" in text and f"cards 51–100 of {CARDS + 5}" in text
    assert f"cards 101–{CARDS} of {CARDS + 5}" in text and card_rows(text) == [v.card.card_id for v in views]
    assert f"… 5 more cards not shown ({CARDS} of {CARDS + 5})" in text


def test_json_is_every_card_unless_limited(srs):
    every = json.loads(srs("cards", "--deck", "big", "--json", "--chance").stdout)
    assert [c["id"] for c in every] == [f"c{i:04d}" for i in range(CARDS)]
    assert 0 < every[0]["chance_now"] < 1 and every[0]["tags"] == ["even"]
    assert [c["id"] for c in json.loads(srs("cards", "--deck", "big", "--json", "--limit", "2").stdout)] == ["c0000", "c0001"]
    assert srs("cards", "--deck", "big", "--json", "--due").stdout == "[]\n"


@pytest.mark.parametrize("items", [[], [{}], [{"a": 1}], [{"a": [1, {"b": "x\ny"}]}, {"c": "\x85\ud800é"}, 3, None]])
def test_the_streamed_json_is_the_same_text_as_before(items, capsys):
    from srs.cli.app import print_json

    print_json(items)
    before = capsys.readouterr().out
    print_json_list(iter(items), chunk=2)
    assert capsys.readouterr().out == before
