"""Index cards as the new-card queue reads them: live cards in deck order, so the first
new cards are found without sorting the whole deck.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_cards_deck_position", table_name="cards")
    op.create_index("ix_cards_live_order", "cards", ["retired", "deck_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_cards_live_order", table_name="cards")
    op.create_index("ix_cards_deck_position", "cards", ["deck_id", "retired", "position"])
