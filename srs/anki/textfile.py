"""Anki's text import format (.txt with `#` header lines) and plain CSV, both ways."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from srs.anki.apkg_write import ExportCard, basic_fields, text_to_html
from srs.anki.ids import guid
from srs.deckfile import CardSpec, DeckSpec, slug
from srs.errors import DeckFileError
from srs.model import LETTERS, CardKind


def basic_front_back(card) -> list[str]:
    """A card as the two fields of Anki's Basic note type, which every Anki has (HTML): a
    multiple-choice card's front is its question with the lettered choices, its back the
    right letter and choice, the explanation and the feedback for a wrong answer."""
    if card.kind is not CardKind.MC:
        return basic_fields(card)
    choices = "".join(f"<li>{text_to_html(c)}</li>" for c in card.choices or ())
    back = f"{card.answer}) {text_to_html(card.right_choice)}"
    for extra in (card.explanation, card.wrong_feedback):
        if extra:
            back += "<br><br>" + text_to_html(extra)
    return [f'{text_to_html(card.question)}<ol type="A">{choices}</ol>', back]


def write_anki_text(out: io.TextIOBase, deck_names: dict[str, str], cards: Iterable[ExportCard]) -> int:
    """Anki's text format for a fresh collection: every note of the Basic note type (which
    every Anki has). Columns: guid (stable, so importing again updates), deck, tags, front, back."""
    out.write("#separator:tab\n#html:true\n#notetype:Basic\n#guid column:1\n#deck column:2\n#tags column:3\n")
    writer = csv.writer(out, delimiter="\t", quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    n = 0
    for item in cards:
        card = item.card
        row = [guid(card.deck_id, card.card_id), deck_names[card.deck_id], " ".join(card.tags),
               *basic_front_back(card)]
        writer.writerow([v.replace("\r", "") for v in row])
        n += 1
    return n


def write_csv(out: io.TextIOBase, cards: Iterable[ExportCard]) -> int:
    """question,answer,explanation,tags; a multiple-choice card's choices go in the question
    (one per line, lettered) and its answer is the right letter and text."""
    writer = csv.writer(out)
    writer.writerow(["question", "answer", "explanation", "tags"])
    n = 0
    for item in cards:
        card = item.card
        if card.kind is CardKind.MC:
            question = card.question + "\n" + "\n".join(f"{LETTERS[i]}) {c}" for i, c in enumerate(card.choices))
            answer = f"{card.answer}) {card.right_choice}"
        else:
            question, answer = card.question, card.answer
        writer.writerow([question, answer, card.explanation, " ".join(card.tags)])
        n += 1
    return n


def read_csv(path: Path) -> DeckSpec:
    """question,answer[,explanation,tags]: basic cards in a deck named after the file. A
    header row (question,answer,...) is optional. Card ids come from the row's question,
    so a re-import of an edited file matches cards by their question."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DeckFileError(str(path), None, "not UTF-8 text") from None
    except OSError as exc:
        raise DeckFileError(str(path), None, f"cannot read: {exc.strerror or exc}") from None
    if "\x00" in text:
        raise DeckFileError(str(path), None, "contains a NUL character")
    reader = csv.reader(io.StringIO(text, newline=""))
    cards: list[CardSpec] = []
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not cards and not seen and [c.strip().lower() for c in row[:2]] == ["question", "answer"]:
                seen["__header__"] = line
                continue
            if len(row) < 2 or len(row) > 4:
                raise DeckFileError(str(path), line, f"expected question,answer[,explanation,tags], found "
                                                     f"{len(row)} column(s)")
            question, answer = row[0].strip(), row[1].strip()
            if not question or not answer:
                raise DeckFileError(str(path), line, "question and answer must not be empty")
            explanation = row[2].strip() if len(row) > 2 else ""
            tags = tuple(dict.fromkeys(t for t in re.split(r"[\s,;]+", row[3]) if t)) if len(row) > 3 else ()
            card_id = slug(question)[:48].strip("-") or "card"
            if card_id in seen:
                base, k = card_id, 2
                while f"{base}-{k}" in seen:
                    k += 1
                card_id = f"{base}-{k}"
            seen[card_id] = line
            cards.append(CardSpec(card_id, question, answer, None, explanation, "", tags, line))
    except csv.Error as exc:
        raise DeckFileError(str(path), reader.line_num, f"bad CSV: {exc}") from None
    if not cards:
        raise DeckFileError(str(path), None, "no cards (expected rows of question,answer)")
    name = path.stem
    return DeckSpec(slug(name), name, "", None, tuple(cards), str(path))


__all__ = ["read_csv", "write_anki_text", "write_csv"]
