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

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: the block of a card key: srs/store/packs.py PACK_CARDS
_DROP = "DELETE FROM review_packs WHERE learner = {row}.learner AND block = {row}.card_key / 32;"
_SEEN = "(SELECT seen FROM review_packs_seen WHERE learner = NEW.learner)"

#: (trigger name, event, condition, the rows whose block's pack goes) on SQLite
_SQLITE = (("review_packs_on_insert", "INSERT", f"WHEN NEW.id <= {_SEEN}", ("NEW",)),
           ("review_packs_on_delete", "DELETE", "", ("OLD",)),
           ("review_packs_on_update", "UPDATE", "", ("OLD", "NEW")))

_PG_FUNCTION = f"""
CREATE FUNCTION srs_drop_review_pack() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.id <= {_SEEN} THEN
            {_DROP.format(row="NEW")}
        END IF;
        RETURN NULL;
    END IF;
    {_DROP.format(row="OLD")}
    IF TG_OP = 'UPDATE' THEN
        {_DROP.format(row="NEW")}
    END IF;
    RETURN NULL;
END
$$"""


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
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER review_packs_drop AFTER INSERT OR UPDATE OR DELETE ON reviews "
                   "FOR EACH ROW EXECUTE FUNCTION srs_drop_review_pack()")
    else:
        for name, event, condition, rows in _SQLITE:
            body = " ".join(_DROP.format(row=row) for row in rows)
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON reviews {condition} BEGIN {body} END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER review_packs_drop ON reviews")
        op.execute("DROP FUNCTION srs_drop_review_pack()")
    else:
        for name, *_ in _SQLITE:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("review_packs_seen")
    op.drop_table("review_packs")
