"""allocation rounds

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 22:53:22

双选 rounds (``data.workflows.rounds``): the round, its posts and students, the students'
choices, the enterprises' marks and the stored results.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('allocation_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('draft', 'open', 'closed', 'allocated', 'published', name='roundstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('method', sa.Enum('stable', 'welfare', name='roundmethod', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('max_choices', sa.Integer(), nullable=False),
    sa.Column('floor', sa.Float(), nullable=True),
    sa.Column('apprentice_share', sa.Float(), nullable=True),
    sa.Column('school_quota', sa.Integer(), nullable=True),
    sa.Column('student_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enterprise_deadline', sa.DateTime(timezone=True), nullable=True),
    sa.Column('metrics', sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('apprentice_share IS NULL OR (apprentice_share >= 0 AND apprentice_share <= 1)', name=op.f('ck_allocation_rounds_apprentice_share_range')),
    sa.CheckConstraint('max_choices >= 1', name=op.f('ck_allocation_rounds_max_choices_positive')),
    sa.CheckConstraint('school_quota IS NULL OR school_quota >= 0', name=op.f('ck_allocation_rounds_school_quota_nonnegative')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allocation_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allocation_rounds')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('allocation_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocation_rounds_status'), ['status'], unique=False)

    op.create_table('round_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.CheckConstraint('rank >= 1', name=op.f('ck_round_choices_rank_positive')),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_round_choices_internship_id_internships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_round_choices_round_id_allocation_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_round_choices_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_choices')),
    sa.UniqueConstraint('round_id', 'talent_id', 'internship_id', name='round_talent_internship'),
    sa.UniqueConstraint('round_id', 'talent_id', 'rank', name='round_talent_rank'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_choices_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_choices_talent_id'), ['talent_id'], unique=False)

    op.create_table('round_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('mark', sa.Enum('preferred', 'acceptable', 'not_acceptable', name='roundmark', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_round_marks_internship_id_internships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_round_marks_round_id_allocation_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_round_marks_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_marks')),
    sa.UniqueConstraint('round_id', 'internship_id', 'talent_id', name='round_internship_talent'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_marks_round_id'), ['round_id'], unique=False)

    op.create_table('round_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 0', name=op.f('ck_round_posts_seats_nonnegative')),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_round_posts_internship_id_internships'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_round_posts_round_id_allocation_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_posts')),
    sa.UniqueConstraint('round_id', 'internship_id', name='uq_round_posts_round_internship'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_posts_internship_id'), ['internship_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_posts_round_id'), ['round_id'], unique=False)

    op.create_table('round_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.Column('internship_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('student_rank', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=True),
    sa.Column('alternatives', sa.JSON(), server_default=sa.text("'[]'"), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['internship_id'], ['internships.id'], name=op.f('fk_round_results_internship_id_internships'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_round_results_round_id_allocation_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_round_results_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_results')),
    sa.UniqueConstraint('round_id', 'talent_id', name='uq_round_results_round_talent'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_results_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_results_talent_id'), ['talent_id'], unique=False)

    op.create_table('round_students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('talent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['allocation_rounds.id'], name=op.f('fk_round_students_round_id_allocation_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['talent_id'], ['talents.id'], name=op.f('fk_round_students_talent_id_talents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_students')),
    sa.UniqueConstraint('round_id', 'talent_id', name='uq_round_students_round_talent'),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('round_students', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_students_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_round_students_talent_id'), ['talent_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('round_students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_students_talent_id'))
        batch_op.drop_index(batch_op.f('ix_round_students_round_id'))

    op.drop_table('round_students')
    with op.batch_alter_table('round_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_results_talent_id'))
        batch_op.drop_index(batch_op.f('ix_round_results_round_id'))

    op.drop_table('round_results')
    with op.batch_alter_table('round_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_posts_round_id'))
        batch_op.drop_index(batch_op.f('ix_round_posts_internship_id'))

    op.drop_table('round_posts')
    with op.batch_alter_table('round_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_marks_round_id'))

    op.drop_table('round_marks')
    with op.batch_alter_table('round_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_choices_talent_id'))
        batch_op.drop_index(batch_op.f('ix_round_choices_round_id'))

    op.drop_table('round_choices')
    with op.batch_alter_table('allocation_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocation_rounds_status'))

    op.drop_table('allocation_rounds')
