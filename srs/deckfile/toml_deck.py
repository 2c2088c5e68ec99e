"""The TOML deck format (docs/deck-format.md): the text read as TOML (tomllib, or toml-rs
for large files, in pieces), every rule checked with the file and line of any error, and a
deck written back (tomli-w)."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from srs.deckfile.lines import _Lines, _Loc
from srs.deckfile.records import (
    DECK_ID_RE,
    ID_RE,
    MAX_CHOICES,
    MIN_CHOICES,
    CardSpec,
    DeckSpec,
    ExamSettings,
    _card_spec,
)
from srs.errors import DeckFileError
from srs.model import LETTERS, CardKind
from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK, choice_count_ok
from srs.scripts import mixed_scripts_message

_DECK_KEYS = {"id", "name", "description", "exam"}
_EXAM_KEYS = {"questions", "minutes", "pass_mark"}
_CARD_KEYS = frozenset({"id", "question", "choices", "answer", "explanation", "wrong_feedback", "tags"})
_SPACE = re.compile(r"\s")


#: From this size on a deck file is parsed by toml-rs (Rust; ~10x tomllib on a 100,000-card
#: file); smaller files by tomllib, which costs no import. Both read TOML 1.0.
FAST_PARSE_CHARS = 256 * 1024


#: toml-rs is only given text whose brackets nest at most about this deep: it crashes the
#: process (a stack overflow, not an exception) on arrays nested some thousands deep
MAX_FAST_DEPTH = 100
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def nests_deeper(text: str, depth: int = MAX_FAST_DEPTH) -> bool:
    """Whether the text's brackets may nest deeper than ``depth`` (brackets in strings count
    too). False means at most 2 × ``depth`` deep: each round takes away the innermost
    pairs, a level of each kind at least."""
    s = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    for _ in range(depth):
        shorter = s.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(s):
            return False
        s = shorter
    return b"[]" in s or b"{}" in s


def _fast_loads(text: str) -> dict[str, Any] | None:
    """The document by toml-rs, or None when it is not installed, nests too deep for it or
    finds any error: then tomllib parses the text again, so a syntax error's message and
    line are tomllib's (and too deep a nesting is its RecursionError)."""
    if nests_deeper(text):
        return None
    try:
        import toml_rs
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        return toml_rs.loads(text, toml_version="1.0.0")
    except Exception:  # noqa: BLE001 - whatever it is, the strict path decides and words it
        return None


def load_toml(text: str) -> dict[str, Any]:
    """The TOML document as Python data (tomllib's TOMLDecodeError on a syntax error)."""
    data = _fast_loads(text) if len(text) >= FAST_PARSE_CHARS else None
    return tomllib.loads(text) if data is None else data


#: a large file is parsed in pieces of about this many characters, each cut just before a
#: ``[[card]]`` line, and each piece's cards are checked before the next piece is parsed
PIECE_CHARS = 256 * 1024
_CARD_LINE = re.compile(r"\n\[\[card\]\][ \t]*\r?\n")


def _pieces(text: str) -> list[int] | None:
    """Where to cut the text: the start of the first ``[[card]]`` line, then of one about
    every PIECE_CHARS (None: no such line after the head of the file)."""
    first = _CARD_LINE.search(text)
    if first is None:
        return None
    cuts = [first.start() + 1]
    while True:
        found = _CARD_LINE.search(text, cuts[-1] + PIECE_CHARS - 1)
        if found is None:
            return cuts
        cuts.append(found.start() + 1)


