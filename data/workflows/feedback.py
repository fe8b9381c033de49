"""Feedback on recommendations: stored, used to hide rejected matches, counted for evaluation.

A feedback row names its recommendation direction by key. What a direction does belongs to the
matcher (the registry ``matcher.directions.REGISTRY``), which reads :data:`DIRECTION_KEYS` from
here and refuses to load if the two disagree; this module never imports the matcher.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.enums import FeedbackAction, RejectReason
from data.errors import FieldError
from data.models import MODELS, Feedback, OwnedRecord
from data.pools import Pool


# The keys of the recommendation directions, as feedback rows store them (``Feedback.direction``).
DIRECTION_KEYS = ("need_experts", "need_achievements", "course_teachers", "achievement_enterprises",
                  "enterprise_colleges", "college_enterprises", "internship_talents", "talent_internships",
                  "teacher_enterprises", "expert_projects", "teacher_projects")


class FeedbackError(FieldError):
    pass


def record_feedback(session: Session, *, actor: str, direction: str, target_pool: Pool, target_id: int,
                    action: FeedbackAction | str, reason: RejectReason | str | None = None,
                    source_pool: Pool | None = None, source_id: int | None = None) -> Feedback:
    """Store one piece of feedback; 不合适 needs a reason from the list."""
    if direction not in DIRECTION_KEYS:
        raise FeedbackError("direction", f"未知的推荐方向「{direction}」")
    try:
        action = FeedbackAction.parse(action)
    except ValueError as exc:
        raise FeedbackError("action", f"反馈类型{exc}") from exc
    if action is FeedbackAction.REJECTED:
        if not reason:
            raise FeedbackError("reason", "选择「不合适」时请给出原因：" + "、".join(RejectReason.labels()))
        try:
            reason = RejectReason.parse(reason)
        except ValueError as exc:
            raise FeedbackError("reason", f"原因{exc}") from exc
    else:
        reason = None
    if session.get(MODELS[target_pool], target_id) is None:
        raise FeedbackError("target_id", f"{target_pool.label}中不存在编号为 {target_id} 的记录")
    item = Feedback(actor=actor, direction=direction, source_pool=source_pool.value if source_pool else None,
                    source_id=source_id, target_pool=target_pool.value, target_id=target_id,
                    action=action, reason=reason)
    session.add(item)
    session.flush()
    return item


def rejected_targets(session: Session, actor: str, source_pool: Pool | None, source_id: int | None) -> set[tuple[str, int]]:
    """(pool, id) pairs this user marked 不合适 for this source; they are not shown again."""
    query = select(Feedback.target_pool, Feedback.target_id).where(
        Feedback.actor == actor, Feedback.action == FeedbackAction.REJECTED)
    if source_pool is None:
        query = query.where(Feedback.source_pool.is_(None), Feedback.source_id.is_(None))
    else:
        query = query.where(Feedback.source_pool == source_pool.value, Feedback.source_id == source_id)
    return {(p, i) for p, i in session.execute(query)}


def cooperation_counts(session: Session, target_ids: Collection[int], since: dt.datetime) -> dict[tuple[Pool, int], int]:
    """How many sources each target among ``target_ids`` was marked 已合作 with since ``since``:
    ``{(target pool, target id): distinct sources}``, only the targets with at least one."""
    if not target_ids:
        return {}
    rows = session.execute(
        select(Feedback.target_pool, Feedback.target_id, func.count(func.distinct(Feedback.source_id)))
        .where(Feedback.action == FeedbackAction.COOPERATED, Feedback.created_at >= since,
               Feedback.target_id.in_(list(target_ids)))
        .group_by(Feedback.target_pool, Feedback.target_id)
    )
    return {(Pool(pool), target): count for pool, target, count in rows}


@dataclass
class OrgHistory:
    """What an organization's users did with the recommendations for its own records:
    the people or records they turned down, by reason, and those they went on with."""

    declined: dict[RejectReason, set[tuple[Pool, int]]] = field(default_factory=lambda: defaultdict(set))
    accepted: set[tuple[Pool, int]] = field(default_factory=set)  # 已联系 or 已合作


def org_history(session: Session, org_id: int, since: dt.datetime) -> OrgHistory:
    """Feedback since ``since`` on the recommendations for records owned by ``org_id``; for a
    target it said several things of, the latest counts (declined, then contacted: accepted)."""
    pools = session.scalars(select(Feedback.source_pool).where(Feedback.source_pool.is_not(None),
                                                               Feedback.created_at >= since).distinct())
    said: list[tuple[dt.datetime, int, str, int, FeedbackAction, RejectReason | None]] = []
    for name in sorted(p for p in pools if p is not None):
        model = MODELS[Pool(name)]
        if issubclass(model, OwnedRecord):
            rows = session.execute(
                select(Feedback.created_at, Feedback.id, Feedback.target_pool, Feedback.target_id, Feedback.action,
                       Feedback.reason)
                .join(model, model.id == Feedback.source_id)
                .where(Feedback.source_pool == name, model.owner_org_id == org_id, Feedback.created_at >= since))
            said += [(at, id_, pool, target, action, reason) for at, id_, pool, target, action, reason in rows]
    history = OrgHistory()
    for _, _, pool, target, action, reason in sorted(said, key=lambda row: (row[0], row[1])):
        key = (Pool(pool), target)
        if action is FeedbackAction.REJECTED and reason is not None:
            _forget(history, key)
            history.declined[reason].add(key)
        elif action in (FeedbackAction.CONTACTED, FeedbackAction.COOPERATED):
            _forget(history, key)
            history.accepted.add(key)
    return history


def _forget(history: OrgHistory, key: tuple[Pool, int]) -> None:
    history.accepted.discard(key)
    for targets in history.declined.values():
        targets.discard(key)


def feedback_summary(session: Session) -> dict[str, dict[str, int]]:
    """Counts per direction: each action, and 不合适 by reason — the figures evaluation reads."""
    summary: dict[str, Counter[str]] = defaultdict(Counter)
    for item in session.scalars(select(Feedback)):
        summary[item.direction][item.action.label] += 1
        if item.reason is not None:
            summary[item.direction][f"不合适：{item.reason.label}"] += 1
    return {d: dict(c) for d, c in sorted(summary.items())}
