"""院校 → 合作企业: enterprises through their profile and industries, open needs and posts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.enums import OrgKind
from data.models import Organization, PoolRecord
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import COLLEGE_KINDS, aggregate_by_org, need_features, open_need, open_post, org_features
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery

RECORDS = 400  # the records ranked before they are gathered by organization
CANDIDATES = 100  # retrieved from the index per pool and channel


def enterprises_for_college(session: Session, ctx: IndexContext, query: MatchQuery, *,
                            viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """College → enterprises: their profile and industries, open needs and posts."""
    plans = [PoolPlan(Pool.ORGANIZATION, org_features), PoolPlan(Pool.PROJECT, need_features, gate=open_need),
             PoolPlan(Pool.INTERNSHIP, need_features, gate=open_post)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=RECORDS, candidates=CANDIDATES)
    return aggregate_by_org(session, found, (OrgKind.ENTERPRISE,), k, viewer)


def is_college(record: PoolRecord) -> bool:
    return isinstance(record, Organization) and record.kind in COLLEGE_KINDS


DIRECTION = Direction("college_enterprises", "推荐合作企业", Pool.ORGANIZATION, enterprises_for_college, is_college,
                      targets=(Pool.ORGANIZATION,))
