"""indexes that serve "disposisi for me" in its order (open nodes first, by rank, due date, newest) and
the start page's newest-received letters

Revision ID: 0021
Revises: 0020
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# The same text as docflow.incoming.models.INBOX_RANK_SQL (a migration does not import the models).
RANK = "CASE state WHEN 'unread' THEN 0 WHEN 'read' THEN 1 WHEN 'followed_up' THEN 2 ELSE 3 END"


def upgrade() -> None:
    op.create_index("ix_dispositions_inbox", "dispositions",
                    ["to_position_id", sa.text(f"({RANK})"), "due_on", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_index("ix_dispositions_inbox_state", "dispositions",
                    ["to_position_id", "state", "due_on", sa.text("created_at DESC"), sa.text("id DESC")])
    op.create_index("ix_incoming_letters_received", "incoming_letters",
                    [sa.text("received_on DESC"), sa.text("id DESC")])


def downgrade() -> None:
    op.drop_index("ix_incoming_letters_received", table_name="incoming_letters")
    op.drop_index("ix_dispositions_inbox_state", table_name="dispositions")
    op.drop_index("ix_dispositions_inbox", table_name="dispositions")
