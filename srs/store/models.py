"""SQLAlchemy 2.x typed models.

Deck content (decks, cards, card tags) is shared by every learner. Per-learner state
(card states, settings), the append-only review log and exam attempts belong to a learner.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    LargeBinary,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite drops the zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class Deck(Base):
    __tablename__ = "decks"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    exam_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    exam_questions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exam_minutes: Mapped[float] = mapped_column(Float, default=30.0)
    exam_pass_mark: Mapped[float] = mapped_column(Float, default=0.7)
    source: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Card(Base):
    __tablename__ = "cards"
    key: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    card_id: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(8))  # "mc" | "basic"
    question: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    answer: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    wrong_feedback: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    anki_guid: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the Anki note it came from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("deck_id", "card_id", name="uq_cards_deck_card"),
        Index("ix_cards_live_order", "retired", "deck_id", "position"),
    )


class CardTag(Base):
    __tablename__ = "card_tags"
    card_key: Mapped[int] = mapped_column(ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(200), primary_key=True)
    __table_args__ = (Index("ix_card_tags_tag", "tag", "card_key"),)


class CardState(Base):
    """A learner's FSRS memory state and queue flags for one card. No row: a new card."""

    __tablename__ = "card_states"
    learner: Mapped[str] = mapped_column(String(200), primary_key=True)
    card_key: Mapped[int] = mapped_column(ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True)
    state: Mapped[int] = mapped_column(Integer, default=0)  # 0 new, 1 learning, 2 review, 3 relearning
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    buried_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index("ix_card_states_due", "learner", "suspended", "state", "due"),)


class Review(Base):
    """The append-only review log, with the state before and after for exact undo."""

    __tablename__ = "reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(200))
    card_key: Mapped[int] = mapped_column(ForeignKey("cards.key", ondelete="CASCADE"))
    rating: Mapped[int] = mapped_column(Integer)  # 1 Again .. 4 Easy
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16), default="review")  # "review" | "exam"
    state_before: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # None: there was no state row
    after: Mapped[dict] = mapped_column(JSON)
    #: FSRS stability after the review (``after``'s), a column so the forecast reads it from an index
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    __table_args__ = (
        Index("ix_reviews_learner_time_stats", "learner", "reviewed_at", "state_before", "rating", "duration_ms"),
        # covering for the readiness forecast and Store.review_history (the optimizer): no table row read
        Index("ix_reviews_learner_card_answers", "learner", "card_key", "reviewed_at", "id", "rating", "source",
              "stability"),
        Index("ix_reviews_learner_source_time", "learner", "source", "reviewed_at"),
    )


class Setting(Base):
    __tablename__ = "settings"
    learner: Mapped[str] = mapped_column(String(200), primary_key=True)
    deck_id: Mapped[str] = mapped_column(String(100), primary_key=True)  # "" for the learner's global value
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ExamAttempt(Base):
    __tablename__ = "exam_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner: Mapped[str] = mapped_column(String(200))
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    questions: Mapped[int] = mapped_column(Integer)
    correct: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    pass_mark: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    minutes: Mapped[float | None] = mapped_column(Float, nullable=True)  # None: no timer
    seed: Mapped[int] = mapped_column(Integer)
    timed_out: Mapped[bool] = mapped_column(Boolean, default=False)
    forecast: Mapped[float | None] = mapped_column(Float, nullable=True)  # pass probability predicted just before
    __table_args__ = (Index("ix_exam_attempts_learner", "learner", "deck_id", "started_at"),)


class ExamAnswer(Base):
    __tablename__ = "exam_answers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    card_key: Mapped[int] = mapped_column(ForeignKey("cards.key", ondelete="CASCADE"))
    chosen: Mapped[str | None] = mapped_column(String(1), nullable=True)  # the card's own letter; None: unanswered
    correct: Mapped[bool] = mapped_column(Boolean)
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    forecast: Mapped[float | None] = mapped_column(Float, nullable=True)  # its chance, forecast just before




class Media(Base):
    """A media file, once, by the SHA-256 of its content."""

    __tablename__ = "media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class DeckMedia(Base):
    """The names a deck's cards use for media files."""

    __tablename__ = "deck_media"
    deck_id: Mapped[str] = mapped_column(ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("media.sha256"))


__all__ = ["Base", "Card", "CardState", "CardTag", "Deck", "DeckMedia", "ExamAnswer", "ExamAttempt", "Media",
           "Review", "Setting", "UTCDateTime"]
