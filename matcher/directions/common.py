"""What several directions share: the features of a candidate of each pool, the gates of open
needs and posts, ranking busy people down, and gathering records by their organization.

A feature's weight is named here beside the feature; a direction's own weights and thresholds
live in its file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import (
    Availability,
    IPStatus,
    Maturity,
    OrgKind,
    ProfTitle,
    RejectReason,
    Status,
)
from data.models import (
    MODELS,
    Achievement,
    Expert,
    Internship,
    Organization,
    PoolRecord,
    Project,
    Teacher,
)
from data.access import Viewer, can_see
from data.pools import Pool
from data.reference.regions import get_region, province_of
from data.workflows.agreements import open_agreements
from data.workflows.feedback import cooperation_counts, org_history
from matcher import features as fx
from matcher.engine import Feature, Match
from matcher.query import Facets, MatchQuery

COLLEGE_KINDS = (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE, OrgKind.INSTITUTE)
AVAILABILITY = {Availability.AVAILABLE: 1.0, Availability.BUSY: 0.5, Availability.PAUSED: 0.0}
MATURITY = {Maturity.INDUSTRIAL: 1.0, Maturity.DEMO: 0.8, Maturity.PILOT: 0.6, Maturity.LAB: 0.4}
IP = {IPStatus.GRANTED: 1.0, IPStatus.PENDING: 0.7, IPStatus.NONE: 0.4}

# The weights of the features every candidate is scored on.
FIELD_WEIGHT = 1.0  # 领域
TAG_WEIGHT = 1.0  # 技能, 研究方向, 关键词, 产业/专业
REGION_WEIGHT = 0.5  # 地区
TAGS_SAID = 5  # the matching tags a reason names
# A 成果: where it was made counts less than for people.
ACHIEVEMENT_REGION_WEIGHT = 0.3
# Conditions (:attr:`matcher.engine.Feature.condition`): the share of the score each takes off
# at its worst — a person without time, a 成果 still in the lab or without IP; unknown takes nothing.
SCHEDULE_WEIGHT = 0.15  # 档期
MATURITY_WEIGHT = 0.1  # 成熟度
IP_WEIGHT = 0.05  # 知识产权

# Ranking busy people down: the 已合作 feedback of this long counts as an active engagement.
ENGAGEMENT_WINDOW = dt.timedelta(days=365)

# Following what an organization turned down before (``follow_declines``): once its users
# have declined this many people for one reason, candidates like them rank lower for its
# other records; feedback older than the window is forgotten.
DECLINES_TO_LEARN = 2
DECLINE_PENALTY = 0.85  # the score is multiplied by this
DECLINE_WINDOW = dt.timedelta(days=730)
# The reasons the ranking learns from (chosen by ``chanjiao eval-outcomes``: see the README).
LEARNED_REASONS = (RejectReason.REGION, RejectReason.SENIORITY)
SENIOR_TITLES = (ProfTitle.PROFESSOR, ProfTitle.RESEARCHER, ProfTitle.SENIOR_ENGINEER_PLUS)  # 正高

# Gathering records by organization.
PROFILE_WEIGHT = 0.85  # an organization's profile counts a little less than its records
MORE_RECORDS_POINTS = 2.0  # points for each matching record past the best
MORE_RECORDS_MAX = 5.0  # at most
RECORD_PART = 20.0  # the 相关记录 bar's points per matching record (full at five)
RECORDS_SAID = 3  # the records an organization's reasons cite
TERMS_SAID = 8  # the matched terms it shows


def max_engagements() -> int:
    """How many active engagements an expert or teacher carries before being ranked down."""
    return int(os.environ.get("MATCH_MAX_ENGAGEMENTS", "3"))


# -- features of a candidate --------------------------------------------------------------

def _common(query: MatchQuery, facets: Facets, tag_label: str = "技能",
            region_weight: float = REGION_WEIGHT) -> list[Feature]:
    """Field, tags (named ``tag_label``) and region: what every candidate is scored on."""
    field = fx.field_agreement(query.fields, facets.fields)
    shared = sorted(set(query.fields) & set(facets.fields))
    tags = fx.overlap(query.tags, facets.tags)
    hit_tags = [t for t in query.tags if t in facets.tags][:TAGS_SAID]
    region = fx.region_proximity(query.region_code, facets.region_code)
    place = get_region(facets.region_code)
    return [
        Feature("领域", field, FIELD_WEIGHT, f"领域一致：{'、'.join(shared)}" if field else ""),
        Feature(tag_label, tags, TAG_WEIGHT, f"{tag_label}匹配：{'、'.join(hit_tags)}" if hit_tags else ""),
        Feature("地区", region, region_weight,
                f"地区：{fx.region_label(region)}（位于{place.full_name}）" if region is not None and place else ""),
    ]


def person_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """An expert or a teacher: field, research areas or skills, region, and their time."""
    features = _common(query, facets, "研究方向" if isinstance(record, Expert) else "技能")
    if isinstance(record, Expert):
        value = AVAILABILITY[record.availability]
        features.append(Feature("档期", value, SCHEDULE_WEIGHT, f"咨询状态：{record.availability.label}",
                                condition=True, noted=True))
    elif isinstance(record, Teacher) and record.hours_available is not None:
        value = 1.0 if record.hours_available > 0 else 0.0
        features.append(Feature("档期", value, SCHEDULE_WEIGHT, f"可投入 {record.hours_available} 学时",
                                condition=True, noted=True))
    return features


def achievement_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """A 成果: field, keywords, region, maturity and IP."""
    assert isinstance(record, Achievement)
    features = _common(query, facets, "关键词", region_weight=ACHIEVEMENT_REGION_WEIGHT)
    if record.maturity is not None:
        features.append(Feature("成熟度", MATURITY[record.maturity], MATURITY_WEIGHT, f"成熟度：{record.maturity.label}"
                                + (f"（TRL {record.trl}）" if record.trl else ""), condition=True))
    if record.ip_status is not None:
        features.append(Feature("知识产权", IP[record.ip_status], IP_WEIGHT, f"知识产权：{record.ip_status.label}",
                                condition=True))
    return features


def need_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """A need or a post: field, keywords, region."""
    return _common(query, facets, "关键词")


def org_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """An organization's profile: field, industries and majors, region."""
    return _common(query, facets, "产业/专业")


