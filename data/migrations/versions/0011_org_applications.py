"""new organizations apply to join: org_applications

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00

Someone outside the pools applies for a new organization (credit code, contact person, the
charter's membership application); the organization waits as a draft until the secretariat
approves it (``data.workflows.joining``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('org_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=False),
    sa.Column('contact_name', sa.String(length=64), nullable=False),
    sa.Column('contact_phone', sa.String(length=30), nullable=False),
    sa.Column('contact_email', sa.String(length=120), nullable=False),
    sa.Column('requested_level', sa.Enum('president', 'vice_president', 'standing_director', 'director', 'member', name='memberlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'approved', 'rejected', name='joinstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['membership_cases.id'], name=op.f('fk_org_applications_case_id_membership_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_org_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_org_applications_org_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_org_applications')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('org_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_applications_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_applications_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('org_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_org_applications_status'))
        batch_op.drop_index(batch_op.f('ix_org_applications_org_id'))
    op.drop_table('org_applications')
