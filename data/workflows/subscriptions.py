"""Subscriptions (订阅): a user follows a search, or one of their records in one docking
direction — 「有新的匹配时通知我」. The worker (``matcher.watch``) tells them of each new match
above their score once; here they are made, listed, changed and dropped (personal settings,
like mail preferences: not in the alliance's audit log).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, can_see, may_edit, pool_of, viewer_for
from data.errors import FieldError, NotAllowed, NotFound
from data.models import MODELS, PoolRecord, Subscription, User
from data.models.base import utcnow
from data.pools import Pool
from data.sheets.rows import typed_text
from data.workflows.feedback import DIRECTION_KEYS

MAX_PER_USER = 50
DEFAULT_MIN_SCORE = 50.0


class SubscriptionError(FieldError):
    pass


def parse_min_score(value: object) -> float:
    """The score (0–100) a new match must reach to be told; empty: the default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return DEFAULT_MIN_SCORE
    try:
        score = float(str(value).strip())
    except ValueError:
        raise SubscriptionError("min_score", "最低匹配分应为 0–100 之间的数字") from None
    if not 0 <= score <= 100:
        raise SubscriptionError("min_score", "最低匹配分应为 0–100 之间的数字")
    return score


def _room_left(session: Session, user: User) -> None:
    count = session.scalar(select(func.count()).select_from(Subscription).where(Subscription.user_id == user.id)) or 0
    if count >= MAX_PER_USER:
        raise SubscriptionError("subscription", f"每位用户最多 {MAX_PER_USER} 个订阅，请先取消不再需要的订阅")


def follow_record(session: Session, user: User, record: PoolRecord, direction: str, label: str,
                  min_score: object = None) -> Subscription:
    """Follow new matches of one of the user's records (one they may edit, or their profile) in
    ``direction`` (whether the direction applies to the record is the caller's check: the
    matcher knows the directions)."""
    if direction not in DIRECTION_KEYS:
        raise SubscriptionError("direction", f"未知的推荐方向「{direction[:40]}」")
    if not may_edit(user, record):
        raise NotAllowed("record_id", "只能订阅本单位或本人的记录的新匹配")
    pool = pool_of(record)
    existing = session.scalar(select(Subscription).where(
        Subscription.user_id == user.id, Subscription.source_pool == pool.value, Subscription.source_id == record.id,
        Subscription.direction == direction))
    if existing is not None:
        existing.min_score, existing.active = parse_min_score(min_score), True
        session.flush()
        return existing
    _room_left(session, user)
    sub = Subscription(user_id=user.id, label=label[:300], source_pool=pool.value, source_id=record.id,
                       direction=direction, min_score=parse_min_score(min_score), last_run_at=utcnow())
    session.add(sub)
    session.flush()
    return sub


def follow_search(session: Session, user: User, text: str, pool: Pool | None, min_score: object = None) -> Subscription:
    """Follow a search (its text, in one pool or every pool)."""
    query = typed_text(text, "q", "请输入要订阅的搜索内容", max_len=200, error=SubscriptionError)
    existing = session.scalar(select(Subscription).where(
        Subscription.user_id == user.id, Subscription.query == query, Subscription.source_pool.is_(None),
        Subscription.target_pool == pool.value if pool else Subscription.target_pool.is_(None)))
    if existing is not None:
        existing.min_score, existing.active = parse_min_score(min_score), True
        session.flush()
        return existing
    _room_left(session, user)
    label = f"搜索「{query}」" + (f"（{pool.label}）" if pool else "")
    sub = Subscription(user_id=user.id, label=label, query=query, target_pool=pool.value if pool else None,
                       min_score=parse_min_score(min_score), last_run_at=utcnow())
    session.add(sub)
    session.flush()
    return sub


def own_subscription(session: Session, user: User, subscription_id: int) -> Subscription:
    sub = session.get(Subscription, subscription_id) if 0 < subscription_id <= MAX_ID else None
    if sub is None or sub.user_id != user.id:
        raise NotFound("subscription_id", f"没有编号为 {subscription_id} 的您的订阅")
    return sub


def unfollow(session: Session, user: User, subscription_id: int) -> None:
    sub = own_subscription(session, user, subscription_id)
    session.delete(sub)
    session.flush()


def subscriptions_of(session: Session, user: User) -> list[Subscription]:
    return list(session.scalars(select(Subscription).where(Subscription.user_id == user.id)
                                .order_by(Subscription.created_at.desc(), Subscription.id.desc())))


def following(session: Session, user: User, pool: Pool, record_id: int) -> dict[str, Subscription]:
    """The user's subscriptions on one record, by direction (for the record's page)."""
    subs = session.scalars(select(Subscription).where(Subscription.user_id == user.id,
                                                      Subscription.source_pool == pool.value,
                                                      Subscription.source_id == record_id))
    return {s.direction or "": s for s in subs}


def source_of(session: Session, sub: Subscription) -> PoolRecord | None:
    """The record a subscription follows, while its user may still see it."""
    if sub.source_pool is None or sub.source_id is None:
        return None
    record = session.get(MODELS[Pool.parse(sub.source_pool)], sub.source_id)
    user = session.get(User, sub.user_id)
    if record is None or user is None or not can_see(record, viewer_for(user)):
        return None
    return record
