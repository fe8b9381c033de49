"""Feedback on recommendations (data/workflows/feedback.py): counting 已合作 per target, and
what an organization declined or went on with."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from data.enums import FeedbackAction, OrgKind, RejectReason
from data.models import Feedback
from data.pools import Pool
from data.workflows.feedback import cooperation_counts, org_history
from tests.makers import make_organization, make_project

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def _said(db: Session, target: tuple[Pool, int], source_id: int, action: FeedbackAction = FeedbackAction.COOPERATED,
          days_ago: int = 10, reason: RejectReason | None = None) -> None:
    pool, target_id = target
    db.add(Feedback(actor="u1", direction="need_experts", source_pool=Pool.PROJECT.value, source_id=source_id,
                    target_pool=pool.value, target_id=target_id, action=action, reason=reason,
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


def test_org_history_by_reason_for_its_own_records_only(db: Session) -> None:
    maker = make_organization(db, "甲公司", OrgKind.ENTERPRISE)
    other = make_organization(db, "乙公司", OrgKind.ENTERPRISE)
    first, second = make_project(db, maker.id, "需求一").id, make_project(db, maker.id, "需求二").id
    theirs = make_project(db, other.id, "乙的需求").id
    no = FeedbackAction.REJECTED
    _said(db, (Pool.EXPERT, 1), first, no, days_ago=30, reason=RejectReason.REGION)
    _said(db, (Pool.TEACHER, 1), second, no, reason=RejectReason.REGION)  # same id, another pool
    _said(db, (Pool.EXPERT, 2), first, no, days_ago=30, reason=RejectReason.SENIORITY)
    _said(db, (Pool.EXPERT, 2), second, FeedbackAction.CONTACTED)  # went on with later: not a decline
    _said(db, (Pool.EXPERT, 3), first, FeedbackAction.COOPERATED)
    _said(db, (Pool.EXPERT, 4), first, no, days_ago=900, reason=RejectReason.REGION)  # before the window
    _said(db, (Pool.EXPERT, 5), theirs, no, reason=RejectReason.REGION)  # another organization's need
    _said(db, (Pool.EXPERT, 6), first, FeedbackAction.INTERESTED)
    db.flush()
    history = org_history(db, maker.id, NOW - dt.timedelta(days=730))
    assert history.declined[RejectReason.REGION] == {(Pool.EXPERT, 1), (Pool.TEACHER, 1)}
    assert not history.declined[RejectReason.SENIORITY]
    assert history.accepted == {(Pool.EXPERT, 2), (Pool.EXPERT, 3)}
    # A decline after going on with someone stands: the later word counts.
    _said(db, (Pool.EXPERT, 3), second, no, days_ago=1, reason=RejectReason.EXISTING)
    db.flush()
    assert org_history(db, maker.id, NOW - dt.timedelta(days=730)).declined[RejectReason.EXISTING] == {(Pool.EXPERT, 3)}
    assert org_history(db, make_organization(db, "丙公司", OrgKind.ENTERPRISE).id, NOW).declined == {}
