"""session version, login failures per address, shared rate-limit counters

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:40:00

Sessions end server-side on logout, a new password or deactivation (users.session_version);
failed logins are counted per (username, address) and per username (login_failures) instead
of by the account alone (users.failed_logins/locked_until, dropped); the login rate limit
counts in the database when there is no Redis (rate_counters).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _to_session_version(batch_op: BatchOperations) -> None:
    batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
    batch_op.drop_column('locked_until')
    batch_op.drop_column('failed_logins')


def _to_account_lock(batch_op: BatchOperations) -> None:
    batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
    batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    batch_op.drop_column('session_version')


def _alter_users(change: Callable[[BatchOperations], None]) -> None:
    """Dropping a column rebuilds the users table on SQLite. Foreign keys are off meanwhile
    (dropping the old table would otherwise cascade into every table that points at users),
    the table stays AUTOINCREMENT (0009), and its sequence keeps the floor 0009 gave it, so an
    id of a deleted account is still never handed out again."""
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        with op.batch_alter_table('users') as batch_op:
            change(batch_op)
        return
    context = op.get_context()
    with context.autocommit_block():
        op.execute('PRAGMA foreign_keys=OFF')
    try:
        problems_before = _foreign_key_problems(conn)
        floor = conn.execute(sa.text("SELECT MAX(seq) FROM sqlite_sequence WHERE name = 'users'")).scalar() or 0
        with op.batch_alter_table('users', recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            change(batch_op)
        seq = conn.execute(sa.text("SELECT MAX(seq) FROM sqlite_sequence WHERE name = 'users'")).scalar() or 0
        if floor > seq:
            conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'users'"))
            conn.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('users', :seq)"), {'seq': floor})
        new_problems = _foreign_key_problems(conn) - problems_before
        if new_problems:
            raise RuntimeError(f'rebuilding users broke foreign keys: {sorted(new_problems)[:10]}')
    finally:
        with context.autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def _foreign_key_problems(conn: sa.Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.execute(sa.text('PRAGMA foreign_key_check'))}


def upgrade() -> None:
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    sa.UniqueConstraint('username', 'address', name='one_counter_per_source'),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_last_failed_at'), ['last_failed_at'], unique=False)

    op.create_table('rate_counters',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('hits', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_counters'))
    )
    with op.batch_alter_table('rate_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_counters_expires_at'), ['expires_at'], unique=False)

    _alter_users(_to_session_version)


def downgrade() -> None:
    _alter_users(_to_account_lock)

    with op.batch_alter_table('rate_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_counters_expires_at'))

    op.drop_table('rate_counters')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failures_last_failed_at'))

    op.drop_table('login_failures')
