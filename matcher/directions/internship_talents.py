"""实习岗位 → 学生: students who fit the post and whom the post fits (:mod:`.two_sided`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import Internship, PoolRecord, Talent
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.direction import Direction
from matcher.directions.two_sided import both_sides
from matcher.engine import Feature, Match, PoolPlan, Viewer, rank
from matcher.query import Facets, MatchQuery


def talent_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """Both sides, the asking post against a student."""
    assert isinstance(record, Talent) and isinstance(query.source, Internship)
    return both_sides(query.source, record)


def talents_for_internship(session: Session, ctx: IndexContext, query: MatchQuery, *,
                           viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Students for the post in ``query.source`` (a query built by ``query_from_record``)."""
    plan = PoolPlan(Pool.TALENT, talent_features, passed=("已发布", "学生授权可见"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


DIRECTION = Direction("internship_talents", "推荐学生", Pool.INTERNSHIP, talents_for_internship, needs_record=True,
                      targets=(Pool.TALENT,))
