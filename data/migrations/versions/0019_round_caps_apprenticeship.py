"""round caps and 学徒岗位

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:00:00

A post may be a 学徒岗位 (internships.job_kind gains ``apprenticeship``: its CHECK changes); a 双选
round keeps two more rules (allocation_rounds.site_caps: region code → the most students the
round's posts there take together; allocation_rounds.school_total: the most students of one school
placed in the round). On the way down an apprenticeship post becomes an internship.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_KINDS = ('internship', 'full_time', 'part_time')
NEW_KINDS = ('internship', 'full_time', 'part_time', 'apprenticeship')


def _kind(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name='jobkind', native_enum=False, create_constraint=True, length=32)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _foreign_key_problems(conn: sa.Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.execute(sa.text('PRAGMA foreign_key_check'))}


def _rebuild(table: str, change: Callable[[BatchOperations], None]) -> None:
    """Change ``table`` in batch mode. SQLite cannot change a CHECK in place: the table is rebuilt
    with foreign keys off (dropping the old table would otherwise cascade into every table that
    points at it), AUTOINCREMENT kept, and its sequence keeps the floor it had, so the id of a
    deleted row is still never handed out again (0009)."""
    conn = op.get_bind()
    if conn.dialect.name != 'sqlite':
        with op.batch_alter_table(table) as batch_op:
            change(batch_op)
        return
    context = op.get_context()
    with context.autocommit_block():
        op.execute('PRAGMA foreign_keys=OFF')
    try:
        problems_before = _foreign_key_problems(conn)
        floor = conn.execute(sa.text("SELECT MAX(seq) FROM sqlite_sequence WHERE name = :t"), {'t': table}).scalar() or 0
        with op.batch_alter_table(table, recreate='always', table_kwargs={'sqlite_autoincrement': True}) as batch_op:
            change(batch_op)
        seq = conn.execute(sa.text("SELECT MAX(seq) FROM sqlite_sequence WHERE name = :t"), {'t': table}).scalar() or 0
        if floor > seq:
            conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {'t': table})
            conn.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"), {'t': table, 'seq': floor})
        new_problems = _foreign_key_problems(conn) - problems_before
        if new_problems:
            raise RuntimeError(f'rebuilding {table} broke foreign keys: {sorted(new_problems)[:10]}')
    finally:
        with context.autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def _job_kinds(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.drop_constraint(op.f('ck_internships_jobkind'), 'internships', type_='check')
        op.create_check_constraint(op.f('ck_internships_jobkind'), 'internships', _in('job_kind', new))
        return
    _rebuild('internships', lambda batch_op: batch_op.alter_column(
        'job_kind', existing_type=_kind(old), type_=_kind(new), existing_nullable=False))


def _add_round_rules(batch_op: BatchOperations) -> None:
    batch_op.add_column(sa.Column('school_total', sa.Integer(), nullable=True))
    batch_op.add_column(sa.Column('site_caps', sa.JSON(), server_default=sa.text("'{}'"), nullable=False))
    batch_op.create_check_constraint(batch_op.f('ck_allocation_rounds_school_total_nonnegative'),
                                     'school_total IS NULL OR school_total >= 0')


def _drop_round_rules(batch_op: BatchOperations) -> None:
    batch_op.drop_constraint(batch_op.f('ck_allocation_rounds_school_total_nonnegative'), type_='check')
    batch_op.drop_column('site_caps')
    batch_op.drop_column('school_total')


def upgrade() -> None:
    _rebuild('allocation_rounds', _add_round_rules)
    _job_kinds(OLD_KINDS, NEW_KINDS)


def downgrade() -> None:
    op.execute("UPDATE internships SET job_kind = 'internship' WHERE job_kind = 'apprenticeship'")
    _job_kinds(NEW_KINDS, OLD_KINDS)
    _rebuild('allocation_rounds', _drop_round_rules)
