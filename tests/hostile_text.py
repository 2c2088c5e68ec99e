"""Hostile decks built by the tests themselves (issue 21): text that tries to drive the
terminal, media names Anki would clean, a package whose media map and notes name files as
an attacker chooses."""

from __future__ import annotations

import html
import json
import sqlite3
import zipfile
from pathlib import Path

from tests.anki_helpers import add, new_collection, package

#: what a hostile deck author puts into a card's text
OSC52 = "\x1b]52;c;aGVsbG8=\x07"
OSC0 = "\x1b]0;PWNED-TITLE\x07"
CLEAR = "\x1b[2J\x1b[HFAKE: all cards mastered"
OSC8 = "\x1b]8;;https://evil.example/\x1b\\click here\x1b]8;;\x1b\\"
C1_CSI = "\x9b31mred"
RLO = "abc\u202egnp.exe"
ZERO_WIDTH = "pay\u200bpal\u2060\ufeff"
ATTACKS = (OSC52, OSC0, CLEAR, OSC8, C1_CSI, RLO, ZERO_WIDTH)
EVIL = "".join(ATTACKS)


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (controls as \\u escapes)."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def hostile_toml(deck_id: str = "evil", name: str = "Evil " + EVIL) -> str:
    """A deck file whose name and every card text carry the attacks."""
    cards = []
    for i, attack in enumerate(ATTACKS):
        cards.append(f"""
[[card]]
id = "c{i}"
question = {toml_string(f"Question {i} {attack}")}
choices = [{toml_string("right " + attack)}, {toml_string("wrong " + attack)}]
answer = "A"
explanation = {toml_string("because " + attack)}
wrong_feedback = {toml_string("no " + attack)}
tags = ["t{i}"]
""")
    cards.append(f"""
[[card]]
id = "basic"
question = {toml_string("basic " + EVIL)}
answer = {toml_string("answer " + EVIL)}
""")
    return f"""[deck]
id = "{deck_id}"
name = {toml_string(name)}

[deck.exam]
questions = {len(ATTACKS)}
minutes = 30
pass_mark = 0.5
""" + "".join(cards)


def package_with_media_names(tmp_path: Path, names: list[str], deck: str = "Media") -> Path:
    """A legacy .apkg with one Basic note per name, whose front shows the image ``name``,
    and the media map naming each file so: Anki's exporter would clean the names, so the
    package is made by Anki and then rewritten."""
    work = tmp_path / "media-names"
    work.mkdir(exist_ok=True)
    col = new_collection(work / "src.anki2")
    for i, _ in enumerate(names):
        col.media.write_data(f"p{i}.png", f"picture {i}".encode())
        add(col, "Basic", deck, Front=f'q{i} <img src="p{i}.png">', Back=f"a{i}")
    made = package(col, work / "made.apkg", scheduling=False, legacy=True)
    col.close()
    with zipfile.ZipFile(made) as zf:
        members = {info.filename: zf.read(info) for info in zf.infolist()}
    inner = "collection.anki21" if "collection.anki21" in members else "collection.anki2"
    db_path = work / "inner.anki2"
    db_path.write_bytes(members[inner])
    media = json.loads(members["media"])
    db = sqlite3.connect(db_path)
    for member, original in list(media.items()):
        i = int(original[1:-len(".png")])
        media[member] = names[i]
        db.execute("update notes set flds = replace(flds, ?, ?)",
                   (f'src="p{i}.png"', f'src="{html.escape(names[i])}"'))
    db.commit()
    db.close()
    members[inner] = db_path.read_bytes()
    members["media"] = json.dumps(media).encode()
    out = tmp_path / "names.apkg"
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


__all__ = ["ATTACKS", "CLEAR", "C1_CSI", "EVIL", "OSC0", "OSC52", "OSC8", "RLO", "ZERO_WIDTH", "hostile_toml",
           "package_with_media_names", "toml_string"]
