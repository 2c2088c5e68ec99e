"""Index the review log by learner, source and time: the daily limits count only review
answers (not exam ones) since the start of the learner's day.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_reviews_learner_source_time", "reviews", ["learner", "source", "reviewed_at"])


def downgrade() -> None:
    op.drop_index("ix_reviews_learner_source_time", table_name="reviews")
