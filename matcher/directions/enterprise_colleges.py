"""企业 → 合作院校: colleges through their profile and majors, experts, teachers and 成果."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.enums import OrgKind
from data.models import Organization, PoolRecord
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import COLLEGE_KINDS, achievement_features, aggregate_by_org, org_features, person_features
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery

RECORDS = 400  # the records ranked before they are gathered by organization
CANDIDATES = 100  # retrieved from the index per pool and channel


def colleges_for_enterprise(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Enterprise → colleges: their profile and majors, experts, teachers and 成果."""
    plans = [PoolPlan(Pool.ORGANIZATION, org_features), PoolPlan(Pool.EXPERT, person_features),
             PoolPlan(Pool.TEACHER, person_features), PoolPlan(Pool.ACHIEVEMENT, achievement_features)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=RECORDS, candidates=CANDIDATES)
    return aggregate_by_org(session, found, COLLEGE_KINDS, k, viewer)


def is_enterprise(record: PoolRecord) -> bool:
    return isinstance(record, Organization) and record.kind in (OrgKind.ENTERPRISE,)


DIRECTION = Direction("enterprise_colleges", "推荐合作院校", Pool.ORGANIZATION, colleges_for_enterprise, is_enterprise,
                      targets=(Pool.ORGANIZATION,))
