"""双选会 events (issue 16): a dated fair, on site or online, for a number of students; enterprises
register their published posts, students register themselves, staff check both in on the day and
run a 双选 round over the fair (``data.workflows.fairs``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import FairStatus
from data.models.allocation import AllocationRound
from data.models.base import Base, enum_column, utcnow
from data.models.organization import Organization
from data.models.people import Talent
from data.models.work import Internship


class FairEvent(Base):
    __tablename__ = "fair_events"
    __table_args__ = (CheckConstraint("capacity >= 1", name="capacity_positive"),
                      CheckConstraint("place IS NOT NULL OR online_url IS NOT NULL", name="place_or_online"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[FairStatus] = enum_column(FairStatus, default=FairStatus.DRAFT, index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    place: Mapped[str | None] = mapped_column(String(200))  # 地点; None for an online fair
    online_url: Mapped[str | None] = mapped_column(String(500))  # 线上 link
    capacity: Mapped[int] = mapped_column(Integer)  # students who may register
    registration_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="SET NULL"), index=True)
    round: Mapped[AllocationRound | None] = relationship()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                   server_default=func.now())


class FairPost(Base):
    """A post an enterprise brings to the fair, with the seats it offers there."""

    __tablename__ = "fair_posts"
    __table_args__ = (UniqueConstraint("event_id", "internship_id", name="uq_fair_posts_event_internship"),
                      CheckConstraint("seats >= 1", name="seats_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("fair_events.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internships.id", ondelete="CASCADE"), index=True)
    internship: Mapped[Internship] = relationship(lazy="joined")
    seats: Mapped[int] = mapped_column(Integer)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class FairExhibitor(Base):
    """An enterprise at the fair (one row while it has registered posts), checked in on the day."""

    __tablename__ = "fair_exhibitors"
    __table_args__ = (UniqueConstraint("event_id", "org_id", name="uq_fair_exhibitors_event_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("fair_events.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    org: Mapped[Organization] = relationship(lazy="joined")
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FairAttendee(Base):
    """A student registered for the fair (by themselves), checked in on the day."""

    __tablename__ = "fair_attendees"
    __table_args__ = (UniqueConstraint("event_id", "talent_id", name="uq_fair_attendees_event_talent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("fair_events.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    talent: Mapped[Talent] = relationship(lazy="joined")
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
