"""Alembic, driven from code: ``chanjiao init-db`` upgrades the configured database to head."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from data.settings import database_url, normalize_database_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats % as interpolation; URLs may carry escaped passwords.
    config.set_main_option("sqlalchemy.url", (normalize_database_url(url) if url else database_url()).replace("%", "%%"))
    return config


def upgrade_to_head(url: str | None = None) -> None:
    """Create or upgrade every table of the database at ``url`` (default: the configured one)."""
    command.upgrade(alembic_config(url), "head")


def downgrade_to_base(url: str | None = None) -> None:
    command.downgrade(alembic_config(url), "base")
