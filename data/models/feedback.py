"""What users said about a recommendation: 感兴趣 / 不合适 (with a reason) / 已联系 / 已合作."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from data.enums import FeedbackAction, RejectReason
from data.models.base import Base, enum_column, utcnow


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_actor_source", "actor", "source_pool", "source_id"),
        Index("ix_feedback_target", "target_pool", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(64))  # the user who gave it
    direction: Mapped[str] = mapped_column(String(40))
    source_pool: Mapped[str | None] = mapped_column(String(20))  # the record the match was for
    source_id: Mapped[int | None]
    target_pool: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    action: Mapped[FeedbackAction] = enum_column(FeedbackAction)
    reason: Mapped[RejectReason | None] = enum_column(RejectReason, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
