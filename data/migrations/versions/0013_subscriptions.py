"""subscriptions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 18:53:52

「有新的匹配时通知我」: a user follows a search or one of their records in one direction; the
worker tells them of each new match once (``matcher.watch``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('source_pool', sa.String(length=20), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('direction', sa.String(length=40), nullable=True),
    sa.Column('query', sa.String(length=200), nullable=False),
    sa.Column('target_pool', sa.String(length=20), nullable=True),
    sa.Column('min_score', sa.Double(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_subscriptions_source', ['source_pool', 'source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscriptions_user_id'), ['user_id'], unique=False)

    op.create_table('subscription_hits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=False),
    sa.Column('pool', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], name=op.f('fk_subscription_hits_subscription_id_subscriptions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription_hits')),
    sa.UniqueConstraint('subscription_id', 'pool', 'record_id', name='told_once'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('subscription_hits', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_hits_record', ['pool', 'record_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('subscription_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_subscription_hits_record')

    op.drop_table('subscription_hits')
    with op.batch_alter_table('subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriptions_user_id'))
        batch_op.drop_index('ix_subscriptions_source')

    op.drop_table('subscriptions')
