"""One recipe per docking direction (DESIGN.md: matching directions)."""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.enums import (
    Availability,
    IPStatus,
    Maturity,
    OrgKind,
    Status,
    TeacherKind,
)
from data.models import (
    Achievement,
    Expert,
    Internship,
    Organization,
    PoolRecord,
    Project,
    Talent,
    Teacher,
)
from data.pools import Pool
from data.reference.regions import get_region
from indexer.context import IndexContext
from indexer.search import Filters
from matcher import features as fx
from matcher.engine import Feature, Match, PoolPlan, Viewer, rank
from matcher.query import Facets, MatchQuery

COLLEGE_KINDS = (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE, OrgKind.INSTITUTE)
AVAILABILITY = {Availability.AVAILABLE: 1.0, Availability.BUSY: 0.5, Availability.PAUSED: 0.0}
MATURITY = {Maturity.INDUSTRIAL: 1.0, Maturity.DEMO: 0.8, Maturity.PILOT: 0.6, Maturity.LAB: 0.4}
IP = {IPStatus.GRANTED: 1.0, IPStatus.PENDING: 0.7, IPStatus.NONE: 0.4}


def max_engagements() -> int:
    """How many active engagements an expert or teacher carries before being ranked down."""
    return int(os.environ.get("MATCH_MAX_ENGAGEMENTS", "3"))


# -- features shared by several directions ------------------------------------------------

def _common(query: MatchQuery, facets: Facets, tag_label: str = "技能", region_weight: float = 0.5) -> list[Feature]:
    field = fx.field_agreement(query.fields, facets.fields)
    shared = sorted(set(query.fields) & set(facets.fields))
    tags = fx.overlap(query.tags, facets.tags)
    hit_tags = [t for t in query.tags if t in facets.tags][:5]
    region = fx.region_proximity(query.region_code, facets.region_code)
    place = get_region(facets.region_code)
    return [
        Feature("领域", field, 1.0, f"领域一致：{'、'.join(shared)}" if field else ""),
        Feature(tag_label, tags, 1.0, f"{tag_label}匹配：{'、'.join(hit_tags)}" if hit_tags else ""),
        Feature("地区", region, region_weight,
                f"地区：{fx.region_label(region)}（位于{place.full_name}）" if region is not None and place else ""),
    ]


def person_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    features = _common(query, facets, "研究方向" if isinstance(record, Expert) else "技能")
    if isinstance(record, Expert):
        value = AVAILABILITY[record.availability]
        features.append(Feature("档期", value, 0.5, f"咨询状态：{record.availability.label}"))
    elif isinstance(record, Teacher) and record.hours_available is not None:
        value = 1.0 if record.hours_available > 0 else 0.0
        features.append(Feature("档期", value, 0.5, f"可投入 {record.hours_available} 学时"))
    return features


def achievement_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    assert isinstance(record, Achievement)
    features = _common(query, facets, "关键词", region_weight=0.3)
    if record.maturity is not None:
        features.append(Feature("成熟度", MATURITY[record.maturity], 0.3, f"成熟度：{record.maturity.label}"
                                + (f"（TRL {record.trl}）" if record.trl else "")))
    if record.ip_status is not None:
        features.append(Feature("知识产权", IP[record.ip_status], 0.2, f"知识产权：{record.ip_status.label}"))
    return features


def need_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    return _common(query, facets, "关键词")


def org_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    return _common(query, facets, "产业/专业")


