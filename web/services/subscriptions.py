"""订阅 — 「有新的匹配时通知我」: follow a search, or one of one's records in a direction the
record offers; list and drop them. Each change is committed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from data.access import Viewer
from data.errors import NotFound
from data.models import Subscription, User
from data.pools import Pool
from data.workflows import subscriptions
from matcher.directions import get as direction_named
from web.services.matching import check_may_run
from web.services.records import get_record


def follow_search(session: Session, user: User, text: str, pool: Pool | None, min_score: object) -> Subscription:
    sub = subscriptions.follow_search(session, user, text, pool, min_score)
    session.commit()
    return sub


def follow_record(session: Session, user: User, viewer: Viewer, pool: Pool, record_id: int, direction: str,
                  min_score: object) -> Subscription:
    """Follow new matches of one of the user's records in a direction it offers."""
    check_may_run(user, direction)
    record = get_record(session, pool, record_id, viewer)
    spec = direction_named(direction)
    if spec is None or spec.source is not pool or not spec.applies(record):
        raise NotFound("direction", f"「{direction[:40]}」不是这条{pool.label}记录的推荐方向")
    sub = subscriptions.follow_record(session, user, record, direction, f"{record.name}：{spec.label}", min_score)
    session.commit()
    return sub


def unfollow(session: Session, user: User, subscription_id: int) -> None:
    subscriptions.unfollow(session, user, subscription_id)
    session.commit()


def subscriptions_of(session: Session, user: User) -> list[Subscription]:
    return subscriptions.subscriptions_of(session, user)


def following(session: Session, user: User | None, pool: Pool, record_id: int) -> dict[str, Subscription]:
    return subscriptions.following(session, user, pool, record_id) if user is not None else {}
