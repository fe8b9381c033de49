"""专家/教师 → 需要您的项目: open needs for an expert or a teacher (one recipe, a direction
for each pool that asks)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import need_features, open_need
from matcher.directions.direction import Direction
from matcher.engine import Match, PoolPlan, Viewer, rank
from matcher.query import MatchQuery


def projects_for_person(session: Session, ctx: IndexContext, query: MatchQuery, *, viewer: Viewer | None = None,
                        k: int = 10) -> list[Match]:
    """Open needs an expert's or a teacher's profile answers."""
    plan = PoolPlan(Pool.PROJECT, need_features, gate=open_need, passed=("已发布", "需求未截止"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


FOR_EXPERT = Direction("expert_projects", "需要您的项目", Pool.EXPERT, projects_for_person, targets=(Pool.PROJECT,))
FOR_TEACHER = Direction("teacher_projects", "需要您的项目", Pool.TEACHER, projects_for_person, targets=(Pool.PROJECT,))
