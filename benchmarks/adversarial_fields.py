"""The hostile fields of issue 21, each in a one-note package built with Anki's engine (the
`anki` package): how long srs takes to read the package (every card rendered and turned into
text) and how long Anki takes to render the same cards. "before" is what the issue measured
with srs's old regular expressions.

    .venv/bin/python benchmarks/adversarial_fields.py [--checkout DIR] [--worst-only]

Then the worst package within the budgets (srs/anki/text_budget.py): a small package whose
notes fill its budget of rendered text with the costliest text found for the HTML reader
(fields of MAX_FIELD_CHARS of `<li>&#1;`: html.parser, a list item and a character
reference every 8 characters), and the same package with one note more (refused).
``--checkout DIR`` reads the same packages with the srs of another checkout (its folder
first on sys.path), to compare with the version before.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
if "--checkout" in sys.argv:
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--checkout") + 1]).resolve()))

from anki.collection import Collection  # noqa: E402

from srs.anki.apkg_read import read_package  # noqa: E402
from srs.anki.scan import MAX_FIELD_CHARS  # noqa: E402
from srs.errors import UserError  # noqa: E402
from tests.anki_helpers import package  # noqa: E402

NESTED = 10_000
# name: (note type, fields, what the issue measured before)
ATTACKS = {
    "a plain note (opening a package)": ("Attack", {"Front": "q", "Back": "a"}, ""),
    'furigana "a[" * 1000': ("Attack", {"Front": "a[" * 1000}, "22 s"),
    'furigana "a[" * 2000': ("Attack", {"Front": "a[" * 2000}, "233 s"),
    'cloze "{{c1::" * 600': ("Cloze", {"Text": "{{c1::x}} " + "{{c1::" * 600}, "34 s"),
    'HTML to text "<a " * 8000': ("Attack", {"Front": "q", "Back": "<a " * 8000}, "10 s"),
    'answer rule "<hr " * 20000': ("Attack", {"Front": "q", "Back": "<hr " * 20000}, "51 s"),
    'text filter "<" * 80000': ("Attack", {"Front": "q", "Extra": "<" * 80000}, "11 s"),
    f"{NESTED:,} nested sections": ("Nested", {"Front": "deep"}, "RecursionError"),
    "cloze number of 5,000 digits": ("Cloze", {"Text": "{{c1::x}} {{c" + "9" * 5000 + "::y}}"}, "ValueError"),
    # the longest field srs reads (MAX_FIELD_CHARS), of the costliest text found for each parser
    'at the limit: "<b>x<" * 209715': ("Attack", {"Front": "q", "Back": "<b>x<" * (MAX_FIELD_CHARS // 5)}, ""),
    'at the limit: "a[b] " * 209715': ("Attack", {"Front": "a[b] " * (MAX_FIELD_CHARS // 5)}, ""),
    'over the limit: "a" * (2**20 + 1)': ("Attack", {"Front": "a" * (MAX_FIELD_CHARS + 1)}, ""),
}


def notetypes(col: Collection) -> None:
    mm = col.models
    attack = mm.new("Attack")
    for name in ("Front", "Back", "Extra"):
        mm.add_field(attack, mm.new_field(name))
    t = mm.new_template("Card 1")
    t["qfmt"] = "{{furigana:Front}}"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{Back}}{{text:Extra}}"
    mm.add_template(attack, t)
    mm.add(attack)
    nested = mm.new("Nested")
    mm.add_field(nested, mm.new_field("Front"))
    t = mm.new_template("Card 1")
    t["qfmt"] = "{{#Front}}" * NESTED + "{{Front}}" + "{{/Front}}" * NESTED
    t["afmt"] = "{{FrontSide}}<hr id=answer>ok"
    mm.add_template(nested, t)
    mm.add(nested)
    plain = mm.new("Plain")
    for name in ("Front", "Back"):
        mm.add_field(plain, mm.new_field(name))
    t = mm.new_template("Card 1")
    t["qfmt"] = "{{Front}}"
    t["afmt"] = "{{FrontSide}}<hr id=answer>{{Back}}"
    mm.add_template(plain, t)
    mm.add(plain)


def build(tmp: Path, number: int, notetype: str, fields: dict[str, str]) -> tuple[Path, float]:
    """The package, and Anki's time to render its cards."""
    col = Collection(str(tmp / f"{number}.anki2"))
    notetypes(col)
    note = col.new_note(col.models.by_name(notetype))
    for name, value in fields.items():
        note[name] = value
    col.add_note(note, col.decks.id("Attack"))
    start = time.perf_counter()
    for card in note.cards():
        card.render_output()
    anki = time.perf_counter() - start
    out = package(col, tmp / f"{number}.apkg")
    col.close()
    return out, anki


WORST_UNIT = "<li>&#1;"
#: each note costs its field three times: read from the collection, its question, and its
#: answer side with the front side again (64 Mi characters: the budget of a small package)
WORST_NOTES = 64 * 2**20 // (3 * MAX_FIELD_CHARS + 64)


def worst(tmp: Path, notes: int) -> Path:
    col = Collection(str(tmp / f"worst{notes}.anki2"))
    notetypes(col)
    field = WORST_UNIT * (MAX_FIELD_CHARS // len(WORST_UNIT))
    for i in range(notes):
        note = col.new_note(col.models.by_name("Plain"))
        note["Front"], note["Back"] = f"{i}" + field[len(str(i)):], "b"
        col.add_note(note, col.decks.id("Worst"))
    out = package(col, tmp / f"worst{notes}.apkg")
    col.close()
    return out


def worst_rows(tmp: Path) -> None:
    print(f"\n{'worst package within the budgets':44} {'package':>9} {'read':>9}  result")
    for notes in (WORST_NOTES, WORST_NOTES + 1):
        path = worst(tmp, notes)
        start = time.perf_counter()
        try:
            result = f"{len(read_package(path).cards)} cards read"
        except UserError as exc:
            result = f"refused: {str(exc).split(': refused: ')[-1][:60]}…"
        took = time.perf_counter() - start
        name = f"{notes} notes of {MAX_FIELD_CHARS:,} x {WORST_UNIT!r}"
        print(f"{name:44} {path.stat().st_size / 1024:6.0f} KB {took:8.1f}s  {result}")


def main() -> None:
    if "--worst-only" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            worst_rows(Path(tmp))
        return
    print(f"{'field':34} {'before':>15} {'srs now':>9} {'Anki':>9}  cards (srs: the least of 3 reads)")
    with tempfile.TemporaryDirectory() as tmp:
        for number, (name, (notetype, fields, before)) in enumerate(ATTACKS.items()):
            path, anki = build(Path(tmp), number, notetype, fields)
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                read = read_package(path)
                best = min(best, time.perf_counter() - start)
            print(f"{name:34} {before:>15} {best:8.3f}s {anki:8.3f}s  {len(read.cards)} read, "
                  f"{len(read.skipped)} skipped")
        worst_rows(Path(tmp))


if __name__ == "__main__":
    main()
