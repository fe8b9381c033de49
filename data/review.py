"""The secretariat's review queue: new records and held edits of every pool.

A decision approves (publish / apply the edit), rejects, or requests changes; rejecting and
requesting changes need a reason, which the author sees. Every decision is kept (``Review``)
and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.audit import audit, changed_only
from data.editing import apply_revision, form_values
from data.enums import AuditAction, RevisionStatus, Status
from data.errors import FieldError
from data.models import MODELS, PoolRecord, Review, Revision, User
from data.models.base import utcnow
from data.pools import Pool

DECISIONS = {"approve": "approved", "reject": "rejected", "request_changes": "changes_requested"}


class ReviewError(FieldError):
    pass


@dataclass
class Pending:
    pool: Pool
    record: PoolRecord
    revision: Revision | None = None  # set when this is an edit of a published record
    changes: list[tuple[str, str, str]] | None = None  # (header, now, proposed)

    @property
    def submitted_at(self) -> dt.datetime:
        return self.revision.created_at if self.revision else self.record.created_at


def pending_records(session: Session, limit: int = 200) -> list[Pending]:
    """New records and held edits waiting for review, oldest first across pools."""
    found: list[Pending] = []
    for pool, model in MODELS.items():
        rows = session.scalars(select(model).where(model.status == Status.PENDING).order_by(model.id).limit(limit))
        found.extend(Pending(pool, r) for r in rows)
    revisions = session.scalars(select(Revision).where(Revision.status == RevisionStatus.PENDING)
                                .order_by(Revision.id).limit(limit))
    for revision in revisions:
        pool = Pool.parse(revision.pool)
        record = session.get(MODELS[pool], revision.record_id)
        if record is not None:
            now = form_values(pool, record)
            changes = [(h, now.get(h, ""), v) for h, v in revision.form.items() if now.get(h, "") != v]
            found.append(Pending(pool, record, revision, changes))
    found.sort(key=lambda p: (_aware(p.submitted_at), p.pool.value, p.record.id))
    return found[:limit]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def pending_count(session: Session) -> int:
    records = sum(session.scalar(select(func.count()).select_from(model).where(model.status == Status.PENDING)) or 0
                  for model in MODELS.values())
    edits = session.scalar(select(func.count()).select_from(Revision).where(Revision.status == RevisionStatus.PENDING))
    return records + (edits or 0)


def _check(decision: str, reason: str) -> str:
    if decision not in DECISIONS:
        raise ReviewError("decision", "审核结论应为 通过、驳回 或 退回修改")
    reason = reason.strip()
    if decision != "approve" and not reason:
        raise ReviewError("reason", "驳回或退回修改时请填写原因")
    return reason[:2000]


def decide(session: Session, pool: Pool, record_id: int, decision: str, reason: str,
           reviewer: User | None) -> PoolRecord:
    """Publish, reject, or send back (as a draft the owner edits and resubmits) a pending record."""
    reason = _check(decision, reason)
    record = session.get(MODELS[pool], record_id)
    if record is None:
        raise ReviewError("record_id", f"{pool.label}中不存在编号为 {record_id} 的记录")
    if record.status is not Status.PENDING:
        raise ReviewError("record_id", f"该记录当前为「{record.status.label}」，不在审核队列中")
    before = record.status
    record.status = {"approve": Status.PUBLISHED, "reject": Status.REJECTED, "request_changes": Status.DRAFT}[decision]
    session.add(Review(pool=pool.value, record_id=record_id, decision=DECISIONS[decision], reason=reason,
                       reviewer_id=reviewer.id if reviewer else None))
    action = {"approve": AuditAction.APPROVE, "reject": AuditAction.REJECT,
              "request_changes": AuditAction.REQUEST_CHANGES}[decision]
    audit(session, reviewer, action, pool.value, record_id, f"{action.label}「{record.name}」" + (f"：{reason}" if reason else ""),
          before={"状态": before.label}, after={"状态": record.status.label})
    session.flush()
    return record


def decide_revision(session: Session, revision_id: int, decision: str, reason: str,
                    reviewer: User | None) -> PoolRecord:
    """Apply, reject, or send back a held edit of a published record."""
    reason = _check(decision, reason)
    revision = session.get(Revision, revision_id)
    if revision is None or revision.status is not RevisionStatus.PENDING:
        raise ReviewError("revision_id", f"没有编号为 {revision_id} 的待审核修改")
    pool = Pool.parse(revision.pool)
    record = session.get(MODELS[pool], revision.record_id)
    if record is None:
        raise ReviewError("revision_id", f"{pool.label}中已没有编号为 {revision.record_id} 的记录")
    before = form_values(pool, record)
    if decision == "approve":
        apply_revision(session, revision)
    revision.status = {"approve": RevisionStatus.APPLIED, "reject": RevisionStatus.REJECTED,
                       "request_changes": RevisionStatus.CHANGES_REQUESTED}[decision]
    revision.reason, revision.decided_at = reason, utcnow()
    revision.reviewer_id = reviewer.id if reviewer else None
    session.add(Review(pool=pool.value, record_id=record.id, decision=DECISIONS[decision], reason=reason,
                       reviewer_id=revision.reviewer_id))
    old, new = changed_only(before, form_values(pool, record))
    action = {"approve": AuditAction.APPROVE, "reject": AuditAction.REJECT,
              "request_changes": AuditAction.REQUEST_CHANGES}[decision]
    audit(session, reviewer, action, pool.value, record.id,
          f"{action.label}对「{record.name}」的修改" + (f"：{reason}" if reason else ""), before=old, after=new)
    session.flush()
    return record


def last_reason(session: Session, pool: Pool, record_id: int) -> str:
    """The reason given with the latest rejection or request for changes, for the owner."""
    review = session.scalar(select(Review).where(Review.pool == pool.value, Review.record_id == record_id,
                                                Review.decision != "approved").order_by(Review.id.desc()))
    return review.reason if review else ""