def open_need(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    assert isinstance(record, Project)
    return None if fx.deadline_open(record.deadline, today) else "截止日期已过"


# -- need → experts and teachers ---------------------------------------------------------

def experts_for_need(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                     k: int = 10, allow_own_org: bool = False) -> list[Match]:
    coi = Filters(exclude_owner_org_ids={query.org_id}) if query.org_id and not allow_own_org else Filters()
    passed = ("已发布", "不推荐需求方本单位的人员（利益回避）") if coi != Filters() else ("已发布",)
    plans = [PoolPlan(Pool.EXPERT, person_features, filters=coi, passed=passed),
             PoolPlan(Pool.TEACHER, person_features, filters=coi, passed=passed)]
    return rank(session, ctx, query, plans, viewer=viewer, k=k, adjust=rank_down_busy)


def rank_down_busy(session: Session, matches: list[Match]) -> None:
    """Experts/teachers on too many active engagements (已合作 in the last year) are ranked down."""
    from data.models import Feedback

    people = [m for m in matches if m.pool in (Pool.EXPERT, Pool.TEACHER)]
    if not people:
        return
    since = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=365)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    rows = session.execute(
        select(Feedback.target_pool, Feedback.target_id, func.count(func.distinct(Feedback.source_id)))
        .where(Feedback.action == "cooperated", Feedback.created_at >= since,
               Feedback.target_id.in_([m.id for m in people]))
        .group_by(Feedback.target_pool, Feedback.target_id)
    )
    for pool, target, n in rows:
        counts[(pool, target)] = n
    limit = max_engagements()
    for match in people:
        active = counts.get((match.pool.value, match.id), 0)
        if active >= limit:
            match.score *= fx.load_penalty(active, limit)
            match.notes.append(f"当前已有 {active} 项在进行的合作（上限 {limit}），已降低排序")


# -- need → 成果 -------------------------------------------------------------------------

def achievements_for_need(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                          k: int = 10, candidates: int = 100) -> list[Match]:
    plan = PoolPlan(Pool.ACHIEVEMENT, achievement_features, passed=("已发布",))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k, candidates=candidates)


# -- organization-level directions: aggregate records by their owner ----------------------

def aggregate_by_org(session: Session, matches: Sequence[Match], kinds: Sequence[OrgKind], k: int,
                     profile_weight: float = 0.85) -> list[Match]:
    """One match per organization: its best record's score (an org profile counts a little
    less), plus up to 5 points for more matching records; reasons cite the records."""
    by_org: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        if m.org_id is not None:
            by_org[m.org_id].append(m)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(list(by_org))))}
    result = []
    for org_id, items in by_org.items():
        org = orgs.get(org_id)
        if org is None or org.kind not in kinds or org.status is not Status.PUBLISHED:
            continue
        weighted = sorted(items, key=lambda m: -(m.score * (profile_weight if m.pool is Pool.ORGANIZATION else 1)))
        best = weighted[0]
        base = best.score * (profile_weight if best.pool is Pool.ORGANIZATION else 1)
        score = min(100.0, base + min(5.0, 2.0 * (len(items) - 1)))
        reasons = [f"{_LABELS[m.pool]}「{m.name}」相符（{m.score:.0f}）" for m in weighted[:3]]
        terms = list(dict.fromkeys(t for m in weighted for t in m.matched_terms))[:8]
        parts = dict(best.parts)
        parts["相关记录"] = min(100.0, 20.0 * len(items))
        result.append(Match(Pool.ORGANIZATION, org_id, org.name, score, parts, terms, best.passed,
                            reasons + [r for r in best.reasons if r.startswith(("领域", "地区"))],
                            org_id=org_id, org_name=org.name))
    result.sort(key=lambda m: (-round(m.score, 6), m.id))
    return result[:k]


_LABELS = {Pool.PROJECT: "需求", Pool.INTERNSHIP: "岗位", Pool.EXPERT: "专家", Pool.TEACHER: "教师",
           Pool.ACHIEVEMENT: "成果", Pool.ORGANIZATION: "单位简介", Pool.TALENT: "人才"}


