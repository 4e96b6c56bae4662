"""incoming letters (naskah masuk), their agenda registers, the disposisi tree and desk grants on documents

Revision ID: 0012
Revises: 0011
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import docflow.db


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

DEFAULT_INSTRUCTIONS = ("Untuk diketahui", "Untuk ditindaklanjuti", "Siapkan jawaban", "Hadiri/wakili",
                        "Koordinasikan", "Simpan/arsipkan")


def upgrade() -> None:
    instructions = op.create_table('disposition_instructions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('ordering', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disposition_instructions')),
    sa.UniqueConstraint('text', name=op.f('uq_disposition_instructions_text'))
    )
    # The city's list starts with the national defaults; administrators may add to it.
    op.bulk_insert(instructions, [
        {"text": text, "ordering": n, "is_active": True}
        for n, text in enumerate(DEFAULT_INSTRUCTIONS, start=1)
    ])
    op.create_table('agenda_registers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_agenda_registers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_registers')),
    sa.UniqueConstraint('unit_id', 'year', name=op.f('uq_agenda_registers_unit_id'))
    )
    op.create_table('document_desk_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_document_desk_grants_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_document_desk_grants_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_desk_grants')),
    sa.UniqueConstraint('document_id', 'position_id', name=op.f('uq_document_desk_grants_document_id'))
    )
    with op.batch_alter_table('document_desk_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_desk_grants_position_id'), ['position_id'], unique=False)

    op.create_table('incoming_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('agenda_year', sa.Integer(), nullable=False),
    sa.Column('agenda_number', sa.Integer(), nullable=False),
    sa.Column('sender_institution', sa.String(length=300), nullable=False),
    sa.Column('sender_person', sa.String(length=200), nullable=False),
    sa.Column('sender_key', sa.String(length=300), nullable=False),
    sa.Column('sender_number', sa.String(length=120), nullable=False),
    sa.Column('sender_date', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_incoming_letters_document_id_documents')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_incoming_letters_registered_by_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_incoming_letters_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_letters')),
    sa.UniqueConstraint('unit_id', 'document_id', name=op.f('uq_incoming_letters_unit_document')),
    sa.UniqueConstraint('unit_id', 'agenda_year', 'agenda_number', name=op.f('uq_incoming_letters_unit_id'))
    )
    with op.batch_alter_table('incoming_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_letters_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_letters_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_incoming_letters_duplicate', ['sender_number', 'sender_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_letters_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_letters_unit_id'), ['unit_id'], unique=False)

    op.create_table('dispositions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('from_position_id', sa.Integer(), nullable=False),
    sa.Column('from_user_id', sa.Integer(), nullable=False),
    sa.Column('issued_via', sa.String(length=8), nullable=False),
    sa.Column('to_position_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_at', docflow.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_by_id', sa.Integer(), nullable=True),
    sa.Column('followed_up_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('followed_up_by_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_note', sa.Text(), nullable=False),
    sa.Column('done_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', docflow.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_dispositions_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_dispositions_done_by_id_users')),
    sa.ForeignKeyConstraint(['followed_up_by_id'], ['users.id'], name=op.f('fk_dispositions_followed_up_by_id_users')),
    sa.ForeignKeyConstraint(['from_position_id'], ['positions.id'], name=op.f('fk_dispositions_from_position_id_positions')),
    sa.ForeignKeyConstraint(['from_user_id'], ['users.id'], name=op.f('fk_dispositions_from_user_id_users')),
    sa.ForeignKeyConstraint(['letter_id'], ['incoming_letters.id'], name=op.f('fk_dispositions_letter_id_incoming_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['dispositions.id'], name=op.f('fk_dispositions_parent_id_dispositions')),
    sa.ForeignKeyConstraint(['read_by_id'], ['users.id'], name=op.f('fk_dispositions_read_by_id_users')),
    sa.ForeignKeyConstraint(['to_position_id'], ['positions.id'], name=op.f('fk_dispositions_to_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispositions'))
    )
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispositions_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispositions_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index('ix_dispositions_to_state', ['to_position_id', 'state'], unique=False)

    op.create_table('incoming_addressees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['incoming_letters.id'], name=op.f('fk_incoming_addressees_letter_id_incoming_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_incoming_addressees_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_addressees')),
    sa.UniqueConstraint('letter_id', 'position_id', name=op.f('uq_incoming_addressees_letter_id'))
    )
    with op.batch_alter_table('incoming_addressees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_addressees_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_addressees_position_id'), ['position_id'], unique=False)

    op.create_table('disposition_instruction_links',
    sa.Column('disposition_id', sa.Integer(), nullable=False),
    sa.Column('instruction_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['disposition_id'], ['dispositions.id'], name=op.f('fk_disposition_instruction_links_disposition_id_dispositions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instruction_id'], ['disposition_instructions.id'], name=op.f('fk_disposition_instruction_links_instruction_id_disposition_instructions')),
    sa.PrimaryKeyConstraint('disposition_id', 'instruction_id', name=op.f('pk_disposition_instruction_links'))
    )


def downgrade() -> None:
    op.drop_table('disposition_instruction_links')
    with op.batch_alter_table('incoming_addressees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incoming_addressees_position_id'))
        batch_op.drop_index(batch_op.f('ix_incoming_addressees_letter_id'))

    op.drop_table('incoming_addressees')
    with op.batch_alter_table('dispositions', schema=None) as batch_op:
        batch_op.drop_index('ix_dispositions_to_state')
        batch_op.drop_index(batch_op.f('ix_dispositions_parent_id'))
        batch_op.drop_index(batch_op.f('ix_dispositions_letter_id'))

    op.drop_table('dispositions')
    with op.batch_alter_table('incoming_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incoming_letters_unit_id'))
        batch_op.drop_index(batch_op.f('ix_incoming_letters_state'))
        batch_op.drop_index('ix_incoming_letters_duplicate')
        batch_op.drop_index(batch_op.f('ix_incoming_letters_document_id'))
        batch_op.drop_index(batch_op.f('ix_incoming_letters_created_at'))

    op.drop_table('incoming_letters')
    with op.batch_alter_table('document_desk_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_desk_grants_position_id'))

    op.drop_table('document_desk_grants')
    op.drop_table('agenda_registers')
    op.drop_table('disposition_instructions')
