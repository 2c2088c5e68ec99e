"""The queue's queries: what is due for this learner, each read along the due index."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, cast, false, func, or_, select, true

from srs.model import LEARNING, NEW, RELEARNING, REVIEW, StudyCard
from srs.store.base import StoreBase, available, plain_select, study_card
from srs.store.models import card_states, cards, reviews


class QueueQueries(StoreBase):
    def _due(self, deck: str | None, tag: str | None):
        """Plain card rows of this learner's unsuspended studied cards (for queue heads)."""
        return self._studied(plain_select(), deck, tag)

    def due_learning(self, now: datetime, until: datetime, deck: str | None, tag: str | None,
                     limit: int) -> list[StudyCard]:
        """Learning and relearning cards due by ``until``, earliest first (one index-ordered
        scan per state, merged)."""
        with self.atomic() as s:
            found: list[StudyCard] = []
            for state in (LEARNING, RELEARNING):
                stmt = self._due(deck, tag).where(card_states.c.state == state, card_states.c.due <= until, available(now))
                found += [study_card(r) for r in s.execute(stmt.order_by(card_states.c.due).limit(limit))]
            found.sort(key=lambda c: c.memory.due)  # type: ignore[arg-type, return-value]
            return found[:limit]

    def due_reviews(self, now: datetime, until: datetime, deck: str | None, tag: str | None,
                    limit: int) -> list[StudyCard]:
        """Review cards due before ``until``, most overdue first."""
        with self.atomic() as s:
            stmt = self._due(deck, tag).where(card_states.c.state == REVIEW, card_states.c.due < until, available(now))
            stmt = stmt.order_by(card_states.c.due, cards.c.key).limit(limit)
            return [study_card(r) for r in s.execute(stmt)]

    def _never_studied(self, now: datetime):
        return or_(card_states.c.card_key.is_(None), and_(card_states.c.state == NEW, available(now)))

    def _all_studied(self, s) -> bool:
        """Whether every live card has a state of this learner past NEW: the live cards
        counted along their index against this learner's studied states along the due index,
        less those of retired cards (index probes per retired card). A learner who has
        studied every card is told so without a scan of every card for one never studied."""
        live = s.scalar(select(func.count()).select_from(cards).where(cards.c.retired == false())) or 0
        studied = and_(card_states.c.learner == self.learner, card_states.c.state != NEW)
        mine = s.scalar(select(func.count()).select_from(card_states).where(studied)) or 0
        retired = s.scalar(select(func.count()).select_from(cards).where(
            cards.c.retired == true(), select(card_states.c.card_key).where(card_states.c.card_key == cards.c.key, studied)
            .exists())) or 0
        return live <= mine - retired

    def new_cards(self, now: datetime, deck: str | None, tag: str | None, limit: int) -> list[StudyCard]:
        """Cards this learner has never studied, in deck order."""
        if limit <= 0:
            return []
        if deck is None and tag is None:
            with self.atomic() as s:
                if self._all_studied(s):
                    return []
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(plain_select().select_from(cards)), deck, tag)
            stmt = stmt.where(self._never_studied(now)).order_by(cards.c.deck_id, cards.c.position).limit(limit)
            return [study_card(r) for r in s.execute(stmt)]

    def count_new(self, now: datetime, deck: str | None, tag: str | None) -> int:
        with self.atomic() as s:
            stmt = self._filtered(self._with_state(select(func.count()).select_from(cards)), deck, tag)
            return s.scalar(stmt.where(self._never_studied(now))) or 0

    def next_due(self, after: datetime, deck: str | None, tag: str | None) -> datetime | None:
        """When the next learning or review card falls due (the earliest due of each state,
        each found by one index seek)."""
        with self.atomic() as s:
            firsts = []
            for state in (LEARNING, REVIEW, RELEARNING):
                stmt = self._studied(select(card_states.c.due), deck, tag).where(card_states.c.state == state)
                first = s.scalar(stmt.order_by(card_states.c.due).limit(1))
                if first is not None:
                    firsts.append(first)
            return min(firsts) if firsts else None

    def count_due(self, now: datetime, learning_until: datetime, reviews_before: datetime, deck: str | None,
                  tag: str | None, cap: int = 100_000) -> tuple[int, int]:
        """(learning cards due by ``learning_until``, review cards due before ``reviews_before``),
        each counted up to ``cap`` along the due index."""
        with self.atomic() as s:
            counts = []
            for states, until, strict in (((LEARNING, RELEARNING), learning_until, False),
                                          ((REVIEW,), reviews_before, True)):
                inner = self._studied(select(card_states.c.card_key), deck, tag).where(
                    card_states.c.state.in_(states), card_states.c.due < until if strict else card_states.c.due <= until,
                    available(now))
                counts.append(int(s.scalar(select(func.count()).select_from(inner.limit(cap).subquery())) or 0))
            return counts[0], counts[1]

    def reviews_since(self, since: datetime, source: str = "review") -> tuple[int, int]:
        """(new cards introduced, review-state cards answered) by this learner since ``since``."""
        with self.atomic() as s:
            row = s.execute(
                select(func.count(func.distinct(case((reviews.c.state_before == NEW, reviews.c.card_key)))),
                       func.count(case((reviews.c.state_before == REVIEW, 1))))
                .where(reviews.c.learner == self.learner, reviews.c.reviewed_at >= since, reviews.c.source == source)
            ).one()
            return int(row[0] or 0), int(row[1] or 0)

    def cram_candidates(self, now: datetime, not_before: datetime, on: datetime, factor_days: float,
                        deck: str | None, tag: str | None, limit: int) -> list[StudyCard]:
        """Review cards not due before ``not_before`` whose recall on ``on`` falls below a
        target: whole days from the last review to ``on`` > stability × ``factor_days`` (FSRS's
        forgetting curve, counted in whole days as fsrs does). Lowest recall on ``on`` first,
        at most ``limit`` (a range scan of the due index, a top-``limit`` sort)."""
        if limit <= 0:
            return []
        with self.atomic() as s:
            seconds = on.timestamp() - self._epoch(card_states.c.last_review)
            elapsed: ColumnElement[Any]
            if self.engine.dialect.name == "sqlite":
                elapsed = cast(seconds / 86400, Integer)  # truncation = floor: never negative here
            else:
                elapsed = func.floor(seconds / 86400)
            ratio = elapsed / card_states.c.stability
            stmt = self._due(deck, tag).where(
                card_states.c.state == REVIEW, card_states.c.due >= not_before, card_states.c.stability > 0,
                card_states.c.last_review <= on, ratio > factor_days, available(now))
            stmt = stmt.order_by(ratio.desc(), card_states.c.due, cards.c.key).limit(limit)
            return [study_card(r) for r in s.execute(stmt)]


__all__ = ["QueueQueries"]
