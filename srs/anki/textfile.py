"""Anki's text import format (.txt with `#` header lines) and plain CSV, both ways (a card's
fields as srs/anki/convert.py writes and reads them)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from srs.anki.convert import basic_front_back, split_back, srs_card, text_to_html
from srs.anki.html import to_text
from srs.anki.ids import ANKI_ID, card_id
from srs.anki.template import cloze, cloze_numbers
from srs.anki.types import NEW, AnkiCard, AnkiPackage, ExportCard
from srs.deckfile import DECK_ID_RE, ID_RE, CardSpec, DeckSpec, slug
from srs.errors import DeckFileError, detail
from srs.model import LETTERS, CardKind
from srs.rules import choice_count_ok
from srs.scripts import mixed_scripts_message


def write_anki_text(out: io.TextIOBase, deck_names: dict[str, str], cards: Iterable[ExportCard]) -> int:
    """Anki's text format for a fresh collection: every note of the Basic note type (which
    every Anki has). Columns: guid (stable, so importing again updates, in Anki and in srs),
    deck, tags, front, back."""
    out.write("#separator:tab\n#html:true\n#notetype:Basic\n#guid column:1\n#deck column:2\n#tags column:3\n")
    writer = csv.writer(out, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    n = 0
    for item in cards:
        card = item.card
        row = [item.guid, deck_names[card.deck_id], " ".join(t.replace(" ", "_") for t in card.tags),
               *basic_front_back(card)]
        writer.writerow([v.replace("\r", "") for v in row])
        n += 1
    return n


def _read_text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DeckFileError(str(path), None, "not UTF-8 text") from None
    except OSError as exc:
        raise DeckFileError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    if "\x00" in text:
        raise DeckFileError(str(path), None, "contains a NUL character")
    return text


_HEADER_LINE = re.compile(r"^#([a-z ]+):(.*)$")
_CSV_HEADER = re.compile(r"^\ufeff?question,answer\b", re.I)


def sniff(path: Path) -> str:
    """What a .txt or .csv holds, by its first line: "anki" (Anki's text format, `#key:value`
    headers), "csv" (question,answer,... with a header row), or "" (anything else)."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            first = f.readline().rstrip("\r\n")
    except OSError:
        return ""
    m = _HEADER_LINE.match(first)
    if m and m.group(1).strip() in _ANKI_KEYS:
        return "anki"
    return "csv" if _CSV_HEADER.match(first) else ""


_ANKI_KEYS = frozenset({"separator", "html", "tags", "columns", "notetype", "deck", "notetype column",
                        "deck column", "tags column", "guid column", "if matches"})
_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}


