"""review panels

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 23:21:01

Expert review panels (``data.workflows.panels``): the batch, its items (needs and 成果), the
experts' seats, their per-criterion scores and declared conflicts of interest.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'assigned', 'invited', 'scoring', 'finished', name='panelstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('panel_size', sa.Integer(), nullable=False),
    sa.Column('max_load', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    sa.Column('metrics', sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('max_load >= 1', name=op.f('ck_review_batches_max_load_positive')),
    sa.CheckConstraint('panel_size >= 1', name=op.f('ck_review_batches_panel_size_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_review_batches_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_batches')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('review_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_batches_status'), ['status'], unique=False)

    op.create_table('review_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('pool', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['review_batches.id'], name=op.f('fk_review_conflicts_batch_id_review_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_review_conflicts_expert_id_experts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_conflicts')),
    sa.UniqueConstraint('expert_id', 'pool', 'record_id', name='uq_review_conflicts_expert_pool_record'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('review_conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_conflicts_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_conflicts_expert_id'), ['expert_id'], unique=False)

    op.create_table('review_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('pool', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("pool IN ('project', 'achievement')", name=op.f('ck_review_items_pool_reviewable')),
    sa.ForeignKeyConstraint(['batch_id'], ['review_batches.id'], name=op.f('fk_review_items_batch_id_review_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_items')),
    sa.UniqueConstraint('batch_id', 'pool', 'record_id', name='uq_review_items_batch_pool_record'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_items_batch_id'), ['batch_id'], unique=False)

    op.create_table('review_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'invited', 'accepted', 'declined', name='seatstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('fit', sa.Float(), nullable=True),
    sa.Column('reasons', sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['review_batches.id'], name=op.f('fk_review_seats_batch_id_review_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['expert_id'], ['experts.id'], name=op.f('fk_review_seats_expert_id_experts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['item_id'], ['review_items.id'], name=op.f('fk_review_seats_item_id_review_items'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_seats')),
    sa.UniqueConstraint('item_id', 'expert_id', name='uq_review_seats_item_expert'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('review_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_seats_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_seats_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_seats_item_id'), ['item_id'], unique=False)

    op.create_table('review_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=50), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_review_scores_score_range')),
    sa.ForeignKeyConstraint(['seat_id'], ['review_seats.id'], name=op.f('fk_review_scores_seat_id_review_seats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_scores')),
    sa.UniqueConstraint('seat_id', 'criterion', name='uq_review_scores_seat_criterion'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_scores_seat_id'), ['seat_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('review_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_scores_seat_id'))

    op.drop_table('review_scores')
    with op.batch_alter_table('review_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_seats_item_id'))
        batch_op.drop_index(batch_op.f('ix_review_seats_expert_id'))
        batch_op.drop_index(batch_op.f('ix_review_seats_batch_id'))

    op.drop_table('review_seats')
    with op.batch_alter_table('review_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_items_batch_id'))

    op.drop_table('review_items')
    with op.batch_alter_table('review_conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_conflicts_expert_id'))
        batch_op.drop_index(batch_op.f('ix_review_conflicts_batch_id'))

    op.drop_table('review_conflicts')
    with op.batch_alter_table('review_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_batches_status'))

    op.drop_table('review_batches')
