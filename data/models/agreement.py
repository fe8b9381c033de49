"""合作记录: what came of a match — an internship, a contract, hours taught — between two
organizations (and the person it is about), and the activity logged on it by one side and
confirmed by the other."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import ActivityStatus, ActivityUnit, AgreementKind, AgreementStatus
from data.models.base import Base, enum_column, utcnow
from data.models.organization import Organization


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("amount_wan IS NULL OR amount_wan >= 0", name="amount_nonnegative"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="period_order"),
        Index("ix_agreements_person", "person_pool", "person_id"),
        Index("ix_agreements_source", "source_kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AgreementKind] = enum_column(AgreementKind)
    title: Mapped[str] = mapped_column(String(200))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    enterprise: Mapped[Organization] = relationship(foreign_keys=[enterprise_id], lazy="joined")
    partner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    partner: Mapped[Organization] = relationship(foreign_keys=[partner_id], lazy="joined")  # the college or institute
    person_pool: Mapped[str | None] = mapped_column(String(20))  # the teacher, expert or student it is about
    person_id: Mapped[int | None]
    person_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    source_kind: Mapped[str | None] = mapped_column(String(20))  # application, proposal, contact: where it came from
    source_id: Mapped[int | None]
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    amount_wan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 万元, where money is agreed
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[AgreementStatus] = enum_column(AgreementStatus, default=AgreementStatus.OPEN, index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class Activity(Base):
    """Activity on an agreement (hours taught, person-months, trainee-days), entered by one
    side and confirmed by the other; only confirmed activity counts in reports."""

    __tablename__ = "activities"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    unit: Mapped[ActivityUnit] = enum_column(ActivityUnit)
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"))
    status: Mapped[ActivityStatus] = enum_column(ActivityStatus, default=ActivityStatus.PENDING, index=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answer_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
