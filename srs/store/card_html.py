"""Cards as their Anki notes' templates render them: HTML kept beside a card's text (the
question side, the answer side), and their note type's style sheet (kept once, by its
SHA-256, in card_styles), for the web page. Kept as a package holds it; only
srs/web/sanitise.py and srs/web/card_style.py show it."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sqlalchemy import delete, select

from srs.store.base import StoreBase

from srs.store.driver import insert_rows
from srs.store.models import card_html, card_styles

CHUNK = 500  # keys in one IN (…)
_KEPT = select(card_html.c.card_key, card_html.c.question, card_html.c.answer, card_styles.c.css).select_from(
    card_html.outerjoin(card_styles, card_styles.c.digest == card_html.c.style))


def style_key(css: str) -> str | None:
    """The name a style sheet is kept under (its SHA-256), None for none."""
    return hashlib.sha256(css.encode("utf-8", "surrogatepass")).hexdigest() if css else None


class CardHtmlQueries(StoreBase):
    def anki_html(self, key: int) -> tuple[str, str, str] | None:
        """(question HTML, answer HTML, its note type's CSS or "") of a card, or None: the card shows its text."""
        with self.atomic() as s:
            row = s.execute(_KEPT.where(card_html.c.card_key == key)).first()
            return (row[1], row[2], row[3] or "") if row is not None else None

    def anki_html_of(self, keys: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """``anki_html`` of many cards at once: those that have it, by key."""
        out: dict[int, tuple[str, str, str]] = {}
        with self.atomic() as s:
            for start in range(0, len(keys), CHUNK):
                part = list(keys[start:start + CHUNK])
                for key, question, answer, css in s.execute(_KEPT.where(card_html.c.card_key.in_(part))):
                    out[key] = (question, answer, css or "")
        return out

    def save_anki_html(self, changes: Sequence[tuple[int, tuple[str, str, str] | None]]) -> None:
        """Replace the HTML of cards: (key, (question, answer, css)) keeps it, (key, None) drops
        it (the card shows its text). A style sheet no card uses any more goes."""
        if not changes:
            return
        keys = [key for key, _ in changes]
        sheets = {style_key(html[2]): html[2] for _, html in changes if html is not None and html[2]}
        with self.atomic(write=True) as s:
            for start in range(0, len(keys), CHUNK):
                s.execute(delete(card_html).where(card_html.c.card_key.in_(keys[start:start + CHUNK])))
            known = set(s.execute(select(card_styles.c.digest).where(card_styles.c.digest.in_(list(sheets))))
                        .scalars()) if sheets else set()
            insert_rows(s, card_styles, [{"digest": d, "css": css} for d, css in sheets.items() if d not in known])
            insert_rows(s, card_html, [{"card_key": key, "question": html[0], "answer": html[1],
                                        "style": style_key(html[2])}
                                       for key, html in changes if html is not None])
            s.execute(delete(card_styles).where(card_styles.c.digest.not_in(
                select(card_html.c.style).where(card_html.c.style.is_not(None)).distinct())))


__all__ = ["CardHtmlQueries", "style_key"]
