"""The review log packed for the readiness forecast (``review_packs``, one row per learner
and block of 32 card keys) and, per learner, the largest review id the packs reflect
(``review_packs_seen``). An answer writes nothing for them: its row's id is larger, and the
forecast finds such rows by id. Triggers drop a block's pack where one of its review rows is
changed or deleted, or inserted at an id already seen (SQLite gives the largest id again
after it was deleted); only that insert check runs on the answer path.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

from srs.store.pack_triggers import create_statements, drop_statements

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_packs",
        sa.Column("learner", sa.String(200), primary_key=True),
        sa.Column("block", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("code", sa.LargeBinary(), nullable=False),
        sa.Column("at", sa.LargeBinary(), nullable=False),
        sa.Column("stability", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "review_packs_seen",
        sa.Column("learner", sa.String(200), primary_key=True),
        sa.Column("seen", sa.Integer(), nullable=False),
    )
    for statement in create_statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in drop_statements(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table("review_packs_seen")
    op.drop_table("review_packs")
