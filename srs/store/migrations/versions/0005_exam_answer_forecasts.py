"""Keep, with every exam answer, the chance that readiness gave it just before the
attempt: readiness checks its per-question forecasts against what happened.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("exam_answers") as batch:
        batch.add_column(sa.Column("forecast", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("exam_answers") as batch:
        batch.drop_column("forecast")
