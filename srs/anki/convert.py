"""srs cards and Anki's fields, both ways: the one place that knows how an srs card is written
into Anki's HTML fields and read back from them.

- srs → Anki: card text is text (escaped, its line breaks as ``<br>``), its media
  placeholders (srs/anki/media_names.py) as Anki's ``<img src>`` / ``[sound:…]`` for the
  files a package carries; a multiple-choice card as the five fields of srs's own note type
  (``mc_fields``) or, for a file of Basic notes, as a front with the lettered choices and a
  back with the right one (``basic_front_back``); a basic card as Front and Back. The
  explanation and the wrong-answer feedback go below an answer, each in its own div.
- Anki → srs: the same shapes read back (``mc_card``, ``basic_card``, ``srs_card``,
  ``split_back``), through srs/anki/html.py's HTML → text. Notes of any other note type
  are rendered by their templates (srs/anki/template.py) instead.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from srs.anki.html import list_items, to_text
from srs.anki.media_names import IMAGE, placeholders
from srs.anki.scan import trailing_block
from srs.deckfile import CardSpec, _card_spec  # (CardSpec(...) of every field, without __init__)
from srs.model import LETTERS, CardKind, StudyCard
from srs.rules import choice_count_ok

#: the divs that hold the explanation and the wrong-answer feedback below an answer
EXPLANATION_DIV, FEEDBACK_DIV, END_DIV = '<div class="srs-explanation">', '<div class="srs-feedback">', "</div>"
#: the choices: in the Choices field of srs's note type, and ending the front of a Basic note
CHOICES_LIST, FRONT_CHOICES = '<ol class="choices" type="A">', '<ol type="A">'
NO_MEDIA: frozenset[str] = frozenset()


def text_to_html(text: str, media: set[str] | frozenset[str] = NO_MEDIA) -> str:
    """Card text as an Anki field: escaped, its line breaks kept; the placeholder of each file
    in ``media`` (those a package carries) as Anki's markup, the others left as text."""
    if media and "[" in text:
        out, pos = [], 0
        for start, end, opener, name in placeholders(text):
            if name in media:
                out += [text_to_html(text[pos:start]),
                        f'<img src="{html.escape(name)}">' if opener == IMAGE else f"[sound:{name}]"]
                pos = end
        if out:
            return "".join(out) + text_to_html(text[pos:])
    if "&" in text or "<" in text or ">" in text:  # (most text has none: no escaping to do)
        text = html.escape(text, quote=False)
    return text.replace("\n", "<br>") if "\n" in text else text


def extra_html(explanation: str, feedback: str = "", media: set[str] | frozenset[str] = NO_MEDIA) -> str:
    """The explanation and the wrong-answer feedback below an answer, each in its own div
    (a blank line above each), which srs finds again on import."""
    out = ""
    if explanation:
        out += f"{EXPLANATION_DIV}<br>{text_to_html(explanation, media)}{END_DIV}"
    if feedback:
        out += f"{FEEDBACK_DIV}<br>{text_to_html(feedback, media)}{END_DIV}"
    return out


def _choices(card: StudyCard, opener: str, media: set[str] | frozenset[str]) -> str:
    return opener + "".join([f"<li>{text_to_html(c, media)}</li>" for c in card.choices or ()]) + "</ol>"


def _right(card: StudyCard, media: set[str] | frozenset[str]) -> str:
    return f"{card.answer}) {text_to_html(card.right_choice, media)}"


def mc_fields(card: StudyCard, media: set[str] | frozenset[str] = NO_MEDIA) -> list[str]:
    """A multiple-choice card as srs's note type: Question, Choices, Answer, Explanation,
    WrongFeedback."""
    return [text_to_html(card.question, media), _choices(card, CHOICES_LIST, media), _right(card, media),
            text_to_html(card.explanation, media), text_to_html(card.wrong_feedback, media)]