# -- gates --------------------------------------------------------------------------------

def open_need(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    """A need whose deadline has passed is dropped."""
    assert isinstance(record, Project)
    return None if fx.deadline_open(record.deadline, today) else "截止日期已过"


def open_post(query: MatchQuery, record: PoolRecord, today: dt.date) -> str | None:
    """A post that has ended or has no seat left is dropped."""
    assert isinstance(record, Internship)
    if record.end_date is not None and record.end_date < today:
        return "岗位已结束"
    if fx.capacity_left(record.seats, 0) <= 0:
        return "名额已满"
    return None


# -- adjustments --------------------------------------------------------------------------

def rank_down_busy(session: Session, matches: list[Match]) -> None:
    """Experts/teachers on too many active engagements (已合作 in the last year, or open 合作记录)
    are ranked down."""
    people = [m for m in matches if m.pool in (Pool.EXPERT, Pool.TEACHER)]
    if not people:
        return
    since = dt.datetime.now(dt.timezone.utc) - ENGAGEMENT_WINDOW
    counts = cooperation_counts(session, [m.id for m in people], since)
    # Open 合作记录 count too; one engagement may be both marked 已合作 and recorded, so the
    # larger of the two counts, not their sum.
    agreements = {pool: open_agreements(session, pool, [m.id for m in people if m.pool is pool])
                  for pool in (Pool.EXPERT, Pool.TEACHER)}
    limit = max_engagements()
    for match in people:
        active = max(counts.get((match.pool, match.id), 0), agreements[match.pool].get(match.id, 0))
        if active >= limit:
            match.score *= fx.load_penalty(active, limit)
            match.notes.append(f"当前已有 {active} 项在进行的合作（上限 {limit}），已降低排序")


def follow_declines(session: Session, query: MatchQuery, matches: list[Match],
                    reasons: Collection[RejectReason] = LEARNED_REASONS) -> None:
    """People like those the asking organization declined before, for the same reason, are
    ranked down (``DECLINE_PENALTY``), with a note saying why (see ``_like_declined``). What an
    organization declined is its own business: call this only for its own users and staff
    (``learns_for``)."""
    people = [m for m in matches if m.pool in (Pool.EXPERT, Pool.TEACHER)]
    if query.org_id is None or not people or not reasons:
        return
    history = org_history(session, query.org_id, dt.datetime.now(dt.timezone.utc) - DECLINE_WINDOW)
    for reason in reasons:
        declined = [r for pool, id_ in sorted(history.declined.get(reason, ()))
                    if (r := session.get(MODELS[pool], id_)) is not None]
        rule = _like_declined(reason, declined, query) if len(declined) >= DECLINES_TO_LEARN else None
        if rule is None:
            continue
        like, note = rule
        for match in people:
            record = session.get(MODELS[match.pool], match.id)
            if record is not None and like(record):
                match.score *= DECLINE_PENALTY
                match.notes.append(note)


def learns_for(viewer: Viewer | None, query: MatchQuery) -> bool:
    """Whether the ranking for ``viewer`` may follow the asking organization's declines: for
    its own users and staff (and internal callers, ``None``), never for anyone else."""
    return viewer is None or viewer.staff or (viewer.org_id is not None and viewer.org_id == query.org_id)


def _like_declined(reason: RejectReason, declined: list[PoolRecord],
                   query: MatchQuery) -> tuple[Callable[[PoolRecord], bool], str] | None:
    """Which candidates resemble what was declined for ``reason``, and the note they get:
    地区太远 — outside the province of the record asked for; 资历不够 — without a 正高 title;
    领域不符 — of a field two or more declined people were of (not the record's own)."""
    n = len(declined)
    if reason is RejectReason.REGION:
        home = province_of(query.region_code)
        if home is None:
            return None

        def far(record: PoolRecord) -> bool:
            province = province_of(record.region_code)
            return province is not None and province.code != home.code
        return far, f"需求方曾以「地区太远」谢绝 {n} 位人选，{home.name}以外的人选已降低排序"
    if reason is RejectReason.SENIORITY:
        def junior(record: PoolRecord) -> bool:
            return getattr(record, "prof_title", None) not in SENIOR_TITLES
        return junior, f"需求方曾以「资历不够」谢绝 {n} 位人选，非正高职称的人选已降低排序"
    if reason is RejectReason.FIELD:
        counts = Counter(r.field for r in declined if r.field)
        fields = sorted(f for f, c in counts.items() if c >= DECLINES_TO_LEARN and f not in query.fields)
        if not fields:
            return None

        def off_field(record: PoolRecord) -> bool:
            return record.field in fields
        return off_field, f"需求方曾以「领域不符」谢绝过「{'、'.join(fields)}」领域的人选，该领域人选已降低排序"
    return None


# -- organization-level directions: aggregate records by their owner ----------------------

_LABELS = {Pool.PROJECT: "需求", Pool.INTERNSHIP: "岗位", Pool.EXPERT: "专家", Pool.TEACHER: "教师",
           Pool.ACHIEVEMENT: "成果", Pool.ORGANIZATION: "单位简介", Pool.TALENT: "人才"}


def aggregate_by_org(session: Session, matches: Sequence[Match], kinds: Sequence[OrgKind], k: int,
                     viewer: Viewer | None = None, profile_weight: float = PROFILE_WEIGHT) -> list[Match]:
    """One match per organization: its best record's score (an org profile counts a little
    less), plus up to 5 points for more matching records; reasons cite the records. An
    organization ``viewer`` may not see (its profile 会员可见 to an outsider) is not offered:
    its page would not open for them (``data.access.can_see``)."""
    viewer = viewer or Viewer(staff=True)
    by_org: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        if m.org_id is not None:
            by_org[m.org_id].append(m)
    orgs = {o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(list(by_org))))}
    result = []
    for org_id, items in by_org.items():
        org = orgs.get(org_id)
        if org is None or org.kind not in kinds or org.status is not Status.PUBLISHED or not can_see(org, viewer):
            continue
        weighted = sorted(items, key=lambda m: -(m.score * (profile_weight if m.pool is Pool.ORGANIZATION else 1)))
        best = weighted[0]
        base = best.score * (profile_weight if best.pool is Pool.ORGANIZATION else 1)
        score = min(100.0, base + min(MORE_RECORDS_MAX, MORE_RECORDS_POINTS * (len(items) - 1)))
        reasons = [f"{_LABELS[m.pool]}「{m.name}」相符（{m.score:.0f}）" for m in weighted[:RECORDS_SAID]]
        terms = list(dict.fromkeys(t for m in weighted for t in m.matched_terms))[:TERMS_SAID]
        parts = dict(best.parts)
        parts["相关记录"] = min(100.0, RECORD_PART * len(items))
        result.append(Match(Pool.ORGANIZATION, org_id, org.name, score, parts, terms, best.passed,
                            reasons + [r for r in best.reasons if r.startswith(("领域", "地区"))],
                            org_id=org_id, org_name=org.name))
    result.sort(key=lambda m: (-round(m.score, 6), m.id))
    return result[:k]
