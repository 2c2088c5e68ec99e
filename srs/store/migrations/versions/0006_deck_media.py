"""Media (images, sounds) kept with the decks that use them: each file once, by the
SHA-256 of its content; each deck maps the names its cards use to those files.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "deck_media",
        sa.Column("deck_id", sa.String(100), sa.ForeignKey("decks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("name", sa.String(500), primary_key=True),
        sa.Column("sha256", sa.String(64), sa.ForeignKey("media.sha256"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deck_media")
    op.drop_table("media")
