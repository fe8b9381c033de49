"""trust contact membership lockout

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 06:03:02.504706
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('target_pool', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('internship', 'project', 'consulting', 'hiring', 'practice', 'other', name='contactpurpose', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'declined', 'withdrawn', 'revoked', name='contactstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_contact_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['users.id'], name=op.f('fk_contact_requests_requester_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests'))
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_requests_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_requests_status'), ['status'], unique=False)
        batch_op.create_index('ix_contact_requests_target', ['target_pool', 'target_id'], unique=False)

    op.create_table('membership_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('join', 'expel', name='casekind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('requested_level', sa.Enum('president', 'vice_president', 'standing_director', 'director', 'member', name='memberlevel', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'returned', 'rejected', 'voting', 'approved', 'refused', name='casestatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('council_size', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_membership_cases_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_membership_cases_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_cases'))
    )
    with op.batch_alter_table('membership_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_cases_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_cases_status'), ['status'], unique=False)

    op.create_table('council_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('voter_org_id', sa.Integer(), nullable=False),
    sa.Column('voter_user_id', sa.Integer(), nullable=True),
    sa.Column('approve', sa.Boolean(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['membership_cases.id'], name=op.f('fk_council_votes_case_id_membership_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_org_id'], ['organizations.id'], name=op.f('fk_council_votes_voter_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_user_id'], ['users.id'], name=op.f('fk_council_votes_voter_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_votes')),
    sa.UniqueConstraint('case_id', 'voter_org_id', name='one_vote_per_member')
    )
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_votes_case_id'), ['case_id'], unique=False)

    op.create_table('membership_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['membership_cases.id'], name=op.f('fk_membership_events_case_id_membership_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_membership_events_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_events'))
    )
    with op.batch_alter_table('membership_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_events_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_certificate', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('member_since', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_fee_paid_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_active_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('withdrawal_effective_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_organizations_member_certificate'), ['member_certificate'])

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_organizations_member_certificate'), type_='unique')
        batch_op.drop_column('withdrawal_effective_on')
        batch_op.drop_column('last_active_on')
        batch_op.drop_column('last_fee_paid_on')
        batch_op.drop_column('member_since')
        batch_op.drop_column('member_certificate')

    with op.batch_alter_table('membership_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_events_org_id'))

    op.drop_table('membership_events')
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_votes_case_id'))

    op.drop_table('council_votes')
    with op.batch_alter_table('membership_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_cases_status'))
        batch_op.drop_index(batch_op.f('ix_membership_cases_org_id'))

    op.drop_table('membership_cases')
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_requests_target')
        batch_op.drop_index(batch_op.f('ix_contact_requests_status'))
        batch_op.drop_index(batch_op.f('ix_contact_requests_requester_id'))

    op.drop_table('contact_requests')
