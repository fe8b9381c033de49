"""Writing and browsing the audit log (see ``data.models.audit``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.enums import AuditAction
from data.models import AuditEntry, User

CLI_ACTOR = "命令行"
PER_PAGE = 50


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates as ISO text, enums as their Chinese label."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if hasattr(value, "label"):
        return value.label
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def audit(session: Session, actor: User | None, action: AuditAction, pool: str | None = None,
          record_id: int | None = None, summary: str = "", before: dict[str, Any] | None = None,
          after: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry; it is written with the caller's transaction (or not at all)."""
    entry = AuditEntry(actor_id=actor.id if actor else None, actor=actor.username if actor else CLI_ACTOR,
                       action=action.value, pool=pool, record_id=record_id, summary=summary[:2000],
                       before=jsonable(before) if before is not None else None,
                       after=jsonable(after) if after is not None else None)
    session.add(entry)
    return entry


def changed_only(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The keys whose values differ, from both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass
class AuditPage:
    items: list[AuditEntry]
    total: int
    page: int
    pages: int


def browse(session: Session, *, action: str | None = None, pool: str | None = None, actor: str | None = None,
           record_id: int | None = None, page: int = 1) -> AuditPage:
    """Newest first, filtered by action, pool, actor (username) and record."""
    query = select(AuditEntry)
    if action:
        query = query.where(AuditEntry.action == action)
    if pool:
        query = query.where(AuditEntry.pool == pool)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if record_id is not None:
        query = query.where(AuditEntry.record_id == record_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(query.order_by(AuditEntry.id.desc()).offset((page - 1) * PER_PAGE).limit(PER_PAGE))
    return AuditPage(list(items), total, page, max(1, -(-total // PER_PAGE)))


def action_label(code: str) -> str:
    try:
        return AuditAction.parse(code).label
    except ValueError:
        return code