def _parse_in_pieces(text: str, path: str) -> DeckSpec | None:
    """The deck as ``parse_toml`` reads it, with the document never whole in memory: the
    head (before the first ``[[card]]``) and then each piece of cards parsed by toml-rs on
    its own, its cards checked and its tables dropped. None on anything unexpected (a piece
    that does not parse, a piece with more than cards, the head with cards, any error in
    the deck): then the whole text is parsed and checked as ever, which words the error.

    Each piece is the whole file's own text from a line start: if a cut fell inside a
    multi-line string or array, the piece before it would end unterminated and fail; so
    when all parse, each ``[[card]]`` line is a table header, and a piece holding only
    ``card`` adds tables to the card array exactly as in the whole file."""
    cuts = _pieces(text)
    if cuts is None or nests_deeper(text):
        return None
    try:
        import toml_rs
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    bounds = [0, *cuts, len(text)]
    try:
        head = toml_rs.loads(text[:cuts[0]], toml_version="1.0.0")
        if "card" in head:
            return None
        head["card"] = []  # an array of tables, as the first [[card]] makes it
        deck = _Deck(head, text, path)
        for start, end in zip(bounds[1:-1], bounds[2:], strict=True):  # each piece: a cut to the next
            piece = toml_rs.loads(text[start:end], toml_version="1.0.0")
            if len(piece) != 1 or not isinstance(piece.get("card"), list):
                return None
            deck.add_cards(piece.pop("card"))
            del piece
        return deck.finish()
    except Exception:  # noqa: BLE001 - a DeckFileError or any other: the whole-file path decides and words it
        return None


def parse_toml(text: str, path: str = "<deck>") -> DeckSpec:
    """A TOML deck (docs/deck-format.md) as a DeckSpec; DeckFileError naming path:line otherwise."""
    if len(text) >= FAST_PARSE_CHARS:
        spec = _parse_in_pieces(text, path)
        if spec is not None:
            return spec
    try:
        data = load_toml(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", message)
        line = int(m.group(1)) if m else None
        if m is None and "end of document" in message:
            line = text.count("\n") + 1
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", message)
        raise DeckFileError(path, line, f"invalid TOML: {message}") from None
    deck = _Deck(data, text, path)
    deck.add_cards(deck.raw_cards)
    return deck.finish()


class _Deck:
    """The checks of a parsed document, in the order errors are reported: the top-level keys
    and [deck] (on creation), the cards (``add_cards``, as many times as there are pieces),
    then what needs them all (``finish``)."""

    def __init__(self, data: dict[str, Any], text: str, path: str) -> None:
        self.path = path
        self.lines = lines = _Lines(text)
        fail = self.fail
        for key in data:
            if key not in ("deck", "card"):
                raise fail(lines.key("", key), f"unknown key {key!r} (expected [deck] and [[card]])")
        deck = data.get("deck")
        if not isinstance(deck, dict):
            raise fail(1, "missing [deck] table")
        for key in deck:
            if key not in _DECK_KEYS:
                raise fail(lines.key("deck", key), f"[deck]: unknown key {key!r}")
        deck_id = _text(deck, "id", fail, lines.key("deck", "id"), "[deck]", required=True)
        if not DECK_ID_RE.match(deck_id) or deck_id != deck_id.casefold():
            raise fail(lines.key("deck", "id"), f"[deck]: id {deck_id!r} must be lower-case letters, digits and "
                                                "hyphens (e.g. [a-z0-9][a-z0-9-]*)")
        if mixed := mixed_scripts_message("[deck]: id", deck_id):
            raise fail(lines.key("deck", "id"), mixed)
        self.id = deck_id
        self.name = _text(deck, "name", fail, lines.key("deck", "name"), "[deck]", required=True)
        self.description = _text(deck, "description", fail, lines.key("deck", "description"), "[deck]")
        self.exam = _exam(deck.get("exam"), fail, lines) if "exam" in deck else None
        raw_cards = data.get("card", [])
        if not isinstance(raw_cards, list):
            raise fail(lines.key("", "card"), "card must be an array of tables ([[card]])")
        self.raw_cards = raw_cards
        self.cards: list[CardSpec] = []
        self.seen: dict[str, int] = {}  # card id -> index of its first [[card]]

    def fail(self, line: "int | _Loc | None", message: str) -> DeckFileError:
        return DeckFileError(self.path, line.resolve() if isinstance(line, _Loc) else line, message)

    def add_cards(self, raw_cards: list[Any]) -> None:
        fail, lines, cards, seen = self.fail, self.lines, self.cards, self.seen
        for index, raw in enumerate(raw_cards, start=len(cards)):
            if not isinstance(raw, dict):
                raise fail(lines.table("card", index), "each card must be a table")
            card = _card(raw, index, fail, lines)
            cards.append(card)
            if seen.setdefault(card.id, index) != index:
                first = lines.table("card", seen[card.id]).resolve()
                raise fail(lines.table("card", index), f'card "{card.id}": duplicate id (first at line {first})')

    def finish(self) -> DeckSpec:
        exam, cards = self.exam, self.cards
        if exam is not None and exam.questions is not None:
            mc = sum(1 for c in cards if CardKind.of(c.choices) is CardKind.MC)
            if exam.questions > mc:
                raise self.fail(
                    self.lines.key("deck.exam", "questions"),
                    f"[deck.exam]: questions = {exam.questions} but the deck has {mc} multiple-choice cards",
                )
        return DeckSpec(self.id, self.name, self.description, exam, tuple(cards), self.path)


def _text(table: dict[str, Any], key: str, fail, line, where: str, required: bool = False) -> str:
    if key not in table:
        if required:
            raise fail(line, f"{where}: missing required key {key!r}")
        return ""
    value = table[key]
    if not isinstance(value, str):
        raise fail(line, f"{where}: {key} must be a string")
    if required and not value.strip():
        raise fail(line, f"{where}: {key} must not be empty")
    return value


def _exam(raw: Any, fail, lines: _Lines) -> ExamSettings:
    where = "[deck.exam]"
    if not isinstance(raw, dict):
        raise fail(lines.key("deck", "exam"), f"{where} must be a table")
    for key in raw:
        if key not in _EXAM_KEYS:
            raise fail(lines.key("deck.exam", key), f"{where}: unknown key {key!r}")
    questions = raw.get("questions")
    if questions is not None and (isinstance(questions, bool) or not isinstance(questions, int) or questions < 1):
        raise fail(lines.key("deck.exam", "questions"), f"{where}: questions must be a whole number of at least 1")
    minutes = raw.get("minutes", DEFAULT_EXAM_MINUTES)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not 0 < minutes <= 24 * 60:
        raise fail(lines.key("deck.exam", "minutes"), f"{where}: minutes must be a number in (0, 1440]")
    pass_mark = raw.get("pass_mark", DEFAULT_PASS_MARK)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, (int, float)) or not 0 < pass_mark <= 1:
        raise fail(lines.key("deck.exam", "pass_mark"), f"{where}: pass_mark must be a number in (0, 1]")
    return ExamSettings(questions, float(minutes), float(pass_mark))


