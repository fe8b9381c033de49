"""Counts of every pool, for the CLI and dashboards."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.models import MODELS
from data.pools import Pool


def pool_counts(session: Session) -> dict[Pool, int]:
    return {pool: session.scalar(select(func.count()).select_from(model)) or 0 for pool, model in MODELS.items()}
