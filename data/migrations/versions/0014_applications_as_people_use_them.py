"""applications as people use them

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 18:58:02

An application gets the steps people take (已查看, 面试邀请, 已接受, 已放弃 beside 已投递, 录用,
未录用, 已撤回), the cover letter and the résumé as sent, the interview, the reason of a
decision; the two sides write to each other on it (application_messages). Existing rows keep
their status; their letter and résumé are empty.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OLD_STATUSES = ('submitted', 'accepted', 'rejected', 'withdrawn')
NEW_STATUSES = ('submitted', 'viewed', 'interview', 'accepted', 'rejected', 'confirmed', 'declined', 'withdrawn')
REASONS = ('major', 'skills', 'time', 'filled', 'other')


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name='applicationstatus', native_enum=False, create_constraint=True, length=32)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    new_columns: list[sa.Column[Any]] = [
        sa.Column('cover_letter', sa.Text(), server_default='', nullable=False),
        sa.Column('resume', sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
        sa.Column('interview_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('interview_place', sa.String(length=200), server_default='', nullable=False),
        sa.Column('interview_note', sa.Text(), server_default='', nullable=False),
        sa.Column('reject_reason', sa.Enum(*REASONS, name='applicationrejection', native_enum=False,
                                           create_constraint=True, length=32), nullable=True),
        sa.Column('decision_note', sa.Text(), server_default='', nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    ]
    if _sqlite():
        # Rebuilt (SQLite cannot change a CHECK in place); nothing references applications yet.
        with op.batch_alter_table('applications', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            for column in new_columns:
                batch_op.add_column(column)
            batch_op.alter_column('status', existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES),
                                  existing_nullable=False)
    else:
        for column in new_columns:
            op.add_column('applications', column)  # reject_reason brings its CHECK along
        op.drop_constraint(op.f('ck_applications_applicationstatus'), 'applications', type_='check')
        op.create_check_constraint(op.f('ck_applications_applicationstatus'), 'applications', _in('status', NEW_STATUSES))
    op.create_table('application_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('from_student', sa.Boolean(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_messages_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_application_messages_author_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_messages')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('application_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_messages_application_id'), ['application_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('application_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_messages_application_id'))
    op.drop_table('application_messages')
    # The steps the old schema does not know fall back to the nearest old one.
    op.execute("UPDATE applications SET status = 'submitted' WHERE status IN ('viewed', 'interview')")
    op.execute("UPDATE applications SET status = 'accepted' WHERE status = 'confirmed'")
    op.execute("UPDATE applications SET status = 'withdrawn' WHERE status = 'declined'")
    dropped = ('decided_at', 'decision_note', 'reject_reason', 'interview_note', 'interview_place', 'interview_at',
               'resume', 'cover_letter')
    if _sqlite():
        with op.batch_alter_table('applications', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            batch_op.drop_constraint(op.f('ck_applications_applicationrejection'), type_='check')
            for name in dropped:
                batch_op.drop_column(name)
            batch_op.alter_column('status', existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES),
                                  existing_nullable=False)
    else:
        op.drop_constraint(op.f('ck_applications_applicationrejection'), 'applications', type_='check')
        op.drop_constraint(op.f('ck_applications_applicationstatus'), 'applications', type_='check')
        op.create_check_constraint(op.f('ck_applications_applicationstatus'), 'applications', _in('status', OLD_STATUSES))
        for name in dropped:
            op.drop_column('applications', name)
