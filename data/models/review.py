"""Review decisions by the secretariat on pool records (approve / reject with a reason)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (Index("ix_reviews_record", "pool", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    decision: Mapped[str] = mapped_column(String(20))  # approved / rejected
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
