"""The service views call: which directions apply to a record, and its recommendations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import pool_of, visible_levels
from data.enums import OrgKind, ProjectKind, Status, TeacherKind
from data.models import MODELS, Internship, Organization, PoolRecord, Project, Teacher
from data.pools import Pool
from data.workflows.feedback import DIRECTION_KEYS, rejected_targets
from indexer.context import IndexContext
from indexer.documents import SEMANTIC_MAX_CHARS
from matcher import directions as d
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery, query_from_record
from matcher.query_text import clean_query

Runner = Callable[..., list[Match]]


class RecommendError(LookupError):
    """Unknown record or direction; the message is in Chinese."""


@dataclass(frozen=True)
class Direction:
    key: str
    label: str  # Chinese panel title
    source: Pool
    run: Runner
    applies: Callable[[PoolRecord], bool] = lambda record: True


def _projects_for_person(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                         k: int = 10) -> list[Match]:
    plan = PoolPlan(Pool.PROJECT, d.need_features, gate=d.open_need, passed=("已发布", "需求未截止"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


def _is(kind: tuple[OrgKind, ...]) -> Callable[[PoolRecord], bool]:
    return lambda record: isinstance(record, Organization) and record.kind in kind


DIRECTIONS: dict[str, Direction] = {x.key: x for x in (
    Direction("need_experts", "匹配专家与教师", Pool.PROJECT, d.experts_for_need),
    Direction("need_achievements", "匹配科技成果", Pool.PROJECT, d.achievements_for_need),
    Direction("course_teachers", "企业兼职教师", Pool.PROJECT, d.enterprise_teachers_for_course,
              lambda r: isinstance(r, Project) and r.project_kind in (ProjectKind.CO_BUILT_COURSE, ProjectKind.TRAINING_NEED)),
    Direction("achievement_enterprises", "推荐意向企业", Pool.ACHIEVEMENT, d.enterprises_for_achievement),
    Direction("enterprise_colleges", "推荐合作院校", Pool.ORGANIZATION, d.colleges_for_enterprise, _is((OrgKind.ENTERPRISE,))),
    Direction("college_enterprises", "推荐合作企业", Pool.ORGANIZATION, d.enterprises_for_college, _is(d.COLLEGE_KINDS)),
    Direction("internship_talents", "推荐学生", Pool.INTERNSHIP, d.talents_for_internship),
    Direction("talent_internships", "推荐实习岗位", Pool.TALENT, d.internships_for_talent),
    Direction("teacher_enterprises", "教师企业实践", Pool.TEACHER, d.enterprises_for_teacher,
              lambda r: isinstance(r, Teacher) and r.teacher_kind is TeacherKind.FULL_TIME),
    Direction("expert_projects", "需要您的项目", Pool.EXPERT, _projects_for_person),
    Direction("teacher_projects", "需要您的项目", Pool.TEACHER, _projects_for_person),
)}
if set(DIRECTIONS) != set(DIRECTION_KEYS):  # feedback is stored and checked by these keys
    raise RuntimeError("matcher.recommend.DIRECTIONS and data.workflows.feedback.DIRECTION_KEYS differ: "
                       f"{sorted(set(DIRECTIONS) ^ set(DIRECTION_KEYS))}")


def directions_for(record: PoolRecord) -> list[Direction]:
    pool = pool_of(record)
    return [x for x in DIRECTIONS.values() if x.source is pool and x.applies(record)]


def organization_query(session: Session, org: Organization, viewer: Viewer | None = None) -> MatchQuery:
    """An organization asks with everything it published that ``viewer`` may see: profile,
    needs and posts (a hidden need must not surface through the matched terms it would add)."""
    query = query_from_record(org)
    names = []
    insider = viewer is None or viewer.staff or viewer.org_id == org.id
    visible = visible_levels(viewer is not None and viewer.member)
    for model in (Project, Internship):
        wanted = select(model.name).where(model.owner_org_id == org.id, model.status == Status.PUBLISHED)
        if not insider:
            wanted = wanted.where(model.visibility.in_(visible))
        names += session.scalars(wanted.order_by(model.id).limit(20))
    query.text = "。".join([query.text, *names])[:800]
    query.semantic = query.text[:SEMANTIC_MAX_CHARS]
    return query


def recommend(session: Session, ctx: IndexContext, pool: Pool, record_id: int, direction: str, *,
              viewer: Viewer | None = None, actor: str | None = None, k: int = 10) -> list[Match]:
    """Recommendations for a stored record in one direction, without what ``actor`` rejected."""
    spec = DIRECTIONS.get(direction)
    if spec is None:
        raise RecommendError(f"未知的推荐方向「{direction}」")
    record = session.get(MODELS[pool], record_id)
    if record is None:
        raise RecommendError(f"{pool.label}中不存在编号为 {record_id} 的记录")
    if spec.source is not pool or not spec.applies(record):
        raise RecommendError(f"「{spec.label}」不适用于这条{pool.label}记录")
    query = organization_query(session, record, viewer) if isinstance(record, Organization) else query_from_record(record)
    hidden = rejected_targets(session, actor, pool, record_id) if actor else set()
    matches = spec.run(session, ctx, query, viewer=viewer, k=k + len(hidden))
    return [m for m in matches if (m.pool.value, m.id) not in hidden][:k]


def recommend_text(session: Session, ctx: IndexContext, query: MatchQuery, direction: str = "need_achievements", *,
                   viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Recommendations for free text (a need typed into a box; evaluation queries), asked
    without what carries no need (the poster, 招聘, codes and perks: :func:`clean_query`)."""
    spec = DIRECTIONS.get(direction)
    if spec is None:
        raise RecommendError(f"未知的推荐方向「{direction}」")
    if query.source is None:
        query = replace(query, text=clean_query(query.text), semantic=clean_query(query.semantic) if query.semantic else None)
    return spec.run(session, ctx, query, viewer=viewer, k=k)
