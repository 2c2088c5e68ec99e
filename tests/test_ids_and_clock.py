"""Ids a person can trust (srs/scripts.py, in deck files and srs's CSV) and the range of
times srs works with (srs/clock.py: SRS_NOW and every date option)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.anki.ids import deck_id
from srs.anki.textfile import read_csv
from srs.clock import EARLIEST, LATEST, exam_date, now, on_date, parse_instant
from srs.deckfile import parse_toml
from srs.errors import DeckFileError, UserError
from srs.scripts import mixed_scripts, script
from srs.settings import validate

CYRILLIC_I = "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I"


@pytest.mark.parametrize("text", ["dl-final", "русский-слова", "ελληνικά-2", "日本語", "にほんご-日本語-jlpt",
                                  "한국어-korean", "arabic-عربي", "中文-ㄅ", "deck_1-2", "ｆｕｌｌ-width"])
def test_single_script_ids_and_writing_systems_pass(text):
    assert mixed_scripts(text) == []


@pytest.mark.parametrize(("text", "odd"), [
    ("dl-fіnal", [CYRILLIC_I]),
    ("dl-ѕаре", ["U+0064 LATIN SMALL LETTER D", "U+006C LATIN SMALL LETTER L"]),  # the fewer are named
    ("αlpha", ["U+03B1 GREEK SMALL LETTER ALPHA"]),
    ("русскийΑ", ["U+0391 GREEK CAPITAL LETTER ALPHA"]),
    ("𝐝𝐥-fіnal", [CYRILLIC_I]),  # a mathematical letter counts as the letter it stands for
])
def test_mixed_scripts_name_the_odd_characters(text, odd):
    assert mixed_scripts(text) == odd


def test_scripts_of_letters_and_neutral_characters():
    assert [script(c) for c in "aіα日あア한ㄅ-1_"] == ["Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana",
                                                      "Hangul", "Bopomofo", "", "", ""]


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-"))
def test_ascii_never_mixes(text):
    assert mixed_scripts(text) == []


def deck_toml(deck: str, card: str = "one") -> str:
    return f'[deck]\nid = "{deck}"\nname = "D"\n\n[[card]]\nid = "{card}"\nquestion = "Q?"\nanswer = "A"\n'


def test_a_deck_file_with_a_mixed_script_id_is_refused_naming_the_character():
    with pytest.raises(DeckFileError) as err:
        parse_toml(deck_toml("dl-fіnal"), "x.toml")
    assert str(err.value).startswith("x.toml:2: [deck]: id 'dl-fіnal' mixes scripts") and CYRILLIC_I in str(err.value)
    with pytest.raises(DeckFileError, match=re.escape(CYRILLIC_I)):
        parse_toml(deck_toml("dl-final", "fіnal-card"), "x.toml")
    assert parse_toml(deck_toml("русский-слова"), "x.toml").id == "русский-слова"


def test_ids_end_where_they_seem_to():
    with pytest.raises(DeckFileError, match="lower-case letters"):
        parse_toml(deck_toml("dl-final\\n"), "x.toml")
    with pytest.raises(DeckFileError, match="must match"):
        parse_toml(deck_toml("dl-final", "one\\n"), "x.toml")


def test_srs_csv_ids_are_checked(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("question,answer,explanation,tags,feedback,deck,id\nQ?,A,,,,dl-fіnal,one\n", encoding="utf-8")
    with pytest.raises(DeckFileError, match=f"x.csv:2: deck id 'dl-fіnal' mixes scripts .*{re.escape(CYRILLIC_I)}"):
        read_csv(path)
    path.write_text("question,answer,explanation,tags,feedback,deck,id\nQ?,A,,,,dl-final,Bad Id\n", encoding="utf-8")
    with pytest.raises(DeckFileError, match="card id 'Bad Id' must be"):
        read_csv(path)


def test_an_anki_deck_name_that_would_mix_scripts_gets_a_digest_id():
    assert deck_id("Русский::Слова") == "русский-слова"
    assert deck_id("DL Fіnal").startswith("deck-") and deck_id("DL Fіnal") == deck_id("DL Fіnal")
    assert deck_id("Deutsch – Русский").startswith("deck-")


# ---------------------------------------------------------------- the clock's range
@pytest.mark.parametrize("text", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", "1969-12-31T23:59:59+00:00",
                                  "9001-01-01T00:00:00+00:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_srs_now_out_of_range_is_one_user_error(monkeypatch, text):
    monkeypatch.setenv("SRS_NOW", text)
    with pytest.raises(UserError, match=re.escape(f"SRS_NOW '{text}' is out of range: srs works with times from 1970 to 9000")):
        now()


@pytest.mark.parametrize("text", ["1970-01-01T00:00:00+00:00", "9000-12-31T23:59:59+00:00"])
def test_the_ends_of_the_range_are_in_it(monkeypatch, text):
    monkeypatch.setenv("SRS_NOW", text)
    assert now() in (EARLIEST, LATEST)


def test_date_options_out_of_range():
    reference = datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-12)))
    for text in ("9999-12-31", "0001-01-01", "9999-12-31T23:59:59+00:00"):
        with pytest.raises(UserError, match=re.escape(f"--on '{text}' is out of range")):
            exam_date(text, None, 4, reference, "--on")
    with pytest.raises(UserError, match="exam_date '9999-12-31' is out of range"):
        exam_date(None, "9999-12-31", 4, reference)
    assert on_date("8999-12-31", 4, reference).year == 8999
    with pytest.raises(UserError, match="or an ISO 8601 date-time"):
        parse_instant("10000-01-01")
    with pytest.raises(UserError, match="from 1970 to 8999"):
        validate("exam_date", "9000-06-01")
    assert validate("exam_date", "8999-06-01") == "8999-06-01"
