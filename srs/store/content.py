"""Decks and cards as content: what the importer writes and every reader shows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import (
    Float,
    bindparam,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    null,
    select,
    update,
)

from srs.model import NEW, CardContent, CardKind, DeckRecord, ExamCard, StudyCard, record_maker
from srs.store.base import _NEW_MEMORY, CARD_KINDS, StoreBase, available, plain_select, study_card
from srs.store.driver import compiled_sql, insert_rows, insert_tuples, processed_chunks
from srs.store.models import card_states, card_tags, cards, decks
from srs.store.records import CardChange, NewCard, columns_of

_DECK_FIELDS = ("id", "name", "description", "exam_enabled", "exam_questions", "exam_minutes", "exam_pass_mark",
                "source", "updated_at")


#: the columns add_cards writes, in the order of its tuples: a NewCard's, then its CardText's
_CARD_INSERT = ("deck_id", "card_id", "position", "retired", "anki_guid", "created_at", "updated_at", "kind",
                "question", "choices", "answer", "explanation", "wrong_feedback", "tags")


def _tag_rows(cards_tags: Iterable[tuple[int, tuple[str, ...]]]) -> list[tuple[int, str]]:
    """(card key, tag) rows of cards' tags: each card's tags once each, in their order."""
    rows: list[tuple[int, str]] = []
    for key, names in cards_tags:
        if len(names) == 1:
            rows.append((key, names[0]))
        elif names:
            rows.extend([(key, tag) for tag in dict.fromkeys(names)])
    return rows


_card_content = record_maker(CardContent)  # CardContent(...), made ~4x faster
_study_card = record_maker(StudyCard)  # StudyCard(...) of a card never studied, by the export


def _deck(row: Any) -> DeckRecord:
    return DeckRecord(**{name: getattr(row, name) for name in _DECK_FIELDS})


class ContentQueries(StoreBase):
    # ------------------------------------------------------------ decks
    def deck(self, deck_id: str) -> DeckRecord | None:
        with self.atomic() as s:
            row = s.execute(select(decks).where(decks.c.id == deck_id)).first()
            return _deck(row) if row is not None else None

    def decks(self) -> list[DeckRecord]:
        with self.atomic() as s:
            return [_deck(row) for row in s.execute(select(decks).order_by(decks.c.id))]

    def save_deck(self, deck: DeckRecord) -> None:
        """Add the deck, or write all of its values over the stored ones."""
        values = columns_of(deck)
        with self.atomic(write=True) as s:
            if s.scalar(select(decks.c.id).where(decks.c.id == deck.id)) is None:
                s.execute(insert(decks).values(**values))
            else:
                s.execute(update(decks).where(decks.c.id == deck.id).values(**values))

    # ------------------------------------------------------------ cards (content)
    def deck_cards(self, deck_id: str, card_ids: Sequence[str] | None = None) -> dict[str, CardContent]:
        """Every card of a deck (or those of ``card_ids``), retired ones too, by card id (for
        the importer)."""
        with self.atomic() as s:
            stmt = select(cards.c.key, cards.c.card_id, cards.c.position, cards.c.kind, cards.c.question, cards.c.choices,
                          cards.c.answer, cards.c.explanation, cards.c.wrong_feedback, cards.c.tags, cards.c.retired,
                          cards.c.anki_guid) \
                .where(cards.c.deck_id == deck_id)
            if card_ids is not None:
                stmt = stmt.where(cards.c.card_id.in_(list(card_ids)))
            make = _card_content
            return {card_id: make(key, card_id, position, CARD_KINDS.get(kind) or CardKind(kind), question, choices,
                                  answer, explanation, wrong_feedback, list(tags or ()), bool(retired), guid)
                    for (key, card_id, position, kind, question, choices, answer, explanation, wrong_feedback, tags,
                         retired, guid) in s.execute(stmt).all()}  # plain rows, fetched at once

    def next_position(self, deck_id: str) -> int:
        """One past the last card's position in the deck (0 for an empty deck)."""
        with self.atomic() as s:
            last = s.scalar(select(func.max(cards.c.position)).where(cards.c.deck_id == deck_id))
            return 0 if last is None else int(last) + 1

    def card_ids(self) -> list[tuple[str, str, str | None]]:
        """(deck id, card id, Anki note GUID or None) of every card, retired ones too: what an
        import recognises."""
        with self.atomic() as s:
            return [(d, c, g) for d, c, g in s.execute(select(cards.c.deck_id, cards.c.card_id, cards.c.anki_guid))]

    def add_cards(self, new: Iterable[NewCard], chunk: int = 20_000) -> dict[tuple[str, str], int]:
        """Insert many cards (with their tags) in bulk; returns their keys by (deck id, card id).
        ``new`` may be made as they are read (a generator): they are inserted ``chunk`` at a
        time and not kept, only each one's deck id, card id and tags. Rows go to the driver
        as tuples (no dict per card). On SQLite the keys are given here, one past the largest
        in order (what SQLite itself would choose: the write lock is held, no one else
        inserts); on PostgreSQL the sequence gives them and they are read back."""
        if isinstance(new, Sequence) and not new:
            return {}
        with self.atomic(write=True) as connection:
            last = connection.scalar(select(func.max(cards.c.key)))
            if connection.dialect.name == "sqlite":
                return self._add_numbered(connection, new, (last or 0) + 1, chunk)
            added: list[tuple[str, str, Any]] = []  # (deck id, card id, tags) of each row, in order
            pending = iter(new)
            tag_lists: dict[tuple[str, ...], tuple[str, ...]] = {}  # one object per list of tags: encoded once
            while part := list(islice(pending, chunk)):
                rows = [(c.deck_id, c.card_id, c.position, False, c.anki_guid, c.at, c.at, t.kind.value, t.question,
                         t.choices, t.answer, t.explanation, t.wrong_feedback, tag_lists.setdefault(t.tags, t.tags))
                        for c in part for t in (c.text,)]
                insert_tuples(connection, cards, _CARD_INSERT, rows)
                added.extend([(r[0], r[1], r[13]) for r in rows])
                del rows
            if not added:
                return {}
            keys: dict[tuple[str, str], int] = {}
            # the rows above the last key before the insert that are these cards (a deck and card
            # id names one row; this transaction may see others' rows, not own them)
            newer = select(cards.c.deck_id, cards.c.card_id, cards.c.key)
            if last is not None:
                newer = newer.where(cards.c.key > last)
            wanted = {(deck_id, card_id) for deck_id, card_id, _ in added}
            for d, c, k in connection.exec_driver_sql(*compiled_sql(newer, connection)).cursor.fetchall():
                if (d, c) in wanted:
                    keys[(d, c)] = k
            del wanted
            for start in range(0, len(added), chunk):  # the tag rows too, a chunk of cards at a time
                insert_tuples(connection, card_tags, ("card_key", "tag"),
                              _tag_rows((keys[(d, c)], names) for d, c, names in added[start:start + chunk]))
            return keys

    @staticmethod
    def _add_numbered(connection: Any, new: Iterable[NewCard], first: int, chunk: int) -> dict[tuple[str, str], int]:
        """``add_cards`` on SQLite: each card's key given with its row, one past the largest in
        order (what SQLite itself would choose: the write lock is held, no one else inserts),
        so each chunk's tag rows are made with its cards, and no key is read back."""
        keys: dict[tuple[str, str], int] = {}
        pending = iter(new)
        tag_lists: dict[tuple[str, ...], tuple[str, ...]] = {}  # one object per list of tags: encoded once
        names, start = ("key", *_CARD_INSERT), first
        while part := list(islice(pending, chunk)):
            rows = [(key, c.deck_id, c.card_id, c.position, False, c.anki_guid, c.at, c.at, t.kind.value, t.question,
                     t.choices, t.answer, t.explanation, t.wrong_feedback, tag_lists.setdefault(t.tags, t.tags))
                    for key, c in enumerate(part, start) for t in (c.text,)]
            insert_tuples(connection, cards, names, rows)
            keys.update(zip([(r[1], r[2]) for r in rows], range(start, start + len(rows)), strict=True))
            insert_tuples(connection, card_tags, ("card_key", "tag"), _tag_rows((r[0], r[14]) for r in rows))
            start += len(rows)
            del rows
        return keys

    def update_cards(self, changes: Sequence[CardChange], chunk: int = 500) -> None:
        """Update many cards: one executemany per set of changed columns, and the tags of
        those whose text changed replaced in bulk; no statement per card."""
        if not changes:
            return
        table = cards
        with self.atomic(write=True) as connection:
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
            for change in changes:
                if values := change.columns():
                    groups.setdefault(tuple(sorted(values)), []).append({"key_": change.key, **values})
            for names, rows in groups.items():
                statement = (update(table).where(table.c.key == bindparam("key_"))
                             .values({name: bindparam(name) for name in names}))
                connection.execute(statement, rows)
            tagged = [(change.key, change.text.tags) for change in changes if change.text is not None]
            keys = [key for key, _ in tagged]
            for start in range(0, len(keys), chunk):
                connection.execute(delete(card_tags).where(card_tags.c.card_key.in_(keys[start:start + chunk])))
            insert_rows(connection, card_tags,
                        [{"card_key": key, "tag": tag} for key, tags in tagged for tag in dict.fromkeys(tags)])

    def count_tagged(self, tag: str, deck: str | None = None) -> int:
        """Live cards with ``tag`` (of ``deck``, when given)."""
        with self.atomic() as s:
            return s.scalar(self._filtered(select(func.count()).select_from(cards), deck, tag)) or 0

    def retire_cards(self, keys: Sequence[int], when: datetime, chunk: int = 500) -> None:
        if keys:
            with self.atomic(write=True) as s:
                for start in range(0, len(keys), chunk):  # the engines bound a statement's parameters
                    s.execute(update(cards).where(cards.c.key.in_(keys[start:start + chunk]))
                              .values(retired=True, updated_at=when))

    # ------------------------------------------------------------ cards with this learner's state
    def find_card(self, deck_id: str, card_id: str) -> StudyCard | None:
        with self.atomic() as s:
            row = s.execute(self._with_state(plain_select().select_from(cards)).where(
                cards.c.deck_id == deck_id, cards.c.card_id == card_id, cards.c.retired == false())).first()
            return study_card(row) if row else None

    def card(self, key: int) -> StudyCard | None:
        with self.atomic() as s:
            row = s.execute(
                self._with_state(plain_select().select_from(cards)).where(cards.c.key == key)).first()
            return study_card(row) if row else None

    def cards(self, deck: str | None = None, tag: str | None = None, due_before: datetime | None = None,
              now: datetime | None = None, limit: int | None = None) -> list[StudyCard]:
        """Cards with their state, in deck order; with ``due_before``, only those due by then;
        with ``limit``, the first ``limit`` of them (read no further)."""
        return list(self.iter_cards(deck, tag, due_before, now, limit))

    def iter_cards(self, deck: str | None = None, tag: str | None = None, due_before: datetime | None = None,
                   now: datetime | None = None, limit: int | None = None) -> Iterator[StudyCard]:
        """``cards``, streamed (read 2,000 rows at a time: memory stays flat at any size)."""
        with self.atomic() as s:
            stmt = self._listed(plain_select().select_from(cards), deck, tag, due_before, now)
            stmt = stmt.order_by(cards.c.deck_id, cards.c.position)
            if limit is not None:
                stmt = stmt.limit(limit)
            for row in s.execute(stmt, execution_options={"yield_per": 2000}):
                yield study_card(row)

    def count_listed(self, deck: str | None = None, tag: str | None = None, due_before: datetime | None = None,
                     now: datetime | None = None) -> int:
        """How many cards ``cards`` would list without a limit."""
        with self.atomic() as s:
            return s.scalar(self._listed(select(func.count()).select_from(cards), deck, tag, due_before, now)) or 0

    def _listed(self, stmt: Any, deck: str | None, tag: str | None, due_before: datetime | None,
                now: datetime | None) -> Any:
        stmt = self._filtered(self._with_state(stmt), deck, tag)
        if due_before is not None:
            stmt = stmt.where(card_states.c.state != NEW, card_states.c.due <= due_before,
                              available(now or due_before))
        return stmt

    def export_cards(self, deck: str | None = None, with_state: bool = True
                     ) -> Iterator[tuple[StudyCard, datetime, str | None]]:
        """Live cards with this learner's state, when their content last changed and the Anki
        note they came from (None: made in srs), streamed. Without ``with_state`` the cards
        come as new (the state is not read: an export without history does not need it)."""
        with self.atomic() as s:
            stmt = plain_select(with_state).add_columns(cards.c.updated_at, cards.c.anki_guid).select_from(cards)
            stmt = self._filtered(self._with_state(stmt) if with_state else stmt, deck, None)
            make, kinds, new = _study_card, CARD_KINDS, _NEW_MEMORY
            for rows in processed_chunks(s, stmt.order_by(cards.c.deck_id, cards.c.position)):
                for row in rows:
                    if row[11] is not None:  # has a state
                        yield study_card(row[:-2]), row[-2], row[-1]
                        continue
                    (key, deck_id, card_id, kind, question, answer, choices, explanation, wrong_feedback, tags,
                     position) = row[:11]
                    yield (make(key, deck_id, card_id, kinds.get(kind) or CardKind(kind), question, answer,
                                tuple(choices) if choices is not None else None, explanation, wrong_feedback,
                                tuple(tags or ()), new, False, position), row[-2], row[-1])

    def mc_cards(self, deck: str) -> list[StudyCard]:
        """The deck's live multiple-choice cards with this learner's state, in deck order."""
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(plain_select().select_from(cards)), deck, None)
            stmt = stmt.where(cards.c.kind == CardKind.MC.value).order_by(cards.c.position)
            return [study_card(row) for row in s.execute(stmt)]

    def exam_cards(self, deck: str, memory: bool = True) -> list[ExamCard]:
        """The deck's live multiple-choice cards with this learner's memory state, as plain
        numbers (times in epoch seconds): what readiness needs, without loading card text.
        ``memory=False``: the states are not read (each card comes as never studied), for
        a caller that needs only the questions (the state join is half the cost). Read
        from the driver's cursor in one go (no Row per card: 100,000 of them)."""
        with self.atomic() as s:
            questions = (cards.c.key, cards.c.deck_id, cards.c.card_id, func.coalesce(func.json_array_length(cards.c.choices), 0))
            if memory:
                stmt = self._with_state(select(
                    *questions, func.coalesce(card_states.c.state, NEW), card_states.c.step, card_states.c.stability,
                    card_states.c.difficulty, cast(self._epoch(card_states.c.due), Float),
                    cast(self._epoch(card_states.c.last_review), Float), func.coalesce(card_states.c.reps, 0),
                    func.coalesce(card_states.c.lapses, 0)).select_from(cards))
            else:
                stmt = select(*questions, literal(int(NEW)), null(), null(), null(), null(), null(), literal(0),
                              literal(0))
            stmt = self._filtered(stmt, deck, None).where(cards.c.kind == CardKind.MC.value).order_by(cards.c.position,
                                                                                                   cards.c.key)
            connection = s
            rows = connection.exec_driver_sql(*compiled_sql(stmt, connection)).cursor.fetchall()
            return list(map(ExamCard._make, rows))


__all__ = ["ContentQueries"]
