"""ids never reused: every SQLite table with an integer id becomes AUTOINCREMENT

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00.000000

SQLite without AUTOINCREMENT hands the id of a deleted last row to the next insert, so rows that
point at a record by (pool, id) — contact grants, feedback, reviews, held edits — attached to a
different person's record. Each table is rebuilt (batch mode copies every row) with
AUTOINCREMENT, and its ``sqlite_sequence`` starts at the highest id the database still knows of:
the table's own rows and every (kind, id) reference to it, so an id deleted before this migration
is not handed out again either. PostgreSQL sequences never go back: nothing to do there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# Frozen as of 0008: every table with a single integer primary key, and the name the
# (kind, id) columns below use for it.
TABLES = {
    'organizations': 'organization', 'experts': 'expert', 'teachers': 'teacher', 'projects': 'project',
    'achievements': 'achievement', 'talents': 'talent', 'internships': 'internship', 'users': 'user',
    'api_tokens': 'api_token', 'practice_proposals': 'proposal', 'membership_cases': 'membership_case',
    'applications': None, 'audit_log': None, 'contact_requests': None, 'council_votes': None,
    'feedback': None, 'match_impressions': None, 'membership_events': None, 'reviews': None,
    'revisions': None,
}
# Columns that name a row by (kind, id) and outlive it (the audit log is append-only).
REFERENCES = [
    ('audit_log', 'pool', 'record_id'),
    ('contact_requests', 'target_pool', 'target_id'),
    ('feedback', 'source_pool', 'source_id'),
    ('feedback', 'target_pool', 'target_id'),
    ('reviews', 'pool', 'record_id'),
    ('revisions', 'pool', 'record_id'),
]


def _highest_known_id(conn: sa.Connection, table: str, kind: str | None) -> int:
    highest = conn.execute(sa.text(f'SELECT MAX(id) FROM "{table}"')).scalar() or 0
    if kind is not None:
        for ref_table, kind_column, id_column in REFERENCES:
            found = conn.execute(sa.text(
                f'SELECT MAX("{id_column}") FROM "{ref_table}" WHERE "{kind_column}" = :kind'), {'kind': kind}).scalar()
            highest = max(highest, found or 0)
    return highest


def _foreign_key_problems(conn: sa.Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.execute(sa.text('PRAGMA foreign_key_check'))}


def _rebuild(autoincrement: bool) -> None:
    """Recreate every table (rows, indexes and constraints kept) with or without AUTOINCREMENT."""
    context = op.get_context()
    # Dropping a parent table with foreign keys on would cascade-delete its children's rows, and
    # the pragma is ignored inside a transaction: switch it off between transactions.
    with context.autocommit_block():
        op.execute('PRAGMA foreign_keys=OFF')
    try:
        conn = op.get_bind()
        problems_before = _foreign_key_problems(conn)
        for table, kind in TABLES.items():
            floor = _highest_known_id(conn, table, kind) if autoincrement else 0
            with op.batch_alter_table(table, recreate='always',
                                      table_kwargs={'sqlite_autoincrement': autoincrement}):
                pass
            if autoincrement and floor:
                # The copy set the sequence to the highest id copied; a higher id known only from
                # references must not be handed out either.
                conn.execute(sa.text('DELETE FROM sqlite_sequence WHERE name = :t'), {'t': table})
                conn.execute(sa.text('INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)'),
                             {'t': table, 'seq': floor})
        new_problems = _foreign_key_problems(conn) - problems_before
        if new_problems:
            raise RuntimeError(f'rebuilding the tables broke foreign keys: {sorted(new_problems)[:10]}')
    finally:
        with context.autocommit_block():
            op.execute('PRAGMA foreign_keys=ON')


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild(autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild(autoincrement=False)
