"""feedback

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:53:38.211241
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('direction', sa.String(length=40), nullable=False),
    sa.Column('source_pool', sa.String(length=20), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('target_pool', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('interested', 'rejected', 'contacted', 'cooperated', name='feedbackaction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Enum('field', 'region', 'seniority', 'existing', 'other', name='rejectreason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index('ix_feedback_actor_source', ['actor', 'source_pool', 'source_id'], unique=False)
        batch_op.create_index('ix_feedback_target', ['target_pool', 'target_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_target')
        batch_op.drop_index('ix_feedback_actor_source')

    op.drop_table('feedback')

