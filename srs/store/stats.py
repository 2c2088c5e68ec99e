"""Statistics, aggregated in SQL: deck counts, reviews per day, retention, due days, streak
probes, cards by state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise

from sqlalchemy import Select, and_, bindparam, case, false, func, literal, or_, select, true

from srs.model import LEARNING, NEW, RELEARNING, REVIEW, DeckSummary
from srs.store.base import StoreBase, answered_right, available
from srs.store.driver import Prepared
from srs.store.models import card_states, cards, decks, reviews


class StatsQueries(StoreBase):
    def deck_summaries(self, now: datetime) -> list[DeckSummary]:
        """Per deck counts, aggregated in SQL."""
        with self.atomic() as s:
            is_new = or_(card_states.c.card_key.is_(None), card_states.c.state == NEW)
            stmt = (
                select(
                    decks.c.id, decks.c.name, decks.c.exam_enabled,
                    func.count(cards.c.key),
                    func.count(case((is_new, 1))),
                    func.count(case((card_states.c.state.in_((LEARNING, RELEARNING)), 1))),
                    func.count(case((card_states.c.state == REVIEW, 1))),
                    func.count(case((and_(card_states.c.state != NEW, card_states.c.due <= now, available(now)), 1))),
                    func.count(case((card_states.c.suspended.is_(True), 1))),
                )
                .select_from(decks)
                .outerjoin(cards, and_(cards.c.deck_id == decks.c.id, cards.c.retired == false()))
                .outerjoin(card_states, and_(card_states.c.card_key == cards.c.key, card_states.c.learner == self.learner))
                .group_by(decks.c.id, decks.c.name, decks.c.exam_enabled)
                .order_by(decks.c.id)
            )
            return [DeckSummary(id=r[0], name=r[1], exam=bool(r[2]), cards=r[3], new=r[4], learning=r[5],
                                review=r[6], due=r[7], suspended=r[8]) for r in s.execute(stmt)]

    def _in_deck(self, stmt: Select, deck: str | None) -> Select:
        """Reviews of ``deck``'s cards only, when given."""
        return stmt if deck is None else stmt.join(cards, cards.c.key == reviews.c.card_key).where(cards.c.deck_id == deck)

    def review_days(self, since: datetime, shift_seconds: int, deck: str | None = None,
                    before: datetime | None = None) -> list[tuple[int, int, int]]:
        """(day, reviews, milliseconds spent) per learner day from ``since`` (until ``before``),
        grouped in SQL over the (learner, reviewed_at, ...) covering index."""
        with self.atomic() as s:
            day = self._day(reviews.c.reviewed_at, shift_seconds).label("day")
            stmt = select(day, func.count(), func.coalesce(func.sum(reviews.c.duration_ms), 0)).where(
                reviews.c.learner == self.learner, reviews.c.reviewed_at >= since)
            if before is not None:
                stmt = stmt.where(reviews.c.reviewed_at < before)
            stmt = self._in_deck(stmt, deck)
            return [(int(d), int(n), int(ms)) for d, n, ms in s.execute(stmt.group_by(day).order_by(day))]

    def review_presence(self, edges: Sequence[datetime], deck: str | None = None) -> list[bool]:
        """For ascending ``edges``: whether this learner reviewed anything in each interval
        [edges[j], edges[j+1]). One statement, built once and run per interval on the driver's
        cursor: an index probe each, so long streaks are checked without counting every review."""
        if len(edges) < 2:
            return []
        probe = self._in_deck(select(reviews.c.id).where(
            reviews.c.learner == self.learner, reviews.c.reviewed_at >= bindparam("lo", type_=reviews.c.reviewed_at.type),
            reviews.c.reviewed_at < bindparam("hi", type_=reviews.c.reviewed_at.type)), deck).limit(1)
        with self.atomic() as connection:
            prepared = Prepared(probe, connection.dialect)  # on the driver's cursor: a few µs a probe
            return [prepared.first(connection, {"lo": lo, "hi": hi}) is not None for lo, hi in pairwise(edges)]

    def retention(self, since: datetime, deck: str | None = None) -> tuple[int, int]:
        """(right answers, answers) on cards in review state since ``since``: true retention
        (right as ``srs.rules.answered_right``: a multiple-choice answer by the letter picked,
        whatever its rating; a basic one by any rating but Again)."""
        with self.atomic() as s:
            stmt = select(func.sum(answered_right()), func.count()).where(
                reviews.c.learner == self.learner, reviews.c.reviewed_at >= since, reviews.c.state_before == REVIEW)
            passed, total = s.execute(self._in_deck(stmt, deck)).one()
            return int(passed or 0), int(total or 0)

    def due_days(self, start: datetime, end: datetime, shift_seconds: int,
                 deck: str | None = None) -> list[tuple[int, int]]:
        """(day, cards falling due) for studied, unsuspended live cards due before ``end``;
        cards already due before ``start`` are counted on ``start``'s day. Two range scans
        of the due index per state: a count of the overdue, a GROUP BY day of the rest."""
        studied = card_states.c.state.in_((LEARNING, REVIEW, RELEARNING))
        day = self._day(card_states.c.due, shift_seconds).label("day")
        with self.atomic() as s:
            if deck is None:
                # every studied card's state, read from the due index alone, less the retired
                # cards' (few; none at all is one index probe): no card row read per due card
                mine = and_(card_states.c.learner == self.learner, card_states.c.suspended == false(), studied)
                overdue = and_(mine, card_states.c.due < start)
                ahead = and_(mine, card_states.c.due >= start, card_states.c.due < end)
                count = s.scalar(select(func.count()).select_from(card_states).where(overdue)) or 0
                counts = {int(d): int(n) for d, n in s.execute(select(day, func.count()).where(ahead).group_by(day))}
                if s.scalar(select(cards.c.key).where(cards.c.retired == true()).limit(1)) is not None:
                    count -= s.scalar(select(func.count()).select_from(cards).where(
                        cards.c.retired == true(),
                        select(card_states.c.card_key).where(card_states.c.card_key == cards.c.key, overdue).exists())
                    ) or 0
                    retired = select(day, func.count()).where(
                        ahead, card_states.c.card_key.in_(select(cards.c.key).where(cards.c.retired == true())))
                    for d, n in s.execute(retired.group_by(day)):
                        counts[int(d)] -= int(n)
            else:
                count = s.scalar(self._studied(select(func.count()), deck, None).where(
                    studied, card_states.c.due < start)) or 0
                stmt = self._studied(select(day, func.count()), deck, None).where(
                    studied, card_states.c.due >= start, card_states.c.due < end)
                counts = {int(d): int(n) for d, n in s.execute(stmt.group_by(day))}
            if count:
                first = (int(start.timestamp()) + shift_seconds) // 86400
                counts[first] = counts.get(first, 0) + int(count)
            return sorted((d, n) for d, n in counts.items() if n)

    def state_counts(self, deck: str | None = None) -> dict[int, int]:
        """Live cards by state (NEW for never studied) and suspended (key -1)."""
        with self.atomic() as s:
            if deck is None:
                # every state of this learner counted from the due index alone, less the retired
                # cards' (few); the live cards counted from the cards' own index: no join of
                # every card to its state
                live = s.scalar(select(func.count()).select_from(cards).where(cards.c.retired == false())) or 0
                group = (card_states.c.state, card_states.c.suspended)
                mine = select(*group, func.count()).where(card_states.c.learner == self.learner).group_by(*group)
                # driven by the retired cards (index probes per retired card, not a scan of states)
                its = and_(card_states.c.learner == self.learner, card_states.c.card_key == cards.c.key)
                retired = select(*(select(c).where(its).scalar_subquery() for c in group),
                                 literal(1)).where(cards.c.retired == true())
                counts: dict[int, int] = {}
                suspended = 0
                for rows, sign in ((s.execute(mine), 1), (s.execute(retired), -1)):
                    for state, is_suspended, n in rows:
                        if state is None:  # a retired card never studied
                            continue
                        if int(state) != NEW:
                            counts[int(state)] = counts.get(int(state), 0) + sign * int(n)
                        if is_suspended:
                            suspended += sign * int(n)
                counts[NEW] = int(live) - sum(counts.values())
                counts[-1] = suspended
                return counts
            state = func.coalesce(card_states.c.state, NEW).label("state")
            stmt = self._filtered(self._with_state(select(state, func.count()).select_from(cards)), deck, None)
            counts = {int(k): int(n) for k, n in s.execute(stmt.group_by(state))}
            stmt = self._filtered(self._with_state(select(func.count()).select_from(cards)), deck, None)
            counts[-1] = int(s.scalar(stmt.where(card_states.c.suspended == true())) or 0)
            return counts


__all__ = ["StatsQueries"]
