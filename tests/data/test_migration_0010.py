"""Migration 0010 rebuilds the users table on SQLite: every row of every table survives (nothing
cascades from the dropped old table), users stay AUTOINCREMENT, and the id of an account deleted
before the migration is still never handed out again; the way back down keeps them too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from data.db import make_engine
from data.migrate import alembic_config

USERS = ["(1, 'a', 'x', '甲', 'enterprise', 1)", "(2, 'b', 'x', '乙', 'student', 1)", "(3, 'c', 'x', '丙', 'staff', 1)"]


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_users_rebuild_keeps_children_autoincrement_and_the_id_floor(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0009")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, password_hash, display_name, role, active) VALUES "
                          + ", ".join(USERS)))
        conn.execute(text("INSERT INTO api_tokens (user_id, name, token_hash, revoked) VALUES (1, 't', 'h', 0)"))
        conn.execute(text("INSERT INTO contact_requests (requester_id, target_pool, target_id, purpose, message, "
                          "status, reply) VALUES (2, 'expert', 1, 'other', '', 'pending', '')"))
        conn.execute(text("DELETE FROM users WHERE id = 3"))  # the sequence remembers 3
    engine.dispose()

    command.upgrade(config, "head")

    assert _rows(url, "SELECT id, username, session_version FROM users ORDER BY id") == [(1, "a", 0), (2, "b", 0)]
    assert _rows(url, "SELECT user_id FROM api_tokens") == [(1,)]
    assert _rows(url, "SELECT requester_id FROM contact_requests") == [(2,)]
    assert "AUTOINCREMENT" in _rows(url, "SELECT sql FROM sqlite_master WHERE name = 'users'")[0][0]
    assert _rows(url, "PRAGMA foreign_keys") == [(1,)]
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (username, password_hash, display_name, role, active) "
                          "VALUES ('d', 'x', '丁', 'student', 1)"))
    engine.dispose()
    assert _rows(url, "SELECT id FROM users WHERE username = 'd'") == [(4,)]  # not the deleted account's 3

    command.downgrade(config, "0009")
    assert _rows(url, "SELECT id, failed_logins FROM users ORDER BY id") == [(1, 0), (2, 0), (4, 0)]
    assert _rows(url, "SELECT user_id FROM api_tokens") == [(1,)]
    assert _rows(url, "SELECT requester_id FROM contact_requests") == [(2,)]