def enterprises_for_achievement(session: Session, ctx: IndexContext, query: MatchQuery, *,
                                viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """成果 → enterprises, through their open needs and their industries."""
    plans = [PoolPlan(Pool.PROJECT, need_features, gate=open_need, passed=("需求未截止",)),
             PoolPlan(Pool.ORGANIZATION, org_features)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=200, candidates=100)
    return aggregate_by_org(session, found, (OrgKind.ENTERPRISE,), k)


def colleges_for_enterprise(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Enterprise → colleges: their profile and majors, experts, teachers and 成果."""
    plans = [PoolPlan(Pool.ORGANIZATION, org_features), PoolPlan(Pool.EXPERT, person_features),
             PoolPlan(Pool.TEACHER, person_features), PoolPlan(Pool.ACHIEVEMENT, achievement_features)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=400, candidates=100)
    return aggregate_by_org(session, found, COLLEGE_KINDS, k)


def enterprises_for_college(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """College → enterprises: their profile and industries, open needs and posts."""
    plans = [PoolPlan(Pool.ORGANIZATION, org_features), PoolPlan(Pool.PROJECT, need_features, gate=open_need),
             PoolPlan(Pool.INTERNSHIP, need_features, gate=open_post)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=400, candidates=100)
    return aggregate_by_org(session, found, (OrgKind.ENTERPRISE,), k)


# -- internship ↔ student: both sides must fit ---------------------------------------------

def open_post(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    assert isinstance(record, Internship)
    if record.end_date is not None and record.end_date < today:
        return "岗位已结束"
    if fx.capacity_left(record.seats, 0) <= 0:
        return "名额已满"
    return None


def _two_sided(post: Internship, talent: Talent) -> list[Feature]:
    """Features of both sides: the post's requirements ("post") and the student's wishes ("student")."""
    skills = fx.overlap(post.skills, talent.skills)
    majors = fx.overlap(post.majors, [talent.major])
    level = fx.level_fit(post.min_level.rank if post.min_level else None, talent.level.rank)
    city = fx.region_proximity(talent.expected_city_code, post.region_code)
    role = fx.bigram_similarity(talent.expected_role, post.name)
    period = fx.period_fit(post.start_date, post.end_date, talent.available_from, talent.available_to)
    place = get_region(post.region_code)
    hit_skills = [s for s in post.skills if s in talent.skills]
    return [
        Feature("技能", skills, 1.0, f"技能匹配：{'、'.join(hit_skills)}" if hit_skills else "", side="post"),
        Feature("专业", majors, 1.0, f"专业对口：{talent.major}" if majors else "", side="post"),
        Feature("学历", level, 0.5, f"学历：{talent.level.label}" + ("（达到要求）" if level == 1 else "（低于要求）"), side="post"),
        Feature("城市", city, 1.0, f"期望城市：{fx.region_label(city)}（岗位在{place.full_name}）" if city is not None and place else "", side="student"),
        Feature("岗位意向", role, 0.7, f"期望岗位「{talent.expected_role}」与岗位名称相近" if role and role >= 0.3 else "", side="student"),
        Feature("时间", period, 1.0, f"可实习时间覆盖岗位周期的 {100 * period:.0f}%" if period is not None else "", side="student"),
    ]


def talent_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    assert isinstance(record, Talent) and isinstance(query.source, Internship)
    return _two_sided(query.source, record)


def internship_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    assert isinstance(record, Internship) and isinstance(query.source, Talent)
    return _two_sided(record, query.source)


def talents_for_internship(session: Session, ctx: IndexContext, query: MatchQuery, *,
                           viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Students for the post in ``query.source`` (a query built by ``query_from_record``)."""
    plan = PoolPlan(Pool.TALENT, talent_features, passed=("已发布", "学生授权可见"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


def internships_for_talent(session: Session, ctx: IndexContext, query: MatchQuery, *,
                           viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Posts for the student in ``query.source`` (a query built by ``query_from_record``)."""
    plan = PoolPlan(Pool.INTERNSHIP, internship_features, gate=open_post, passed=("已发布", "岗位未结束且有名额"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


# -- teacher ↔ enterprise ------------------------------------------------------------------

def enterprises_for_teacher(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """教师企业实践: enterprises whose profile, posts or needs fit the teacher's courses and skills."""
    return enterprises_for_college(session, ctx, query, viewer=viewer, k=k)


def enterprise_teacher_gate(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    assert isinstance(record, Teacher)
    return None if record.teacher_kind in (TeacherKind.ENTERPRISE_PART_TIME, TeacherKind.MENTOR) else "非企业兼职教师"


def enterprise_teachers_for_course(session: Session, ctx: IndexContext, query: MatchQuery, *,
                                   viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """企业兼职教师 for a course: part-time enterprise teachers and mentors."""
    plan = PoolPlan(Pool.TEACHER, person_features, gate=enterprise_teacher_gate, passed=("已发布", "企业兼职教师/导师"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k, adjust=rank_down_busy)
