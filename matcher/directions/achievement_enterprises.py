"""成果 → 意向企业: enterprises through their open needs and their industries."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.enums import OrgKind
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import aggregate_by_org, need_features, open_need, org_features
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery

RECORDS = 200  # the records ranked before they are gathered by organization
CANDIDATES = 100  # retrieved from the index per pool and channel


def enterprises_for_achievement(session: Session, ctx: IndexContext, query: MatchQuery, *,
                                viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """成果 → enterprises, through their open needs and their industries."""
    plans = [PoolPlan(Pool.PROJECT, need_features, gate=open_need, passed=("需求未截止",)),
             PoolPlan(Pool.ORGANIZATION, org_features)]
    found = rank(session, ctx, query, plans, viewer=viewer, k=RECORDS, candidates=CANDIDATES)
    return aggregate_by_org(session, found, (OrgKind.ENTERPRISE,), k, viewer)


DIRECTION = Direction("achievement_enterprises", "推荐意向企业", Pool.ACHIEVEMENT, enterprises_for_achievement,
                      targets=(Pool.ORGANIZATION,))
