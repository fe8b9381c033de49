"""A pool record as JSON, and a page of them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from data.enums import LabeledEnum
from data.models import PoolRecord
from data.pools import Pool

# Never written out: contact data needs a grant (see DESIGN); the rest are internal keys.
HIDDEN = frozenset({"natural_key", "phone", "email", "source", "source_id"})


def record_json(record: PoolRecord) -> dict[str, Any]:
    """A record as JSON, without contact data or internal keys: every other column, closed
    vocabulary as ``{code, label}``, dates and times in ISO 8601."""
    out: dict[str, Any] = {}
    for column in inspect(record).mapper.local_table.columns:
        if column.key in HIDDEN:
            continue
        value = getattr(record, column.key)
        if isinstance(value, LabeledEnum):
            value = {"code": value.value, "label": value.label}
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        out[column.key] = value
    return out


def list_page_json(pool: Pool, page: dict[str, Any]) -> dict[str, Any]:
    """A page of a pool list (``web.services.records.list_records``)."""
    return {"pool": pool.value, "total": page["total"], "page": page["page"], "pages": page["pages"],
            "items": [record_json(r) for r in page["items"]]}


def saved_json(outcome: str, message: str, record: PoolRecord) -> dict[str, Any]:
    """The answer to a record created or changed: what happened (published, pending review, held
    as a revision), in Chinese, and the record as it now is."""
    return {"outcome": outcome, "message": message, "item": record_json(record)}
