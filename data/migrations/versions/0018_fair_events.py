"""fair events

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 02:07:26

双选会 events (``data.workflows.fairs``): the event (date, place or online link, capacity,
registration deadline, status, its round), the enterprises' registered posts, the exhibiting
enterprises and the registered students, each with its check-in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fair_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'running', 'finished', name='fairstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('registration_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('capacity >= 1', name=op.f('ck_fair_events_capacity_positive')),
    sa.CheckConstraint('place IS NOT NULL OR online_url IS NOT NULL', name=op.f('ck_fair_events_place_or_online')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fair_events_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_fair_events_round_id_allocation_rounds'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_events')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('fair_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_events_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_events_status'), ['status'], unique=False)

    op.create_table('fair_attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_fair_attendees_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['fair_events.id'], name=op.f('fk_fair_attendees_event_id_fair_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_fair_attendees_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_attendees')),
    sa.UniqueConstraint('event_id', 'talent_id', name='uq_fair_attendees_event_talent'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('fair_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_attendees_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_attendees_talent_id'), ['talent_id'], unique=False)

    op.create_table('fair_exhibitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_fair_exhibitors_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['fair_events.id'], name=op.f('fk_fair_exhibitors_event_id_fair_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_fair_exhibitors_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_exhibitors')),
    sa.UniqueConstraint('event_id', 'org_id', name='uq_fair_exhibitors_event_org'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('fair_exhibitors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_exhibitors_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_exhibitors_org_id'), ['org_id'], unique=False)

    op.create_table('fair_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_fair_posts_seats_positive')),
    sa.ForeignKeyConstraint(['event_id'], ['fair_events.id'], name=op.f('fk_fair_posts_event_id_fair_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_fair_posts_internship_id_internships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], name=op.f('fk_fair_posts_registered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_posts')),
    sa.UniqueConstraint('event_id', 'internship_id', name='uq_fair_posts_event_internship'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('fair_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_posts_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_posts_internship_id'), ['internship_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('fair_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_posts_internship_id'))
        batch_op.drop_index(batch_op.f('ix_fair_posts_event_id'))

    op.drop_table('fair_posts')
    with op.batch_alter_table('fair_exhibitors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_exhibitors_org_id'))
        batch_op.drop_index(batch_op.f('ix_fair_exhibitors_event_id'))

    op.drop_table('fair_exhibitors')
    with op.batch_alter_table('fair_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_attendees_talent_id'))
        batch_op.drop_index(batch_op.f('ix_fair_attendees_event_id'))

    op.drop_table('fair_attendees')
    with op.batch_alter_table('fair_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_events_status'))
        batch_op.drop_index(batch_op.f('ix_fair_events_round_id'))

    op.drop_table('fair_events')
