"""Cards as their Anki notes' templates render them: HTML kept beside a card's text (the
question side, the answer side), for the web page. Kept as a package holds it; only
srs/web/sanitise.py shows it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from srs.store.base import StoreBase, insert_rows
from srs.store.models import card_html

CHUNK = 500  # keys in one IN (…)


class CardHtmlQueries(StoreBase):
    def anki_html(self, key: int) -> tuple[str, str, str] | None:
        """(question HTML, answer HTML, its note type's CSS) of a card, or None: the card shows its text."""
        with self.atomic() as s:
            row = s.execute(select(card_html.c.question, card_html.c.answer, card_html.c.css)
                            .where(card_html.c.card_key == key)).first()
            return (row[0], row[1], row[2]) if row is not None else None

    def anki_html_of(self, keys: Sequence[int]) -> dict[int, tuple[str, str, str]]:
        """``anki_html`` of many cards at once: those that have it, by key."""
        out: dict[int, tuple[str, str, str]] = {}
        with self.atomic() as s:
            for start in range(0, len(keys), CHUNK):
                part = list(keys[start:start + CHUNK])
                stmt = select(card_html.c.card_key, card_html.c.question, card_html.c.answer, card_html.c.css)
                for key, question, answer, css in s.execute(stmt.where(card_html.c.card_key.in_(part))):
                    out[key] = (question, answer, css)
        return out

    def save_anki_html(self, changes: Sequence[tuple[int, tuple[str, str, str] | None]]) -> None:
        """Replace the HTML of cards: (key, (question, answer, css)) keeps it, (key, None) drops
        it (the card shows its text)."""
        if not changes:
            return
        keys = [key for key, _ in changes]
        with self.atomic(write=True) as s:
            for start in range(0, len(keys), CHUNK):
                s.execute(delete(card_html).where(card_html.c.card_key.in_(keys[start:start + CHUNK])))
            insert_rows(s, card_html, [{"card_key": key, "question": html[0], "answer": html[1],
                                        "css": html[2]}
                                       for key, html in changes if html is not None])


__all__ = ["CardHtmlQueries"]
