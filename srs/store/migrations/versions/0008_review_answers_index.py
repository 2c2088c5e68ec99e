"""Let the readiness forecast read every answer from an index alone: each review-log row
keeps the FSRS stability after it in a column of its own (it was only inside the ``after``
JSON), and the per-card index covers what the forecast reads (time, rating, source,
stability), in the order it reads them.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("stability", sa.Float(), nullable=True))
    reviews = sa.table("reviews", sa.column("after", sa.JSON()), sa.column("stability", sa.Float()))
    op.execute(reviews.update().values(stability=reviews.c.after["stability"].as_float()))
    op.drop_index("ix_reviews_learner_card", table_name="reviews")
    op.create_index("ix_reviews_learner_card_answers", "reviews",
                    ["learner", "card_key", "reviewed_at", "id", "rating", "source", "stability"])


def downgrade() -> None:
    op.drop_index("ix_reviews_learner_card_answers", table_name="reviews")
    op.create_index("ix_reviews_learner_card", "reviews", ["learner", "card_key", "reviewed_at"])
    op.drop_column("reviews", "stability")
