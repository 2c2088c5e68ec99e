"""Storage: SQLAlchemy models, engine set-up, Alembic migrations and every query."""

from __future__ import annotations

from srs.store.engine import open_engine
from srs.store.repo import DeckSummary, Store


def open_store(db: str | None, learner: str) -> tuple[Store, bool]:
    """A store for ``learner`` on an up-to-date database; True when it was empty."""
    engine, fresh = open_engine(db)
    return Store(engine, learner), fresh


__all__ = ["DeckSummary", "Store", "open_store"]
