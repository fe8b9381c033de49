"""Expert review panels (issue 16): staff put chosen needs and 成果 into a batch, the matcher
proposes a panel of experts for each item, the experts accept or decline their seats and score
the items per criterion, staff aggregate the scores (``data.workflows.panels``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import PanelStatus, SeatStatus
from data.models.base import Base, enum_column, utcnow
from data.models.people import Expert


class ReviewBatch(Base):
    __tablename__ = "review_batches"
    __table_args__ = (CheckConstraint("panel_size >= 1", name="panel_size_positive"),
                      CheckConstraint("max_load >= 1", name="max_load_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[PanelStatus] = enum_column(PanelStatus, default=PanelStatus.DRAFT, index=True)
    panel_size: Mapped[int] = mapped_column(Integer, default=5)  # k reviewers per item
    max_load: Mapped[int] = mapped_column(Integer, default=10)  # L items per reviewer at most
    criteria: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                   server_default=func.now())


class ReviewItem(Base):
    """A need (``project``) or 成果 (``achievement``) the batch reviews."""

    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("batch_id", "pool", "record_id", name="uq_review_items_batch_pool_record"),
                      CheckConstraint("pool IN ('project', 'achievement')", name="pool_reviewable"))

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batches.id", ondelete="CASCADE"), index=True)
    pool: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]


class ReviewSeat(Base):
    """One expert's seat on one item's panel, with the fit score and reasons of the assignment."""

    __tablename__ = "review_seats"
    __table_args__ = (UniqueConstraint("item_id", "expert_id", name="uq_review_seats_item_expert"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batches.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id", ondelete="CASCADE"), index=True)
    item: Mapped[ReviewItem] = relationship(lazy="joined")
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    expert: Mapped[Expert] = relationship(lazy="joined")
    status: Mapped[SeatStatus] = enum_column(SeatStatus, default=SeatStatus.PROPOSED)
    fit: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (UniqueConstraint("seat_id", "criterion", name="uq_review_scores_seat_criterion"),
                      CheckConstraint("score >= 0 AND score <= 100", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[int] = mapped_column(ForeignKey("review_seats.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[str] = mapped_column(String(50))
    score: Mapped[float] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)


class ReviewConflict(Base):
    """An expert's declared conflict of interest with an item (of one batch, or of every batch)."""

    __tablename__ = "review_conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "pool", "record_id", name="uq_review_conflicts_expert_pool_record"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("review_batches.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    pool: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