def _card(raw: dict[str, Any], index: int, fail, lines: _Lines) -> CardSpec:
    """One [[card]]. Each value is checked inline for the common, valid case; anything else
    goes to the shared checks (``_text``), which word the error. Lines are looked up only then."""
    raw_id = raw.get("id")
    where = f'card "{raw_id}"' if isinstance(raw_id, str) and raw_id else f"card #{index + 1}"
    if not _CARD_KEYS.issuperset(raw):
        for key in raw:
            if key not in _CARD_KEYS:
                raise fail(lines.key("card", key, index), f"{where}: unknown key {key!r}")
    card_id = raw_id
    if not isinstance(card_id, str) or not card_id.strip():
        card_id = _text(raw, "id", fail, lines.table("card", index), where, required=True)
    if not ID_RE.match(card_id):
        raise fail(lines.key("card", "id", index), mixed_scripts_message(f"{where}: id", card_id)
                   or f"{where}: id must match [a-z0-9][a-z0-9-]*")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        question = _text(raw, "question", fail, lines.table("card", index), where, required=True)
    explanation = raw.get("explanation", "")
    if not isinstance(explanation, str):
        explanation = _text(raw, "explanation", fail, lines.key("card", "explanation", index), where)
    wrong_feedback = raw.get("wrong_feedback", "")
    if not isinstance(wrong_feedback, str):
        wrong_feedback = _text(raw, "wrong_feedback", fail, lines.key("card", "wrong_feedback", index), where)
    tags_raw = raw.get("tags", [])
    if not isinstance(tags_raw, list):
        raise fail(lines.key("card", "tags", index), f"{where}: tags must be a list of non-empty strings")
    stripped = []
    for tag in tags_raw:  # a plain loop: no generator per card
        if not isinstance(tag, str) or not (tag := tag.strip()):
            raise fail(lines.key("card", "tags", index), f"{where}: tags must be a list of non-empty strings")
        stripped.append(tag)
    tags = tuple(dict.fromkeys(stripped)) if len(stripped) > 1 else tuple(stripped)
    if tags and _SPACE.search("".join(tags)):
        raise fail(lines.key("card", "tags", index), f"{where}: a tag must not contain spaces")
    if "answer" not in raw:
        raise fail(lines.table("card", index), f"{where}: missing required key 'answer'")
    choices_raw = raw.get("choices")
    if choices_raw is None:
        answer = raw["answer"]
        if not isinstance(answer, str) or not answer.strip():
            answer = _text(raw, "answer", fail, lines.key("card", "answer", index), where, required=True)
        return _card_spec(card_id, question, answer, None, explanation, wrong_feedback, tags, 0)
    strings = isinstance(choices_raw, list)
    if strings:
        for choice in choices_raw:
            if not isinstance(choice, str):
                strings = False
                break
    if not strings:
        raise fail(lines.key("card", "choices", index), f"{where}: choices must be a list of strings")
    n = len(choices_raw)
    if not choice_count_ok(n):
        raise fail(lines.key("card", "choices", index), f"{where}: {n} choices; a card has {MIN_CHOICES} to {MAX_CHOICES}")
    for choice in choices_raw:
        if not choice.strip():
            raise fail(lines.key("card", "choices", index), f"{where}: a choice must not be empty")
    if len(set(choices_raw)) != n:
        raise fail(lines.key("card", "choices", index), f"{where}: two choices are the same")
    answer = raw["answer"]
    letter = answer.strip().upper() if isinstance(answer, str) else ""
    if len(letter) != 1 or letter not in LETTERS[:n]:  # one letter: "AB" is in "ABCD" but is not an answer
        raise fail(lines.key("card", "answer", index), f'{where}: answer {answer!r} is not one of the {n} choices '
                                                      f'(a letter from A to {LETTERS[n - 1]})')
    return _card_spec(card_id, question, letter, tuple(choices_raw), explanation, wrong_feedback, tags, 0)


