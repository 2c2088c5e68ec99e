"""Keep each Anki card's HTML as its note's templates render it (the question side and the
answer side), beside the text the terminal shows, for the web page.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_html",
        sa.Column("card_key", sa.Integer(), sa.ForeignKey("cards.key", ondelete="CASCADE"), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("card_html")
