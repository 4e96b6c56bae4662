"""the PAdES level of each signed letter (B-B with revocation data, or B-T/B-LT/B-LTA with a timestamp authority)

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Every letter signed before this revision was signed without a timestamp authority, with the
# CA's CRL embedded in the document security store.
_EARLIER = "B-B+revocation"


def upgrade() -> None:
    with op.batch_alter_table("verification_tokens") as batch:
        batch.add_column(sa.Column("pades_level", sa.String(20), nullable=True))
    op.execute(sa.text("UPDATE verification_tokens SET pades_level = :level").bindparams(level=_EARLIER))
    with op.batch_alter_table("verification_tokens") as batch:
        batch.alter_column("pades_level", existing_type=sa.String(20), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("verification_tokens") as batch:
        batch.drop_column("pades_level")
