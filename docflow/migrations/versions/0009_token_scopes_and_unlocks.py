"""API token scopes and expiry; login unlocks; login attempts looked up by (username, address)

Revision ID: 0009
Revises: 0008
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        # Tokens issued before scopes existed could do everything their owner may: they keep that.
        batch.add_column(sa.Column("scope", sa.String(length=16), nullable=False, server_default="admin"))
        batch.add_column(sa.Column("expires_at", docflow.db.UTCDateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_api_tokens_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("logins_unlocked_at", docflow.db.UTCDateTime(timezone=True), nullable=True))
    op.create_index("ix_login_attempts_pair", "login_attempts", ["username", "ip", "at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_login_attempts_pair", table_name="login_attempts")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("logins_unlocked_at")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index(batch.f("ix_api_tokens_user_id"))
        batch.drop_column("expires_at")
        batch.drop_column("scope")
