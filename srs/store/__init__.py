"""Storage: the schema (SQLAlchemy Core tables), engine set-up, Alembic migrations and every
query, behind one ``Store`` that returns records (``srs.model``), never rows. The only SQL."""

from __future__ import annotations

from srs.store.attempts import AttemptQueries
from srs.store.base import DatabaseError
from srs.store.card_html import CardHtmlQueries
from srs.store.content import ContentQueries
from srs.store.engine import DEFAULT_BUSY_TIMEOUT, open_engine
from srs.store.media import MediaQueries
from srs.store.packs import PackQueries
from srs.store.queue import QueueQueries
from srs.store.reviews import ReviewQueries
from srs.store.running import RunningExamQueries
from srs.store.settings import SettingQueries
from srs.store.stats import StatsQueries
from srs.store.users import UserQueries


class Store(ContentQueries, QueueQueries, ReviewQueries, PackQueries, StatsQueries, AttemptQueries, SettingQueries, MediaQueries,
            UserQueries, CardHtmlQueries, RunningExamQueries):
    """One learner's view of a database: content, queue, reviews, statistics, attempts,
    settings, media, accounts and running exams (one module each). Every method is one short transaction, unless called inside
    ``atomic()``, which makes a group of them all-or-nothing."""


def open_store(db: str | None, learner: str, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> tuple[Store, bool]:
    """A store for ``learner`` on an up-to-date database; True when it was empty."""
    engine, fresh = open_engine(db, busy_timeout)
    return Store(engine, learner), fresh


__all__ = ["DatabaseError", "Store", "open_store"]
