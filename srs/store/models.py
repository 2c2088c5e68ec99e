"""The schema, declared once with SQLAlchemy Core: typed ``Table`` objects on one
``MetaData`` (what the queries build on and Alembic compares against). No ORM.

Deck content (decks, cards, card tags) is shared by every learner. Per-learner state
(card states, settings), the append-only review log and exam attempts belong to a learner.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from srs.rules import DEFAULT_EXAM_MINUTES, DEFAULT_PASS_MARK


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


metadata = MetaData()


def _required(name: str, *args, **kwargs) -> Column:
    """A NOT NULL column (the rule for every column not marked nullable)."""
    return Column(name, *args, nullable=False, **kwargs)


def _optional(name: str, *args, **kwargs) -> Column:
    return Column(name, *args, nullable=True, **kwargs)


decks = Table(
    "decks", metadata,
    Column("id", String(100), primary_key=True),
    _required("name", Text),
    _required("description", Text, default=""),
    _required("exam_enabled", Boolean, default=False),
    _optional("exam_questions", Integer),
    _required("exam_minutes", Float, default=DEFAULT_EXAM_MINUTES),
    _required("exam_pass_mark", Float, default=DEFAULT_PASS_MARK),
    _required("source", Text, default=""),
    _required("updated_at", UTCDateTime),
)

cards = Table(
    "cards", metadata,
    Column("key", Integer, primary_key=True, autoincrement=True),
    _required("deck_id", String(100), ForeignKey("decks.id", ondelete="CASCADE")),
    _required("card_id", String(200)),
    _required("position", Integer, default=0),
    _required("kind", String(8)),  # "mc" | "basic"
    _required("question", Text),
    _optional("choices", JSON),
    _required("answer", Text),
    _required("explanation", Text, default=""),
    _required("wrong_feedback", Text, default=""),
    _required("tags", JSON, default=list),
    _required("retired", Boolean, default=False),
    _optional("anki_guid", String(100)),  # the Anki note it came from
    _required("created_at", UTCDateTime),
    _required("updated_at", UTCDateTime),
    UniqueConstraint("deck_id", "card_id", name="uq_cards_deck_card"),
    Index("ix_cards_live_order", "retired", "deck_id", "position"),
)

card_tags = Table(
    "card_tags", metadata,
    Column("card_key", Integer, ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(200), primary_key=True),
    Index("ix_card_tags_tag", "tag", "card_key"),
)

#: a learner's FSRS memory state and queue flags for one card; no row: a new card
card_states = Table(
    "card_states", metadata,
    Column("learner", String(200), primary_key=True),
    Column("card_key", Integer, ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
    _required("state", Integer, default=0),  # 0 new, 1 learning, 2 review, 3 relearning
    _optional("step", Integer),
    _optional("stability", Float),
    _optional("difficulty", Float),
    _optional("due", UTCDateTime),
    _optional("last_review", UTCDateTime),
    _required("reps", Integer, default=0),
    _required("lapses", Integer, default=0),
    _required("suspended", Boolean, default=False),
    _optional("buried_until", UTCDateTime),
    _required("leech", Boolean, default=False),
    Index("ix_card_states_due", "learner", "suspended", "state", "due"),
)

#: the append-only review log, with the state before and after for exact undo
reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("learner", String(200)),
    _required("card_key", Integer, ForeignKey("cards.key", ondelete="CASCADE")),
    _required("rating", Integer),  # 1 Again .. 4 Easy
    _required("reviewed_at", UTCDateTime),
    _required("duration_ms", Integer, default=0),
    _required("source", String(16), default="review"),  # "review" | "exam"
    _required("state_before", Integer),
    _optional("before", JSON),  # None: there was no state row
    _required("after", JSON),
    #: FSRS stability after the review (``after``'s), a column so the forecast reads it from an index
    _optional("stability", Float),
    #: what was answered: the right letter of a multiple-choice card or not (whatever the rating
    #: after it); None where it is not known: a basic card, a review from Anki, a row from before
    #: srs kept it (migration 0010 fills in what the old rows tell)
    _optional("correct", Boolean),
    Index("ix_reviews_learner_time_stats", "learner", "reviewed_at", "state_before", "rating", "duration_ms",
          "correct"),
    # covering for the readiness forecast and Store.review_history (the optimizer): no table row read
    Index("ix_reviews_learner_card_answers", "learner", "card_key", "reviewed_at", "id", "rating", "source",
          "stability", "correct"),
    Index("ix_reviews_learner_source_time", "learner", "source", "reviewed_at"),
)

#: the review log as the readiness forecast reads it (srs/store/packs.py), packed per block of
#: ``PACK_CARDS`` card keys (block = card key // 32): the block's rows in (card, time, id) order
#: as columns of little-endian numbers, so that a deck's log is read as a few thousand rows,
#: not a row per review. A cache of ``reviews``, right for the rows up to the learner's
#: ``review_packs_seen`` id (later ones are found by id); triggers (migration 0014) delete a
#: block's pack where one of its rows is changed, deleted or inserted at an id already seen
review_packs = Table(
    "review_packs", metadata,
    Column("learner", String(200), primary_key=True),
    Column("block", Integer, primary_key=True, autoincrement=False),
    #: uint16 per row: (card key - block * 32) * 16 + srs.rules.review_code's low part
    _required("code", LargeBinary),
    _required("at", LargeBinary),         # float64 per row: epoch seconds
    _required("stability", LargeBinary),  # float64 per row: FSRS stability after, NaN for none
)

#: per learner: the largest review id that every pack of theirs reflects (srs/store/packs.py)
review_packs_seen = Table(
    "review_packs_seen", metadata,
    Column("learner", String(200), primary_key=True),
    _required("seen", Integer),
)

settings = Table(
    "settings", metadata,
    Column("learner", String(200), primary_key=True),
    Column("deck_id", String(100), primary_key=True),  # "" for the learner's global value
    Column("key", String(100), primary_key=True),
    _required("value", Text),
)

exam_attempts = Table(
    "exam_attempts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("learner", String(200)),
    _required("deck_id", String(100), ForeignKey("decks.id", ondelete="CASCADE")),
    _required("started_at", UTCDateTime),
    _required("finished_at", UTCDateTime),
    _required("questions", Integer),
    _required("correct", Integer),
    _required("score", Float),
    _required("pass_mark", Float),
    _required("passed", Boolean),
    _optional("minutes", Float),  # None: no timer
    _required("seed", Integer),
    _required("timed_out", Boolean, default=False),
    _optional("forecast", Float),  # pass probability predicted just before
    Index("ix_exam_attempts_learner", "learner", "deck_id", "started_at"),
)

exam_answers = Table(
    "exam_answers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("attempt_id", Integer, ForeignKey("exam_attempts.id", ondelete="CASCADE"), index=True),
    _required("position", Integer),
    _required("card_key", Integer, ForeignKey("cards.key", ondelete="CASCADE")),
    _optional("chosen", String(1)),  # the card's own letter; None: unanswered
    _required("correct", Boolean),
    _optional("confidence", Integer),
    _required("seconds", Float, default=0.0),
    _optional("forecast", Float),  # its chance, forecast just before
)

#: a mock exam being sat in the browser (srs.sittings): its questions, the server's clock and
#: the answers so far, so that any worker process of the server, or the server restarted,
#: carries it on; ``attempt_id`` is set when it is handed in (once)
running_exams = Table(
    "running_exams", metadata,
    Column("id", String(32), primary_key=True),  # random, in the exam's address
    _required("learner", String(200)),
    _required("deck_id", String(100), ForeignKey("decks.id", ondelete="CASCADE")),
    _required("started_at", UTCDateTime),  # the learner's clock: the attempt's start
    _required("seed", Integer),
    _optional("minutes", Float),  # the time limit; None: no timer
    _required("confidence", Boolean, default=False),
    _optional("forecast", Float),
    _optional("expected_score", Float),
    _required("chances", JSON),  # {card key: chance of a right answer}, forecast just before
    _required("questions", JSON),  # [[card key, [its choices' order as shown]], ...]
    _required("timer_started", UTCDateTime),  # the server's wall clock
    _optional("deadline", UTCDateTime),  # timer_started + the limit; None: no timer
    _required("run", JSON),  # the answers, skips (the order still to ask) and times so far
    _required("touched", UTCDateTime),  # the server's wall clock at the last change
    _optional("attempt_id", Integer, ForeignKey("exam_attempts.id", ondelete="CASCADE")),
    Index("ix_running_exams_learner", "learner", "touched"),
)

#: a media file, once, by the SHA-256 of its content
media = Table(
    "media", metadata,
    Column("sha256", String(64), primary_key=True),
    _required("size", Integer),
    _required("data", LargeBinary),
)

#: the names a deck's cards use for media files
deck_media = Table(
    "deck_media", metadata,
    Column("deck_id", String(100), ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True),
    Column("name", String(500), primary_key=True),
    _required("sha256", String(64), ForeignKey("media.sha256")),
)

#: a card as its Anki note's templates render it, kept for the web page beside the text the
#: terminal shows (HTML from a package: shown only through srs/web/sanitise.py); only for
#: cards whose HTML says more than their text
card_html = Table(
    "card_html", metadata,
    Column("card_key", Integer, ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
    _required("question", Text),
    _required("answer", Text),
    Column("style", String(64), nullable=True),  # its note type's style sheet: card_styles.digest, or none
)

#: the style sheets of Anki note types (their ``css``, as their authors wrote them; shown only
#: through srs/web/card_style.py), each kept once by its SHA-256, whatever cards share it
card_styles = Table(
    "card_styles", metadata,
    Column("digest", String(64), primary_key=True),
    _required("css", Text),
)

#: an account of `srs serve`: its name is the learner whose history it signs in to
users = Table(
    "users", metadata,
    Column("name", String(200), primary_key=True),
    _required("password_hash", Text),  # "scrypt$n$r$p$salt$hash" (srs.accounts)
    _required("teacher", Boolean, default=False),
    _required("created_at", UTCDateTime),
)

#: a signed-in browser: the SHA-256 of its cookie's random id, never the id itself
web_sessions = Table(
    "web_sessions", metadata,
    Column("id", String(64), primary_key=True),
    _required("user_name", String(200), ForeignKey("users.name", ondelete="CASCADE"), index=True),
    _required("created_at", UTCDateTime),
    _required("expires_at", UTCDateTime, index=True),
)

#: failed sign-ins, by what they counted against ("user:NAME" or "addr:ADDRESS")
sign_in_failures = Table(
    "sign_in_failures", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _required("subject", String(300)),
    _required("at", UTCDateTime),
    Index("ix_sign_in_failures_subject_at", "subject", "at"),
)


__all__ = ["UTCDateTime", "card_states", "card_tags", "cards", "deck_media", "decks", "exam_answers", "exam_attempts",
           "media", "metadata", "review_packs", "review_packs_seen", "reviews", "running_exams", "settings", "sign_in_failures", "users", "web_sessions"]
