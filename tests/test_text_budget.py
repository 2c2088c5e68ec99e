"""A package may make srs render only so much text (srs/anki/text_budget.py): all its cards'
rendered text counts against one budget, and a package past it is refused whole, with one
line naming it and the budget, and nothing written. The limit is patched down here so the
packages stay small; the real one is 64 Mi characters or more."""

from __future__ import annotations

from pathlib import Path

import pytest

import srs.anki.text_budget as text_budget
from srs.anki.apkg_read import open_package
from srs.anki.template import CardContext, render, render_counted
from srs.anki.text_budget import TEXT_CEILING, TEXT_FLOOR, TextTooLong, text_budget_for
from tests.anki_helpers import add, new_collection, package
from tests.cli.helpers import cli_on_one_deck, errors, table_rows

NOTES = 30


def build(folder: Path, colpkg: bool) -> Path:
    """Thirty Basic notes (rendered by their templates) of some 1,700 characters each."""
    folder.mkdir(parents=True, exist_ok=True)
    col = new_collection(folder / "source.anki2")
    for i in range(NOTES):
        add(col, "Basic", "Long", Front=f"{i} " + "日本[にほん] <b>x</b> " * 100, Back=f"answer {i}")
    if colpkg:
        out = folder / "long.colpkg"
        col.export_collection_package(str(out), include_media=False, legacy=False)
    else:
        out = package(col, folder / "long.apkg", legacy=False)
    col.close()
    return out


@pytest.fixture(scope="module", params=["apkg", "colpkg"])
def long_package(request, tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp(request.param), request.param == "colpkg")


def rendered(path: Path) -> int:
    """The characters reading ``path`` renders (its budget's spending, read once in full)."""
    with open_package(path) as reader:
        assert sum(len(batch) for batch in reader.batches()) == NOTES
        return reader.text.spent


@pytest.fixture
def srs(tmp_path, monkeypatch):
    """``srs ARGS`` in-process on a database that already holds one imported deck."""
    return cli_on_one_deck(tmp_path, monkeypatch)


def test_a_package_over_its_text_budget_is_refused_whole_and_one_just_under_imports(long_package, srs,
                                                                                     monkeypatch):
    spent = rendered(long_package)
    assert spent > NOTES * 1700  # each card's question (1,703 characters) and its answer
    before = table_rows(srs.db)
    monkeypatch.setattr(text_budget, "text_budget_for", lambda size: spent - 1)
    result = srs("import", str(long_package))
    assert result.exit_code == 1
    lines = errors(result.stderr).splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert lines[0].startswith(f"error: {long_package}: refused: its cards' text passes its budget"), lines
    assert table_rows(srs.db) == before  # nothing written: not the cards read before the budget ran out

    monkeypatch.setattr(text_budget, "text_budget_for", lambda size: spent)
    result = srs("import", str(long_package))
    assert result.exit_code == 0, result.stderr
    assert table_rows(srs.db)["cards"] == before["cards"] + NOTES


def test_a_template_repeating_a_field_stops_rendering_at_the_limit():
    ctx = CardContext({"F": "x" * 1000})
    assert render("{{F}}" * 10, "{{FrontSide}}", ctx, limit=20_000) == ("x" * 10_000, "")
    with pytest.raises(TextTooLong):
        render("{{F}}" * 10, "{{FrontSide}}", ctx, limit=19_999)  # the answer repeats the front
    with pytest.raises(TextTooLong):
        render("{{F}}" * 100_000, "", ctx, limit=50_000)  # stopped after some 51 fields, not 100 Mi


def test_what_filters_and_sections_read_counts_though_it_shows_nothing():
    ctx = CardContext({"F": "<b>" * 1000, "S": " " * 5000})
    assert render_counted("{{text:F}}", "", ctx) == ("", "", 3000)  # read 3,000, shows nothing
    assert render_counted("{{#S}}x{{/S}}" * 10, "", ctx)[2] == 50_000  # each test reads the spaces
    with pytest.raises(TextTooLong):
        render_counted("{{kana:F}}" * 100, "", ctx, limit=10_000)


def test_the_budget_grows_with_the_package_between_a_floor_and_a_ceiling():
    assert text_budget_for(100_000) == TEXT_FLOOR == 64 * 2**20
    assert text_budget_for(10 * 2**20) == 640 * 2**20
    assert text_budget_for(2**30) == TEXT_CEILING == 2**30
