"""notifications: inbox messages, mail preferences, user e-mail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 18:43:20

Every workflow leaves its messages in the recipient's inbox (``data.workflows.notifications``);
a message's e-mail waits in the same row (state, attempts, next attempt, last error) until the
worker sends it, at once or in the day's digest (``indexer.outbox``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('application_received', 'application_status', 'proposal_received', 'proposal_answered', 'contact_received', 'contact_answered', 'review_decision', 'edit_approved', 'membership', 'subscription', 'agreement', name='notificationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mode', sa.Enum('immediate', 'digest', 'off', name='mailmode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_preferences_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_preferences')),
    sa.UniqueConstraint('user_id', 'kind', name='one_preference_per_kind'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('mail_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_preferences_user_id'), ['user_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('application_received', 'application_status', 'proposal_received', 'proposal_answered', 'contact_received', 'contact_answered', 'review_decision', 'edit_approved', 'membership', 'subscription', 'agreement', name='notificationkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_state', sa.Enum('none', 'pending', 'digest', 'sent', 'failed', name='mailstate', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('mail_attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mail_error', sa.Text(), nullable=False),
    sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_mail_due', ['mail_state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)

    # Plain ADD COLUMN on both databases: a batch rebuild of users on SQLite would cascade-delete
    # every row that references an account (see 0010).
    op.add_column('users', sa.Column('email', sa.String(length=120), nullable=True))
    op.add_column('users', sa.Column('last_digest_on', sa.Date(), nullable=True))



def downgrade() -> None:
    op.drop_column('users', 'last_digest_on')  # SQLite ≥ 3.35 drops a column in place
    op.drop_column('users', 'email')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_read')
        batch_op.drop_index('ix_notifications_mail_due')

    op.drop_table('notifications')
    with op.batch_alter_table('mail_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_preferences_user_id'))

    op.drop_table('mail_preferences')
