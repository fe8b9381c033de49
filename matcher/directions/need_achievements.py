"""需求 → 科技成果: 成果 that answer a need."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import achievement_features
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery

CANDIDATES = 100  # retrieved from the index per channel


def achievements_for_need(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                          k: int = 10, candidates: int = CANDIDATES) -> list[Match]:
    """成果 for a need (or typed text)."""
    plan = PoolPlan(Pool.ACHIEVEMENT, achievement_features, passed=("已发布",))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k, candidates=candidates)


DIRECTION = Direction("need_achievements", "匹配科技成果", Pool.PROJECT, achievements_for_need,
                      targets=(Pool.ACHIEVEMENT,))
