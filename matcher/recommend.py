"""The service views call: a record's or a typed text's recommendations in one direction of
the registry (:mod:`matcher.directions`)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import visible_levels
from data.enums import Status
from data.models import MODELS, Internship, Organization, Project
from data.pools import Pool
from data.workflows.feedback import rejected_targets
from indexer.context import IndexContext
from indexer.documents import SEMANTIC_MAX_CHARS
from matcher import directions
from matcher.directions import need_achievements
from matcher.engine import Match, Viewer
from matcher.query import MatchQuery, query_from_record
from matcher.query_text import clean_query


class RecommendError(LookupError):
    """Unknown record or direction; the message is in Chinese."""


def organization_query(session: Session, org: Organization, viewer: Viewer | None = None) -> MatchQuery:
    """An organization asks with everything it published that ``viewer`` may see: profile,
    needs and posts (a hidden need must not surface through the matched terms it would add)."""
    query = query_from_record(org)
    names: list[str] = []
    insider = viewer is None or viewer.staff or viewer.org_id == org.id
    visible = visible_levels(viewer is not None and viewer.member)
    for model in (Project, Internship):
        wanted = select(model.name).where(model.owner_org_id == org.id, model.status == Status.PUBLISHED)
        if not insider:
            wanted = wanted.where(model.visibility.in_(visible))
        names += session.scalars(wanted.order_by(model.id).limit(20))
    query.text = "。".join([query.text, *names])[:800]
    query.semantic = query.text[:SEMANTIC_MAX_CHARS]
    return query


def recommend(session: Session, ctx: IndexContext, pool: Pool, record_id: int, direction: str, *,
              viewer: Viewer | None = None, actor: str | None = None, k: int = 10) -> list[Match]:
    """Recommendations for a stored record in one direction, without what ``actor`` rejected."""
    spec = directions.get(direction)
    if spec is None:
        raise RecommendError(f"未知的推荐方向「{direction}」")
    record = session.get(MODELS[pool], record_id)
    if record is None:
        raise RecommendError(f"{pool.label}中不存在编号为 {record_id} 的记录")
    if spec.source is not pool or not spec.applies(record):
        raise RecommendError(f"「{spec.label}」不适用于这条{pool.label}记录")
    query = organization_query(session, record, viewer) if isinstance(record, Organization) else query_from_record(record)
    hidden = rejected_targets(session, actor, pool, record_id) if actor else set()
    matches = spec.run(session, ctx, query, viewer=viewer, k=k + len(hidden))
    return [m for m in matches if (m.pool.value, m.id) not in hidden][:k]


def recommend_text(session: Session, ctx: IndexContext, query: MatchQuery,
                   direction: str = need_achievements.DIRECTION.key, *,
                   viewer: Viewer | None = None, k: int = 10) -> list[Match]:
    """Recommendations for free text (a need typed into a box; evaluation queries), asked
    without what carries no need (the poster, 招聘, codes and perks: :func:`clean_query`)."""
    spec = directions.get(direction)
    if spec is None:
        raise RecommendError(f"未知的推荐方向「{direction}」")
    if query.source is None:
        query = replace(query, text=clean_query(query.text), semantic=clean_query(query.semantic) if query.semantic else None)
    return spec.run(session, ctx, query, viewer=viewer, k=k)
