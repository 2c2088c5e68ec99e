"""Running mock exams kept in the database (srs.sittings): the questions, the server's clock,
the answers so far; any worker process of `srs serve`, or the server restarted, carries an
exam on, and handing it in saves the attempt once.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

from srs.store.models import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "running_exams",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner", sa.String(200), nullable=False),
        sa.Column("deck_id", sa.String(100), sa.ForeignKey("decks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Boolean(), nullable=False),
        sa.Column("forecast", sa.Float(), nullable=True),
        sa.Column("expected_score", sa.Float(), nullable=True),
        sa.Column("chances", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("timer_started", UTCDateTime, nullable=False),
        sa.Column("deadline", UTCDateTime, nullable=True),
        sa.Column("run", sa.JSON(), nullable=False),
        sa.Column("touched", UTCDateTime, nullable=False),
        sa.Column("attempt_id", sa.Integer(), sa.ForeignKey("exam_attempts.id", ondelete="CASCADE"), nullable=True),
    )
    op.create_index("ix_running_exams_learner", "running_exams", ["learner", "touched"])


def downgrade() -> None:
    op.drop_index("ix_running_exams_learner", table_name="running_exams")
    op.drop_table("running_exams")
