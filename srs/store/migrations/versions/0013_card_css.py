"""Keep the style sheet of each Anki card's note type (once per distinct sheet), for the
web page.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "card_styles",
        sa.Column("digest", sa.String(64), primary_key=True),
        sa.Column("css", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("card_html") as batch:
        batch.add_column(sa.Column("style", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("card_html") as batch:
        batch.drop_column("style")
    op.drop_table("card_styles")