def read_anki_text(path: Path) -> AnkiPackage:
    """A file in Anki's text format (`#separator:`, `#html:`, `#guid column:`, `#deck column:`,
    …; what Anki writes as "Notes in Plain Text" and what srs exports): a card per row (a
    cloze row, a card per deletion), recognised on import by its GUID."""
    text = _read_text(path)
    lines = text.splitlines(keepends=True)
    headers: dict[str, str] = {}
    body = len(lines)  # the first line after the headers
    for i, header in enumerate(lines):
        m = _HEADER_LINE.match(header.rstrip("\r\n"))
        if not m or m.group(1).strip() not in _ANKI_KEYS:
            body = i
            break
        headers[m.group(1).strip()] = m.group(2).strip()
    rest = "".join(lines[body:])
    sep = headers.get("separator", "")
    sep = _SEPARATORS.get(sep.lower(), sep[:1]) if sep else next((c for c in "\t;," if c in rest.split("\n", 1)[0]), "\t")
    html = headers.get("html", "false").lower() == "true"

    def column(name: str) -> int | None:
        value = headers.get(f"{name} column", "")
        return int(value) - 1 if value.isdecimal() and len(value) < 10 and int(value) > 0 else None

    meta = {k: column(k) for k in ("guid", "deck", "notetype", "tags")}
    default_deck = headers.get("deck") or path.stem
    default_tags = tuple(headers.get("tags", "").split())
    package = AnkiPackage(source=str(path), history=False)
    seen: set[str] = set()
    reader = csv.reader(io.StringIO(rest, newline=""), delimiter=sep, quotechar='"')
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            line = body + reader.line_num

            def cell(k: str, row: list[str] = row) -> str:
                i = meta[k]
                return row[i].strip() if i is not None and i < len(row) else ""

            fields = [v for i, v in enumerate(row) if i not in meta.values()]
            if not fields:
                raise DeckFileError(str(path), line, "a row without fields")
            as_html = fields if html else [text_to_html(f) for f in fields]
            front, back = as_html[0], (as_html[1] if len(as_html) > 1 else "")
            tags = tuple(dict.fromkeys(default_tags + tuple(cell("tags").split())))
            deck = cell("deck") or default_deck
            note_guid = cell("guid")
            notetype = cell("notetype") or headers.get("notetype", "")
            numbers = cloze_numbers(front)
            if numbers and (not notetype or "cloze" in notetype.lower()):
                for n in numbers:
                    question, answer = cloze(front, n)
                    cid = card_id(note_guid, n - 1, True) if note_guid else f"{slug(to_text(front))[:44]}-c{n}"
                    spec = CardSpec(cid, to_text(question), to_text(answer + ("<br>" + back if back else "")), None,
                                    "", "", tags, line)
                    package.cards.append(AnkiCard(spec, note_guid, n - 1, deck, notetype or "Cloze", NEW))
                continue
            cid = card_id(note_guid, 0, False) if note_guid else _unique(slug(to_text(front))[:48].strip("-") or "card", seen)
            made = srs_card(cid, front, back, tags)
            if made is None:
                answer, explanation = split_back(back)
                made = CardSpec(cid, to_text(front), to_text(answer), None, to_text(explanation), "", tags, line)
            spec = made
            if not spec.question:
                raise DeckFileError(str(path), line, "the front field is empty")
            package.cards.append(AnkiCard(spec, note_guid, 0, deck, notetype or "Basic", NEW))
    except csv.Error as exc:
        raise DeckFileError(str(path), body + reader.line_num, f"bad CSV: {detail(exc)}") from None
    if not package.cards:
        raise DeckFileError(str(path), None, "no notes (rows of fields after the # header lines)")
    return package


def _unique(card_id: str, seen: set[str]) -> str:
    base, k = card_id, 2
    while card_id in seen:
        card_id, k = f"{base}-{k}", k + 1
    seen.add(card_id)
    return card_id


CSV_COLUMNS = ["question", "answer", "explanation", "tags", "feedback", "deck", "id"]


