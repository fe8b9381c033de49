"""学生 → 实习岗位: open posts that fit the student and that the student fits (:mod:`.two_sided`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.models import Internship, PoolRecord, Talent
from data.pools import Pool
from indexer.context import IndexContext
from matcher.directions.common import open_post
from matcher.directions.direction import Direction
from matcher.directions.two_sided import both_sides
from matcher.engine import Feature, Match, PoolPlan, Viewer, rank
from matcher.query import Facets, MatchQuery


def internship_features(query: MatchQuery, record: PoolRecord, facets: Facets) -> list[Feature]:
    """Both sides, a post against the asking student."""
    assert isinstance(record, Internship) and isinstance(query.source, Talent)
    return both_sides(record, query.source)


def internships_for_talent(session: Session, ctx: IndexContext, query: MatchQuery, *,
                           viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Posts for the student in ``query.source`` (a query built by ``query_from_record``)."""
    plan = PoolPlan(Pool.INTERNSHIP, internship_features, gate=open_post, passed=("已发布", "岗位未结束且有名额"))
    return rank(session, ctx, query, [plan], viewer=viewer, k=k)


DIRECTION = Direction("talent_internships", "推荐实习岗位", Pool.TALENT, internships_for_talent, needs_record=True,
                      targets=(Pool.INTERNSHIP,))
