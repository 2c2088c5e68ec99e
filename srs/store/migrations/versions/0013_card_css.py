"""Keep each Anki card's note type's style sheet beside its HTML, for the web page.

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
    with op.batch_alter_table("card_html") as batch:
        batch.add_column(sa.Column("css", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("card_html") as batch:
        batch.drop_column("css")
