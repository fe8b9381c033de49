"""Where the embedded default keeps its files and which database to use.

Read from the environment so that the CLI, the web app and Celery workers agree:

- ``CHANJIAO_INSTANCE`` – the instance folder (SQLite file, indexes, caches); default ``./instance``.
- ``DATABASE_URL`` – any SQLAlchemy URL; default a SQLite file in the instance folder.
"""

from __future__ import annotations

import os
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seed"


def instance_dir() -> Path:
    """Return the instance folder, creating it on first use."""
    path = Path(os.environ.get("CHANJIAO_INSTANCE", "instance")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def normalize_database_url(url: str) -> str:
    """Map the usual ``postgres://`` spellings onto the psycopg 3 driver we install."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url() -> str:
    """Return the configured database URL (SQLite in the instance folder by default)."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return normalize_database_url(url)
    return f"sqlite:///{instance_dir() / 'chanjiao.db'}"


def mail_server() -> str | None:
    """The SMTP server messages are mailed through (``MAIL_SERVER``); unset: inbox only."""
    return os.environ.get("MAIL_SERVER", "").strip() or None
