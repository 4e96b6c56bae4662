"""incoming flow: addressees' reading of a letter, reply letters, follow-up attachments

Revision ID: 0019
Revises: 0018
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('follow_up_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disposition_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('mime_type', sa.String(length=120), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_follow_up_attachments_created_by_id_users')),
    sa.ForeignKeyConstraint(['disposition_id'], ['dispositions.id'], name=op.f('fk_follow_up_attachments_disposition_id_dispositions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_attachments'))
    )
    with op.batch_alter_table('follow_up_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_up_attachments_disposition_id'), ['disposition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_up_attachments_storage_key'), ['storage_key'], unique=False)

    op.create_table('incoming_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('disposition_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_incoming_replies_created_by_id_users')),
    sa.ForeignKeyConstraint(['disposition_id'], ['dispositions.id'], name=op.f('fk_incoming_replies_disposition_id_dispositions')),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_incoming_replies_document_id_documents')),
    sa.ForeignKeyConstraint(['letter_id'], ['incoming_letters.id'], name=op.f('fk_incoming_replies_letter_id_incoming_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_replies')),
    sa.UniqueConstraint('document_id', name=op.f('uq_incoming_replies_document_id'))
    )
    with op.batch_alter_table('incoming_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_replies_disposition_id'), ['disposition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_replies_letter_id'), ['letter_id'], unique=False)

    with op.batch_alter_table('incoming_addressees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', docflow.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('read_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incoming_addressees_read_by_id_users'), 'users', ['read_by_id'], ['id'])

    with op.batch_alter_table('incoming_letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forwarded_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incoming_letters_forwarded_to_id_incoming_letters'),
                                    'incoming_letters', ['forwarded_to_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('incoming_letters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incoming_letters_forwarded_to_id_incoming_letters'),
                                 type_='foreignkey')
        batch_op.drop_column('forwarded_to_id')

    with op.batch_alter_table('incoming_addressees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incoming_addressees_read_by_id_users'), type_='foreignkey')
        batch_op.drop_column('read_by_id')
        batch_op.drop_column('read_at')

    with op.batch_alter_table('incoming_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incoming_replies_letter_id'))
        batch_op.drop_index(batch_op.f('ix_incoming_replies_disposition_id'))

    op.drop_table('incoming_replies')
    with op.batch_alter_table('follow_up_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_up_attachments_storage_key'))
        batch_op.drop_index(batch_op.f('ix_follow_up_attachments_disposition_id'))

    op.drop_table('follow_up_attachments')
