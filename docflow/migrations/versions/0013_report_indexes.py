"""indexes for the paperless report: audit records by action and time, route steps by state and due time

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_action_created_at", "audit_events", ["action", "created_at", "document_id"])
    op.create_index("ix_route_steps_state_due_at", "route_steps", ["state", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_route_steps_state_due_at", table_name="route_steps")
    op.drop_index("ix_audit_events_action_created_at", table_name="audit_events")
