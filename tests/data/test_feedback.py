"""Feedback on recommendations (data/workflows/feedback.py): counting 已合作 per target."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from data.enums import FeedbackAction
from data.models import Feedback
from data.pools import Pool
from data.workflows.feedback import cooperation_counts

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def _said(db: Session, target: tuple[Pool, int], source_id: int, action: FeedbackAction = FeedbackAction.COOPERATED,
          days_ago: int = 10) -> None:
    pool, target_id = target
    db.add(Feedback(actor="u1", direction="need_experts", source_pool=Pool.PROJECT.value, source_id=source_id,
                    target_pool=pool.value, target_id=target_id, action=action,
                    created_at=NOW - dt.timedelta(days=days_ago)))


def test_cooperation_counts_distinct_recent_sources_per_target(db: Session) -> None:
    expert, teacher = (Pool.EXPERT, 7), (Pool.TEACHER, 7)
    _said(db, expert, 1)
    _said(db, expert, 1)  # the same source twice counts once
    _said(db, expert, 2)
    _said(db, expert, 3, days_ago=400)  # before the window
    _said(db, expert, 4, action=FeedbackAction.INTERESTED)  # not a cooperation
    _said(db, teacher, 1)  # same id, another pool
    _said(db, (Pool.EXPERT, 8), 1)  # not asked about
    db.flush()
    since = NOW - dt.timedelta(days=365)
    assert cooperation_counts(db, [7], since) == {expert: 2, teacher: 1}
    assert cooperation_counts(db, [], since) == {}
