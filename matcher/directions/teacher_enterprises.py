"""专任教师 → 企业实践: enterprises whose profile, posts or needs fit the teacher's courses and
skills; the teacher may propose a placement at each."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.enums import TeacherKind
from data.models import PoolRecord, Teacher
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.college_enterprises import enterprises_for_college
from matcher.directions.direction import Direction
from matcher.engine import Match, Viewer
from matcher.query import MatchQuery


def enterprises_for_teacher(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """教师企业实践: enterprises whose profile, posts or needs fit the teacher's courses and skills
    (ranked as for a college)."""
    return enterprises_for_college(session, ctx, query, viewer=viewer, k=k)


def is_full_time(record: PoolRecord) -> bool:
    return isinstance(record, Teacher) and record.teacher_kind is TeacherKind.FULL_TIME


DIRECTION = Direction("teacher_enterprises", "教师企业实践", Pool.TEACHER, enterprises_for_teacher, is_full_time,
                      proposes_practice=True,
                      targets=(Pool.ORGANIZATION,))
