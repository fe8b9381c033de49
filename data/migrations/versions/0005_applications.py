"""applications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 04:39:12.845993
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'rejected', 'withdrawn', name='applicationstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_applications_internship_id_internships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_applications_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('talent_id', 'internship_id', name='talent_internship')
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_internship_id'), ['internship_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_talent_id'), ['talent_id'], unique=False)

    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_talents_user_id'), ['user_id'])
        batch_op.create_foreign_key(batch_op.f('fk_talents_user_id_users'), 'users', ['user_id'], ['id'])




def downgrade() -> None:

    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_talents_user_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_talents_user_id'), type_='unique')
        batch_op.drop_column('user_id')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_talent_id'))
        batch_op.drop_index(batch_op.f('ix_applications_internship_id'))

    op.drop_table('applications')