def basic_fields(card: StudyCard, media: set[str] | frozenset[str] = NO_MEDIA) -> list[str]:
    """A basic card as Front and Back (the explanation below the answer)."""
    return [text_to_html(card.question, media), text_to_html(card.answer, media) + extra_html(card.explanation, "", media)]


def basic_front_back(card: StudyCard) -> list[str]:
    """A card as the two fields of Anki's Basic note type, which every Anki has: a
    multiple-choice card's front is its question with the lettered choices, its back the
    right letter and choice, then the explanation and the feedback for a wrong answer, each
    in its own div (so srs reads them back apart)."""
    if card.kind is not CardKind.MC:
        return basic_fields(card)
    return [text_to_html(card.question) + _choices(card, FRONT_CHOICES, NO_MEDIA),
            _right(card, NO_MEDIA) + extra_html(card.explanation, card.wrong_feedback)]


def split_back(back: str) -> tuple[str, str]:
    """The back of a card srs wrote: (answer, explanation), the explanation in its own div.
    (srs's packages before that put it after a blank line: it reads as part of the answer,
    as Anki shows it.)"""
    block = trailing_block(back, EXPLANATION_DIV, END_DIV)
    return (back[:block[0]], back[block[0] + len(EXPLANATION_DIV):block[1]]) if block else (back, "")


def _choice_count_ok(choices: Sequence[str], letter: str) -> bool:
    return choice_count_ok(len(choices)) and bool(letter) and letter in LETTERS[:len(choices)]


def mc_card(cid: str, fields: Sequence[str], tags: tuple[str, ...]) -> CardSpec | None:
    """A note of srs's multiple-choice note type read back (``mc_fields``), or None when its
    fields make no multiple-choice card."""
    choices = tuple(list_items(fields[1]))
    letter = to_text(fields[2])[:1].upper()
    if not _choice_count_ok(choices, letter):
        return None
    return _card_spec(cid, to_text(fields[0]), letter, choices, to_text(fields[3]), to_text(fields[4]), tags, 0)


def basic_card(cid: str, fields: Sequence[str], tags: tuple[str, ...]) -> CardSpec | None:
    """A note of srs's Basic note type read back (``basic_fields``), or None when its front is empty."""
    back, explanation = split_back(fields[1])
    question = to_text(fields[0])
    return _card_spec(cid, question, to_text(back), None, to_text(explanation), "", tags, 0) if question else None


_LETTERED = re.compile(r"^([A-F])\) (.*)$", re.S)


def srs_card(cid: str, front: str, back: str, tags: tuple[str, ...]) -> CardSpec | None:
    """A card in the shape srs writes to a Basic note (``basic_front_back``), read back: the
    choices and the right letter, the explanation and the feedback. None: another shape."""
    # the question, then `<ol type="A">` (the last one) with the choices ending the front
    # (linear scans for the old `^(.*)<ol type="A">(.*)</ol>\s*$`)
    end = front.rfind("</ol>")
    tail = front[end + 5:]
    start = front.rfind(FRONT_CHOICES, 0, end) if end >= 0 and (not tail or tail.isspace()) else -1
    if start < 0:
        return None
    choices = tuple(list_items(f"<ol>{front[start + len(FRONT_CHOICES):end]}</ol>"))
    feedback = trailing_block(back, FEEDBACK_DIV, END_DIV)
    rest = back[:feedback[0]] if feedback else back
    rest, explanation = split_back(rest)
    answer = _LETTERED.match(to_text(rest))
    if not answer or not _choice_count_ok(choices, answer.group(1)):
        return None
    feedback_text = back[feedback[0] + len(FEEDBACK_DIV):feedback[1]] if feedback else ""
    return CardSpec(cid, to_text(front[:start]), answer.group(1), choices, to_text(explanation),
                    to_text(feedback_text), tags)


__all__ = ["basic_card", "basic_fields", "basic_front_back", "extra_html", "mc_card", "mc_fields", "split_back",
           "srs_card", "text_to_html"]
