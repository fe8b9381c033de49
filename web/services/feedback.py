"""Feedback on a recommendation (有用 / 不合适 with a reason), from a detail page or the API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import Feedback
from data.pools import Pool
from data.workflows.feedback import record_feedback
from matcher.directions import REGISTRY
from data.access import Viewer, acts_for
from data.errors import Malformed, NotAllowed
from web.services.records import get_record


def give_feedback(session: Session, viewer: Viewer, actor: str, direction: str, target_pool: Pool, target_id: int,
                  action: str, reason: str | None, source_pool: Pool | None = None,
                  source_id: int | None = None) -> Feedback:
    """Store and commit one piece of feedback. The records it names must be ones the viewer may
    see: a hidden record answers as missing (NotFound), as everywhere. Feedback on the
    recommendations for a record teaches its organization's ranking, so only who speaks for
    that record (:func:`data.access.acts_for`) may give it."""
    if (source_pool is None) != (source_id is None):
        raise Malformed("source_id" if source_id is None else "source_pool", "「source_pool」与「source_id」须同时给出")
    spec = REGISTRY.get(direction)
    if spec is not None and source_pool is not None and source_pool is not spec.source:
        raise Malformed("source_pool", f"推荐方向「{spec.label}」针对的是{spec.source.label}记录，不是{source_pool.label}记录")
    if spec is not None and target_pool not in spec.targets:
        raise Malformed("target_pool", f"推荐方向「{spec.label}」推荐的是" + "、".join(p.label for p in spec.targets)
                        + f"记录，不是{target_pool.label}记录")
    if source_pool is not None and source_id is not None:
        source = get_record(session, source_pool, source_id, viewer)
        if not acts_for(viewer, source):
            raise NotAllowed("source_id", f"只有{source_pool.label}记录所属单位（或本人）可以对它的推荐结果反馈")
    get_record(session, target_pool, target_id, viewer)
    item = record_feedback(session, actor=actor, direction=direction, target_pool=target_pool, target_id=target_id,
                           action=action, reason=reason, source_pool=source_pool, source_id=source_id)
    session.commit()
    return item
