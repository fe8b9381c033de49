"""需求 → 专家与教师: experts and teachers for a need, none of the asker's own organization
(conflict of interest), busy people ranked down, and people like those the asking
organization declined before ranked down too."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from data.enums import RejectReason
from data.pools import Pool
from indexer.context import IndexContext
from indexer.search import Filters
from matcher.directions.common import LEARNED_REASONS, follow_declines, learns_for, person_features, rank_down_busy
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery


def experts_for_need(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                     k: int = 10, allow_own_org: bool = False,
                     learn: Collection[RejectReason] = LEARNED_REASONS) -> list[Match]:
    """Experts and teachers for a need; ``allow_own_org``: its own organization's people too;
    ``learn``: the decline reasons of the asking organization's history that count (only when
    the viewer is of that organization or staff)."""
    coi = Filters(exclude_owner_org_ids={query.org_id}) if query.org_id and not allow_own_org else Filters()
    passed = ("已发布", "不推荐需求方本单位的人员（利益回避）") if coi != Filters() else ("已发布",)
    plans = [PoolPlan(Pool.EXPERT, person_features, filters=coi, passed=passed),
             PoolPlan(Pool.TEACHER, person_features, filters=coi, passed=passed)]

    reasons = learn if learns_for(viewer, query) else ()

    def adjust(session: Session, matches: list[Match]) -> None:
        rank_down_busy(session, matches)
        follow_declines(session, query, matches, reasons)
    return rank(session, ctx, query, plans, viewer=viewer, k=k, adjust=adjust)


DIRECTION = Direction("need_experts", "匹配专家与教师", Pool.PROJECT, experts_for_need,
                      targets=(Pool.EXPERT, Pool.TEACHER))
