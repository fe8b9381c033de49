"""agreements and activity

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 19:02:46

合作记录 and the activity logged on them (``data.workflows.agreements``): what the alliance's
charter and the 产教联合体 indicator table count — hours taught, person-months of practice or
internship, trainee-days, contract amounts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('horizontal', 'transfer', 'license', 'equity', 'consulting', 'internship', 'apprenticeship', 'part_time_teacher', 'teacher_practice', 'co_major', 'co_course', 'co_textbook', 'co_training_base', 'co_college', 'staff_training', name='agreementkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('person_pool', sa.String(length=20), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=200), server_default='', nullable=False),
    sa.Column('source_kind', sa.String(length=20), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('amount_wan', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='agreementstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount_wan IS NULL OR amount_wan >= 0', name=op.f('ck_agreements_amount_nonnegative')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_agreements_period_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_agreements_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organizations.id'], name=op.f('fk_agreements_enterprise_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partner_id'], ['organizations.id'], name=op.f('fk_agreements_partner_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreements_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index('ix_agreements_person', ['person_pool', 'person_id'], unique=False)
        batch_op.create_index('ix_agreements_source', ['source_kind', 'source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agreements_status'), ['status'], unique=False)

    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.Enum('teaching_hours', 'practice_months', 'internship_months', 'trainee_days', name='activityunit', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_by_org_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'confirmed', 'disputed', name='activitystatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answer_note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_activities_quantity_positive')),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_activities_agreement_id_agreements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], name=op.f('fk_activities_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_activities_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_org_id'], ['organizations.id'], name=op.f('fk_activities_entered_by_org_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activities_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activities_status'))
        batch_op.drop_index(batch_op.f('ix_activities_agreement_id'))

    op.drop_table('activities')
    with op.batch_alter_table('agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreements_status'))
        batch_op.drop_index('ix_agreements_source')
        batch_op.drop_index('ix_agreements_person')
        batch_op.drop_index(batch_op.f('ix_agreements_partner_id'))
        batch_op.drop_index(batch_op.f('ix_agreements_enterprise_id'))

    op.drop_table('agreements')