def dump_toml(deck: DeckSpec) -> str:
    """The deck in the TOML format (written by tomli-w, which escapes what TOML requires);
    ``parse_toml`` gives back an equal DeckSpec."""
    import tomli_w

    head: dict[str, object] = {"id": deck.id, "name": deck.name}
    if deck.description:
        head["description"] = deck.description
    if deck.exam is not None:
        exam: dict[str, object] = {}
        if deck.exam.questions is not None:
            exam["questions"] = deck.exam.questions
        exam["minutes"] = float(deck.exam.minutes)
        exam["pass_mark"] = float(deck.exam.pass_mark)
        head["exam"] = exam
    cards = []
    for card in deck.cards:
        row: dict[str, object] = {"id": card.id, "question": card.question}
        if card.kind is CardKind.MC:
            row["choices"] = list(card.choices or ())
        row["answer"] = card.answer
        if card.explanation:
            row["explanation"] = card.explanation
        if card.wrong_feedback:
            row["wrong_feedback"] = card.wrong_feedback
        if card.tags:
            row["tags"] = list(card.tags)
        cards.append(row)
    document: dict[str, object] = {"deck": head}
    if cards:
        document["card"] = cards
    return tomli_w.dumps(document)


__all__ = ["FAST_PARSE_CHARS", "PIECE_CHARS", "dump_toml", "load_toml", "nests_deeper", "parse_toml"]
