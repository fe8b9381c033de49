"""Subscriptions (订阅): 「有新的匹配时通知我」 for a search or for one of the user's records in
one docking direction, and the matches already told (each new match is told once)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_source", "source_pool", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(300))  # what the user sees: 「需求「…」的匹配专家」, 「搜索「PLC」」
    # a record of the user's, in one direction …
    source_pool: Mapped[str | None] = mapped_column(String(20))
    source_id: Mapped[int | None]
    direction: Mapped[str | None] = mapped_column(String(40))
    # … or a search: its text, and the pool it is limited to (none: every pool)
    query: Mapped[str] = mapped_column(String(200), default="")
    target_pool: Mapped[str | None] = mapped_column(String(20))
    min_score: Mapped[float] = mapped_column(default=50.0)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    last_run_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # records changed after it are new


class SubscriptionHit(Base):
    """A match a subscription has told its user of."""

    __tablename__ = "subscription_hits"
    __table_args__ = (UniqueConstraint("subscription_id", "pool", "record_id", name="told_once"),
                      Index("ix_subscription_hits_record", "pool", "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    pool: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    score: Mapped[float]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
