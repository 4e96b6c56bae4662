"""intake without typing: pending registrations from mailboxes and scanner folders, and their sources' health

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('intake_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('last_checked_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_ok_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_intake_sources_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_intake_sources')),
    sa.UniqueConstraint('name', name=op.f('uq_intake_sources_name'))
    )
    op.create_table('pending_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('source_key', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('sender', sa.String(length=300), nullable=False),
    sa.Column('sender_address', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=500), nullable=False),
    sa.Column('received_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_key', sa.String(length=100), nullable=True),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=True),
    sa.Column('mime_type', sa.String(length=100), nullable=False),
    sa.Column('original_key', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('discard_reason', sa.Text(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pending_registrations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['incoming_letters.id'], name=op.f('fk_pending_registrations_letter_id_incoming_letters')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_pending_registrations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registrations')),
    sa.UniqueConstraint('unit_id', 'source_key', name='uq_pending_registrations_unit_source')
    )
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_registrations_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_pending_registrations_unit_state', ['unit_id', 'state'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_pending_registrations_unit_state')
        batch_op.drop_index(batch_op.f('ix_pending_registrations_message_id'))

    op.drop_table('pending_registrations')
    op.drop_table('intake_sources')
