"""The secretariat's review queue: decisions on pending records and held edits, one at a time
or the same for several. Each decision is committed; one that cannot be made is rolled back and
its ReviewError raised for the queue to show."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import User
from data.pools import Pool
from data.workflows import review

DECISION_LABELS = {"approve": "通过", "reject": "驳回", "request_changes": "退回修改"}


def decide_record(session: Session, user: User, pool: Pool, record_id: int, decision: str, reason: str) -> str:
    """Publish, reject or send back a pending record; the message for the queue."""
    try:
        record = review.decide(session, pool, record_id, decision, reason, user)
    except review.ReviewError:
        session.rollback()
        raise
    session.commit()
    return f"已{DECISION_LABELS[decision]}：{record.name}"


def decide_revision(session: Session, user: User, revision_id: int, decision: str, reason: str) -> str:
    """Apply, reject or send back a held edit; the message for the queue."""
    try:
        record = review.decide_revision(session, revision_id, decision, reason, user)
    except review.ReviewError:
        session.rollback()
        raise
    session.commit()
    return f"已{DECISION_LABELS[decision]}对「{record.name}」的修改"


def decide_many(session: Session, user: User, keys: list[str], decision: str, reason: str) -> list[str]:
    """The same decision for every ticked item, each decided and audited on its own; the
    messages for the queue (what was done, then what could not be, at most 20)."""
    try:
        result = review.decide_many(session, keys, decision, reason, user)
    except review.ReviewError:
        session.rollback()
        raise
    session.commit()
    label = DECISION_LABELS[decision]
    messages = []
    if result.done:
        names = "、".join(result.done[:5]) + (f" 等 {len(result.done)} 条" if len(result.done) > 5 else "")
        messages.append(f"已{label} {len(result.done)} 条：{names}")
    messages.extend(f"未能{label}{which}：{why}" for which, why in result.failed[:20])
    return messages
