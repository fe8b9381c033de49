"""The secretariat's review queue: pending records of every pool, approve or reject."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.errors import FieldError
from data.enums import Status
from data.models import MODELS, PoolRecord, Review
from data.pools import Pool


class ReviewError(FieldError):
    pass


@dataclass
class Pending:
    pool: Pool
    record: PoolRecord


def pending_records(session: Session, limit: int = 200) -> list[Pending]:
    """Records waiting for review, oldest first across pools."""
    found: list[Pending] = []
    for pool, model in MODELS.items():
        rows = session.scalars(select(model).where(model.status == Status.PENDING).order_by(model.id).limit(limit))
        found.extend(Pending(pool, r) for r in rows)
    found.sort(key=lambda p: (p.record.created_at, p.pool.value, p.record.id))
    return found[:limit]


def pending_count(session: Session) -> int:
    return sum(session.scalar(select(func.count()).select_from(model).where(model.status == Status.PENDING)) or 0
               for model in MODELS.values())


def decide(session: Session, pool: Pool, record_id: int, approve: bool, reason: str, reviewer_id: int | None) -> PoolRecord:
    """Publish or reject one pending record; a rejection needs a reason. History is kept."""
    record = session.get(MODELS[pool], record_id)
    if record is None:
        raise ReviewError("record_id", f"{pool.label}中不存在编号为 {record_id} 的记录")
    if record.status is not Status.PENDING:
        raise ReviewError("record_id", f"该记录当前为「{record.status.label}」，不在审核队列中")
    reason = reason.strip()
    if not approve and not reason:
        raise ReviewError("reason", "驳回时请填写原因")
    record.status = Status.PUBLISHED if approve else Status.REJECTED
    session.add(Review(pool=pool.value, record_id=record_id, decision="approved" if approve else "rejected",
                       reason=reason[:2000], reviewer_id=reviewer_id))
    session.flush()
    return record
