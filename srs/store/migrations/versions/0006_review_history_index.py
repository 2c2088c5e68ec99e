"""Let the optimizer read a learner's review history from an index alone: (learner, card,
time, id) in the order ``Store.review_history`` reads them, with the rating and the source
beside them, so a million reviews are read without touching the table rows (and their
JSON). It replaces the (learner, card, time) index, which it still serves as a prefix.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_reviews_learner_card", table_name="reviews")
    op.create_index("ix_reviews_learner_card_history", "reviews",
                    ["learner", "card_key", "reviewed_at", "id", "rating", "source"])


def downgrade() -> None:
    op.drop_index("ix_reviews_learner_card_history", table_name="reviews")
    op.create_index("ix_reviews_learner_card", "reviews", ["learner", "card_key", "reviewed_at"])
