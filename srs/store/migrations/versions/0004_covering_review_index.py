"""Let statistics read the review log from an index alone: per-day counts, time spent and
true retention aggregate (learner, time, state before, rating, duration) without touching
the table rows.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_reviews_learner_time", table_name="reviews")
    op.create_index("ix_reviews_learner_time_stats", "reviews",
                    ["learner", "reviewed_at", "state_before", "rating", "duration_ms"])


def downgrade() -> None:
    op.drop_index("ix_reviews_learner_time_stats", table_name="reviews")
    op.create_index("ix_reviews_learner_time", "reviews", ["learner", "reviewed_at"])
