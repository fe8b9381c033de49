"""Migrations upgrade an empty SQLite file and an empty PostgreSQL database, and go back down."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import inspect, text

from data.db import make_engine
from data.migrate import downgrade_to_base, upgrade_to_head
from data.models import Base
from tests import services


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_sqlite_upgrade_and_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade_to_head(url)
    assert _tables(url) == set(Base.metadata.tables)
    downgrade_to_base(url)
    assert _tables(url) == set()


def test_postgres_upgrade_on_empty_database() -> None:
    base = services.postgres_url()
    if base is None:
        services.unavailable("PostgreSQL", "set TEST_DATABASE_URL")
    name = f"chanjiao_mig_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        services.unavailable("PostgreSQL", exc)
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        upgrade_to_head(url)
        assert _tables(url) == set(Base.metadata.tables)
        downgrade_to_base(url)
        assert _tables(url) == set()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
