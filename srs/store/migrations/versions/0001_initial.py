"""The first schema: decks, cards, tags, card states, reviews, settings, exam attempts.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from srs.store.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decks",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("exam_enabled", sa.Boolean, nullable=False),
        sa.Column("exam_questions", sa.Integer, nullable=True),
        sa.Column("exam_minutes", sa.Float, nullable=False),
        sa.Column("exam_pass_mark", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "cards",
        sa.Column("key", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("deck_id", sa.String(100), sa.ForeignKey("decks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("card_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("choices", sa.JSON, nullable=True),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("wrong_feedback", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("retired", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("deck_id", "card_id", name="uq_cards_deck_card"),
    )
    op.create_index("ix_cards_deck_position", "cards", ["deck_id", "retired", "position"])
    op.create_table(
        "card_tags",
        sa.Column("card_key", sa.Integer, sa.ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("tag", sa.String(200), primary_key=True),
    )
    op.create_index("ix_card_tags_tag", "card_tags", ["tag", "card_key"])
    op.create_table(
        "card_states",
        sa.Column("learner", sa.String(200), primary_key=True),
        sa.Column("card_key", sa.Integer, sa.ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("state", sa.Integer, nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("stability", sa.Float, nullable=True),
        sa.Column("difficulty", sa.Float, nullable=True),
        sa.Column("due", UTCDateTime, nullable=True),
        sa.Column("last_review", UTCDateTime, nullable=True),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("lapses", sa.Integer, nullable=False),
        sa.Column("suspended", sa.Boolean, nullable=False),
        sa.Column("buried_until", UTCDateTime, nullable=True),
        sa.Column("leech", sa.Boolean, nullable=False),
    )
    op.create_index("ix_card_states_due", "card_states", ["learner", "suspended", "state", "due"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(200), nullable=False),
        sa.Column("card_key", sa.Integer, sa.ForeignKey("cards.key", ondelete="CASCADE"), nullable=False),
        sa.Column("rating", sa.Integer, nullable=False),
        sa.Column("reviewed_at", UTCDateTime, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("state_before", sa.Integer, nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=False),
    )
    op.create_index("ix_reviews_learner_time", "reviews", ["learner", "reviewed_at"])
    op.create_index("ix_reviews_learner_card", "reviews", ["learner", "card_key", "reviewed_at"])
    op.create_table(
        "settings",
        sa.Column("learner", sa.String(200), primary_key=True),
        sa.Column("deck_id", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "exam_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner", sa.String(200), nullable=False),
        sa.Column("deck_id", sa.String(100), sa.ForeignKey("decks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("finished_at", UTCDateTime, nullable=False),
        sa.Column("questions", sa.Integer, nullable=False),
        sa.Column("correct", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("pass_mark", sa.Float, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("minutes", sa.Float, nullable=True),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("timed_out", sa.Boolean, nullable=False),
        sa.Column("forecast", sa.Float, nullable=True),
    )
    op.create_index("ix_exam_attempts_learner", "exam_attempts", ["learner", "deck_id", "started_at"])
    op.create_table(
        "exam_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("exam_attempts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("card_key", sa.Integer, sa.ForeignKey("cards.key", ondelete="CASCADE"), nullable=False),
        sa.Column("chosen", sa.String(1), nullable=True),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("confidence", sa.Integer, nullable=True),
        sa.Column("seconds", sa.Float, nullable=False),
    )
    op.create_index("ix_exam_answers_attempt_id", "exam_answers", ["attempt_id"])


def downgrade() -> None:
    for table in ("exam_answers", "exam_attempts", "settings", "reviews", "card_states", "card_tags", "cards", "decks"):
        op.drop_table(table)
