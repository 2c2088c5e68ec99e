"""Keep what was answered: each review-log row gets ``correct`` (the right letter of a
multiple-choice card or not, whatever the learner rated it afterwards; NULL where it is not
known), and the two indexes that answer from themselves cover it: the per-card one the
readiness forecast reads, and the by-time one ``srs stats`` reads (true retention).

The old rows are filled in with what they tell:
- a review of a multiple-choice card rated Hard, Good or Easy: right (a wrong letter was
  always recorded as Again, in the terminal and on the web);
- an exam's review of a multiple-choice card: right if rated Good, wrong if Again (an exam
  rates by the answer alone);
- anything else stays NULL: a multiple-choice review rated Again (a wrong letter, or a right
  one the learner rated Again: the log cannot tell), a basic card (its rating is the
  learner's own grade), a review imported from Anki (Anki keeps only the rating).
A NULL is read by its rating (``srs.rules.answered_right``): Again wrong, any other right.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

#: the indexes as 0009 left them; 0010 adds "correct" at the end of each
OLD_INDEXES = {
    "ix_reviews_learner_card_answers": ["learner", "card_key", "reviewed_at", "id", "rating", "source", "stability"],
    "ix_reviews_learner_time_stats": ["learner", "reviewed_at", "state_before", "rating", "duration_ms"],
}


def upgrade() -> None:
    op.add_column("reviews", sa.Column("correct", sa.Boolean(), nullable=True))
    reviews = sa.table("reviews", sa.column("card_key", sa.Integer()), sa.column("rating", sa.Integer()),
                       sa.column("source", sa.String()), sa.column("correct", sa.Boolean()))
    cards = sa.table("cards", sa.column("key", sa.Integer()), sa.column("kind", sa.String()))
    mc = reviews.c.card_key.in_(sa.select(cards.c.key).where(cards.c.kind == "mc"))
    op.execute(reviews.update().where(mc, reviews.c.source == "review", reviews.c.rating >= 2)
               .values(correct=sa.true()))
    op.execute(reviews.update().where(mc, reviews.c.source == "exam")
               .values(correct=sa.case((reviews.c.rating >= 2, sa.true()), else_=sa.false())))
    for name, columns in OLD_INDEXES.items():
        op.drop_index(name, table_name="reviews")
        op.create_index(name, "reviews", [*columns, "correct"])


def downgrade() -> None:
    for name, columns in OLD_INDEXES.items():
        op.drop_index(name, table_name="reviews")
        op.create_index(name, "reviews", columns)
    op.drop_column("reviews", "correct")
