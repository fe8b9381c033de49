"""Migration 0019 lets a post be a 学徒岗位 (the CHECK of internships.job_kind changes: SQLite
rebuilds the table) and gives a round its site caps and school total (allocation_rounds is
rebuilt too): every row of every table survives (nothing cascades from a dropped old table), the
tables stay AUTOINCREMENT, and on the way down an apprenticeship becomes an internship."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from data.db import make_engine
from data.migrate import alembic_config

ORG = ("INSERT INTO organizations (id, kind, industries, majors, member_status, natural_key, name, description, tags, "
       "visibility, status, source) VALUES (1, 'enterprise', '[]', '[]', 'none', 'o', '甲公司', '', '[]', 'public', "
       "'published', 't')")


def _post(post_id: int, kind: str) -> str:
    return ("INSERT INTO internships (id, owner_org_id, job_kind, seats, skills, majors, natural_key, name, description, "
            f"tags, visibility, status, source) VALUES ({post_id}, 1, '{kind}', 2, '[]', '[]', 'i{post_id}', '岗位', '', "
            "'[]', 'public', 'published', 't')")


def _run(url: str, *sql: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for statement in sql:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_apprenticeship_kind_and_round_rules_keep_every_row(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0018")
    _run(url, ORG, _post(1, "internship"), _post(2, "full_time"), _post(3, "internship"), "DELETE FROM internships WHERE id = 3",
         "INSERT INTO allocation_rounds (id, name, status, method, max_choices) VALUES (1, '轮次', 'draft', 'stable', 5)",
         "INSERT INTO round_posts (round_id, internship_id, seats) VALUES (1, 1, 2)")
    with pytest.raises(IntegrityError):
        _run(url, _post(4, "apprenticeship"))

    command.upgrade(config, "head")
    _run(url, _post(5, "apprenticeship"),
         "UPDATE allocation_rounds SET school_total = 3, site_caps = '{\"440100\": 2}' WHERE id = 1")
    assert _rows(url, "SELECT id, job_kind FROM internships ORDER BY id") == [(1, "internship"), (2, "full_time"),
                                                                             (5, "apprenticeship")]
    assert _rows(url, "SELECT round_id, internship_id FROM round_posts") == [(1, 1)]
    assert _rows(url, "SELECT school_total, site_caps FROM allocation_rounds") == [(3, '{"440100": 2}')]
    assert "AUTOINCREMENT" in _rows(url, "SELECT sql FROM sqlite_master WHERE name = 'internships'")[0][0]
    assert _rows(url, "PRAGMA foreign_keys") == [(1,)]
    with pytest.raises(IntegrityError):
        _run(url, "UPDATE allocation_rounds SET school_total = -1")
    with pytest.raises(IntegrityError):
        _run(url, _post(6, "temp"))

    command.downgrade(config, "0018")
    assert _rows(url, "SELECT id, job_kind FROM internships ORDER BY id") == [(1, "internship"), (2, "full_time"),
                                                                             (5, "internship")]
    assert _rows(url, "SELECT round_id, internship_id FROM round_posts") == [(1, 1)]
    _run(url, "INSERT INTO internships (owner_org_id, job_kind, seats, skills, majors, natural_key, name, description, "
              "tags, visibility, status, source) VALUES (1, 'internship', 1, '[]', '[]', 'n', '新', '', '[]', 'public', "
              "'published', 't')")
    assert _rows(url, "SELECT MAX(id) FROM internships") == [(6,)]
