"""共建课程/培训需求 → 企业兼职教师: part-time enterprise teachers and mentors for a course."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from data.enums import ProjectKind, TeacherKind
from data.models import PoolRecord, Project, Teacher
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import person_features, rank_down_busy
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery

COURSE_KINDS = (ProjectKind.CO_BUILT_COURSE, ProjectKind.TRAINING_NEED)  # the needs that ask for teachers


def enterprise_teacher_gate(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    """Only part-time enterprise teachers and mentors."""
    assert isinstance(record, Teacher)
    return None if record.teacher_kind in (TeacherKind.ENTERPRISE_PART_TIME, TeacherKind.MENTOR) else "非企业兼职教师"


def enterprise_teachers_for_course(session: Session, ctx: IndexContext, query: MatchQuery, *,
                                   viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """企业兼职教师 for a course: part-time enterprise teachers and mentors."""
    plan = PoolPlan(Pool.TEACHER, person_features, gate=enterprise_teacher_gate, passed=("已发布", "企业兼职教师/导师"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k, adjust=rank_down_busy)


def is_course(record: PoolRecord) -> bool:
    """A need for a co-built course or for training."""
    return isinstance(record, Project) and record.project_kind in COURSE_KINDS


DIRECTION = Direction("course_teachers", "企业兼职教师", Pool.PROJECT, enterprise_teachers_for_course, is_course,
                      targets=(Pool.TEACHER,))
