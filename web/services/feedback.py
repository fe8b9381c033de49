"""Feedback on a recommendation (有用 / 不合适 with a reason), from a detail page or the API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import Feedback
from data.pools import Pool
from data.workflows.feedback import record_feedback
from data.access import Viewer
from web.services.records import get_record


def give_feedback(session: Session, viewer: Viewer, actor: str, direction: str, target_pool: Pool, target_id: int,
                  action: str, reason: str | None, source_pool: Pool | None = None,
                  source_id: int | None = None) -> Feedback:
    """Store and commit one piece of feedback. The records it names must be ones the viewer may
    see: a hidden record answers as missing (NotFound), as everywhere."""
    if source_pool is not None and source_id is not None:
        get_record(session, source_pool, source_id, viewer)
    get_record(session, target_pool, target_id, viewer)
    item = record_feedback(session, actor=actor, direction=direction, target_pool=target_pool, target_id=target_id,
                           action=action, reason=reason, source_pool=source_pool, source_id=source_id)
    session.commit()
    return item
