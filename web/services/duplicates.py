"""Likely duplicate records and merging them, for the secretariat."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from data.models import PoolRecord, User
from data.pools import Pool
from data.sheets.columns import columns_of
from data.workflows.duplicates import find_duplicates, merge
from data.workflows.records import form_values

SHOWN_COLUMNS = 8  # columns compared side by side on the duplicates page


def duplicates_page(session: Session, pool: Pool) -> dict[str, Any]:
    """The pairs that look alike and the columns shown for each (not visibility or external ids)."""
    return {"pool": pool, "pairs": find_duplicates(session, pool), "pools": list(Pool), "values": form_values,
            "shown": [c for c in columns_of(pool) if c.header not in ("可见范围", "外部编号")][:SHOWN_COLUMNS]}


def merge_records(session: Session, user: User, pool: Pool, keep_id: int, drop_id: int) -> PoolRecord:
    """Merge ``drop_id`` into ``keep_id`` (audited with both records' full contents), committed."""
    kept = merge(session, pool, keep_id, drop_id, user)
    session.commit()
    return kept
