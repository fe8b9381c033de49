"""Subscriptions evaluated (订阅): each round tells every active subscription's user of the
matches that are new since its last round — records published or changed since then, above
the user's score, never told before — with each match's score and reasons, in one message per
subscription. Run by Celery beat (``watch.run``, every ``ROUND_MINUTES``), or by hand with
``chanjiao notify run``. A subscription none of whose pools has a record published or changed
since its last round is not ranked at all (a quiet round costs a query per pool). Matches go through the same ranking and visibility as the pages:
a user is told only of what they may see.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Viewer, viewer_for
from data.enums import NotificationKind, Status
from data.models import MODELS, Subscription, SubscriptionHit, User
from data.models.base import aware, utcnow
from data.pools import Pool
from data.workflows.notifications import notify
from data.workflows.subscriptions import source_of
from indexer.context import IndexContext
from indexer.search import Filters
from matcher.engine import index_filters
from matcher.find import find
from matcher.recommend import RecommendError, recommend

log = logging.getLogger(__name__)
DEPTH = 50  # matches looked at per subscription and round
ROUND_MINUTES = 10
SHOWN = 5  # matches listed in one message
# A record is indexed a little after its commit: each round looks this far behind its last one
# (what was told is never told again), but never before the subscription was made.
INDEX_LAG = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Candidate:
    pool: Pool
    id: int
    name: str
    score: float
    reasons: tuple[str, ...]


@dataclass
class RoundReport:
    subscriptions: int = 0
    told: int = 0  # new matches told
    messages: int = 0
    stopped: list[int] = field(default_factory=list)  # subscriptions whose record is gone or hidden


def _candidates(session: Session, ctx: IndexContext, sub: Subscription, user: User, viewer: Viewer) -> list[Candidate]:
    if sub.source_pool is not None and sub.source_id is not None and sub.direction:
        matches = recommend(session, ctx, Pool.parse(sub.source_pool), sub.source_id, sub.direction, viewer=viewer,
                            actor=str(user.id), k=DEPTH)
        return [Candidate(m.pool, m.id, m.name, m.score, tuple(m.reasons[:3])) for m in matches]
    filters, _ = index_filters(viewer, Filters())
    found: list[Candidate] = []
    for pool in ([Pool.parse(sub.target_pool)] if sub.target_pool else list(Pool)):
        for item in find(ctx, pool, sub.query, filters, 1, DEPTH, session).items:
            if item.record is not None:
                said = ("命中关键词：" + "、".join(item.hit.matched_terms[:6]),) if item.hit.matched_terms else ()
                found.append(Candidate(pool, item.hit.id, item.record.name, item.score, said))
    return found


def _new(session: Session, sub: Subscription, found: list[Candidate], since: dt.datetime) -> list[Candidate]:
    """Above the score, published or changed since ``since``, not told before."""
    wanted = [c for c in found if c.score >= sub.min_score]
    fresh: set[tuple[Pool, int]] = set()
    for pool in {c.pool for c in wanted}:
        model = MODELS[pool]
        ids = [c.id for c in wanted if c.pool is pool]
        rows = session.execute(select(model.id, model.updated_at).where(model.id.in_(ids), model.status == Status.PUBLISHED))
        fresh |= {(pool, i) for i, changed in rows.all() if aware(changed) >= since}
    told = {(Pool.parse(p), i) for p, i in session.execute(
        select(SubscriptionHit.pool, SubscriptionHit.record_id).where(SubscriptionHit.subscription_id == sub.id)).all()}
    return sorted((c for c in wanted if (c.pool, c.id) in fresh and (c.pool, c.id) not in told),
                  key=lambda c: (-c.score, c.pool.value, c.id))


def _link(sub: Subscription, new: list[Candidate]) -> str:
    if len(new) == 1:
        return f"/pool/{new[0].pool.value}/{new[0].id}"
    if sub.source_pool is not None:
        return f"/pool/{sub.source_pool}/{sub.source_id}"
    return "/?" + urlencode({"q": sub.query, **({"pool": sub.target_pool} if sub.target_pool else {})})


def latest_changes(session: Session) -> dict[Pool, dt.datetime]:
    """When each pool's newest published record was published or changed (pools with none left out)."""
    latest = {}
    for pool in Pool:
        model = MODELS[pool]
        when = session.scalar(select(func.max(model.updated_at)).where(model.status == Status.PUBLISHED))
        if when is not None:
            latest[pool] = aware(when)
    return latest


def _quiet(sub: Subscription, latest: dict[Pool, dt.datetime], since: dt.datetime) -> bool:
    """Nothing it could be told of: no pool its matches come from has a record published or
    changed since ``since`` (only such records are ever told, so ranking would find nothing)."""
    pools = [Pool.parse(sub.target_pool)] if sub.source_pool is None and sub.target_pool else list(Pool)
    return all(pool not in latest or latest[pool] < since for pool in pools)


def run_subscription(session: Session, ctx: IndexContext, sub: Subscription, now: dt.datetime,
                     latest: dict[Pool, dt.datetime] | None = None) -> int:
    """One subscription's round: tells its user of the new matches; returns how many.
    ``latest`` (``latest_changes``, read once a round): a subscription with nothing new in its
    pools is not ranked at all."""
    user = session.get(User, sub.user_id)
    if user is None or not user.active:
        return 0
    made = aware(sub.created_at)
    since = max(made, aware(sub.last_run_at) - INDEX_LAG) if sub.last_run_at else made
    if latest is not None and _quiet(sub, latest, since):
        sub.last_run_at = now
        return 0
    new = _new(session, sub, _candidates(session, ctx, sub, user, viewer_for(user)), since)
    sub.last_run_at = now
    if not new:
        return 0
    lines = [f"{c.name}（匹配度 {c.score:.0f}）" + (f"：{'；'.join(c.reasons)}" if c.reasons else "") for c in new[:SHOWN]]
    if len(new) > SHOWN:
        lines.append(f"……另有 {len(new) - SHOWN} 条")
    notify(session, [user], NotificationKind.SUBSCRIPTION, f"「{sub.label}」有 {len(new)} 条新的匹配",
           "\n".join(lines), _link(sub, new))
    session.add_all(SubscriptionHit(subscription_id=sub.id, pool=c.pool.value, record_id=c.id, score=c.score) for c in new)
    session.flush()
    return len(new)


def run_round(session: Session, ctx: IndexContext, now: dt.datetime | None = None) -> RoundReport:
    """Every active subscription's round, each committed on its own (one that fails is logged
    and tried again next round)."""
    now = now or utcnow()
    report = RoundReport()
    ids = list(session.scalars(select(Subscription.id).where(Subscription.active.is_(True)).order_by(Subscription.id)))
    latest = latest_changes(session)
    for sub_id in ids:
        sub = session.get(Subscription, sub_id)
        if sub is None:
            continue
        report.subscriptions += 1
        if sub.source_pool is not None and source_of(session, sub) is None:
            sub.active = False  # the record is gone or no longer the user's to see: nothing to follow
            report.stopped.append(sub.id)
            session.commit()
            continue
        try:
            told = run_subscription(session, ctx, sub, now, latest)
        except RecommendError as exc:  # the direction no longer applies to the record
            log.warning("subscription %s stopped: %s", sub_id, exc)
            session.rollback()
            stale = session.get(Subscription, sub_id)
            if stale is not None:
                stale.active = False
                report.stopped.append(sub_id)
            session.commit()
            continue
        if told:
            report.told += told
            report.messages += 1
        session.commit()
    return report