def write_csv(out: io.TextIOBase, cards: Iterable[ExportCard]) -> int:
    """question,answer,explanation,tags,feedback,deck,id; a multiple-choice card's choices go
    in the question (one per line, lettered) and its answer is the right letter and text.
    The deck and card ids bring the rows back to the same cards on import."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for item in cards:
        card = item.card
        if card.kind is CardKind.MC:
            question = card.question + "\n" + "\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices or ()))
            answer = f"{card.answer}) {card.right_choice}"
        else:
            question, answer = card.question, card.answer
        writer.writerow([question, answer, card.explanation, " ".join(t.replace(" ", "_") for t in card.tags),
                         card.wrong_feedback, card.deck_id, card.card_id])
        n += 1
    return n


_CHOICE_LINE = re.compile(r"^([A-F])\) (.*)$")


def _mc_from_csv(question: str, answer: str) -> tuple[str, str, tuple[str, ...]] | None:
    """srs's CSV shape of a multiple-choice card: lettered choice lines ending the question,
    the answer "C) its text". (question, letter, choices), or None."""
    lines = question.split("\n")
    choices: list[str] = []
    while lines and (m := _CHOICE_LINE.match(lines[-1])):
        choices.insert(0, m.group(2))
        lines.pop()
        if m.group(1) == "A":
            break
    a = _CHOICE_LINE.match(answer)
    if not (choice_count_ok(len(choices)) and lines and a) or LETTERS.index(a.group(1)) >= len(choices) or \
            choices[LETTERS.index(a.group(1))] != a.group(2):
        return None
    if "".join(LETTERS[:len(choices)]) != "".join(m.group(1) if (m := _CHOICE_LINE.match(x)) else "" for x in
                                                  question.split("\n")[len(lines):]):
        return None
    return "\n".join(lines), a.group(1), tuple(choices)


def _check_target(path: Path, line: int, deck: str, card: str) -> None:
    """The deck and card ids a row of srs's CSV carries: as a deck file's ids, or as srs
    names a card from Anki; never mixing scripts that look alike."""
    for what, value, ok in (("deck id", deck, bool(DECK_ID_RE.match(deck)) and deck == deck.casefold()),
                            ("card id", card, bool(ID_RE.match(card) or ANKI_ID.match(card)))):
        if mixed := mixed_scripts_message(what, value):
            raise DeckFileError(str(path), line, mixed)
        if not ok:
            raise DeckFileError(str(path), line, f"{what} {value!r} must be lower-case letters, digits and hyphens")


def read_csv(path: Path) -> DeckSpec | AnkiPackage:
    """question,answer[,explanation,tags]: basic cards of a deck named after the file (a
    whole deck: rows that go away are retired). With a header row, columns are found by
    name; srs's own export adds feedback, deck and id, and then the rows merge back into
    those decks and cards (multiple-choice cards again multiple choice)."""
    text = _read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    cards: list[CardSpec] = []
    targets: list[tuple[str, str] | None] = []
    seen: set[str] = set()
    names: list[str] | None = None
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if names is None and not cards and [c.strip().lower() for c in row[:2]] == ["question", "answer"]:
                names = [c.strip().lower() for c in row]
                unknown = [n for n in names if n not in CSV_COLUMNS]
                if unknown:
                    raise DeckFileError(str(path), line, f"unknown column {unknown[0]!r} (known: "
                                                         f"{', '.join(CSV_COLUMNS)})")
                continue
            if names is None and (len(row) < 2 or len(row) > 4):
                raise DeckFileError(str(path), line, f"expected question,answer[,explanation,tags], found "
                                                     f"{len(row)} column(s)")
            if names is not None and len(row) > len(names):
                raise DeckFileError(str(path), line, f"{len(row)} columns, the header names {len(names)}")
            values = dict(zip(names or CSV_COLUMNS, (c.strip() for c in row), strict=False))
            question, answer = values.get("question", ""), values.get("answer", "")
            if not question or not answer:
                raise DeckFileError(str(path), line, "question and answer must not be empty")
            tags = tuple(dict.fromkeys(t for t in re.split(r"[\s,;]+", values.get("tags", "")) if t))
            target = (values["deck"], values["id"]) if values.get("deck") and values.get("id") else None
            if target is not None:
                _check_target(path, line, *target)
            cid = target[1] if target else _unique(slug(question)[:48].strip("-") or "card", seen)
            mc = _mc_from_csv(question, answer) if target else None
            if mc:
                cards.append(CardSpec(cid, mc[0], mc[1], mc[2], values.get("explanation", ""),
                                      values.get("feedback", ""), tags, line))
            else:
                cards.append(CardSpec(cid, question, answer, None, values.get("explanation", ""),
                                      values.get("feedback", ""), tags, line))
            targets.append(target)
    except csv.Error as exc:
        raise DeckFileError(str(path), reader.line_num, f"bad CSV: {detail(exc)}") from None
    if not cards:
        raise DeckFileError(str(path), None, "no cards (expected rows of question,answer)")
    if any(targets):
        package = AnkiPackage(source=str(path), history=False)
        for spec, target in zip(cards, targets, strict=True):
            package.cards.append(AnkiCard(spec, "", 0, target[0] if target else path.stem, "csv", NEW, (), target))
        return package
    name = path.stem
    return DeckSpec(slug(name), name, "", None, tuple(cards), str(path))


__all__ = ["read_anki_text", "read_csv", "sniff", "write_anki_text", "write_csv"]
