"""Alliance membership governance (from the charters): applications and expulsion motions,
the council's votes, and each organization's membership history (which doubles as its notices)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import CaseKind, CaseStatus, MemberLevel
from data.models.base import Base, enum_column, utcnow
from data.models.organization import Organization


class MembershipCase(Base):
    __tablename__ = "membership_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    org: Mapped[Organization] = relationship(lazy="joined")
    kind: Mapped[CaseKind] = enum_column(CaseKind)
    requested_level: Mapped[MemberLevel | None] = enum_column(MemberLevel, nullable=True)
    materials: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[CaseStatus] = enum_column(CaseStatus, default=CaseStatus.SUBMITTED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # the secretariat's or the council's reasons
    council_size: Mapped[int | None]  # fixed when the vote opens: the two-thirds rule counts against it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class CouncilVote(Base):
    __tablename__ = "council_votes"
    __table_args__ = (UniqueConstraint("case_id", "voter_org_id", name="one_vote_per_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("membership_cases.id", ondelete="CASCADE"), index=True)
    voter_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    voter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approve: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class MembershipEvent(Base):
    """One step in an organization's membership history; unread events are its notices."""

    __tablename__ = "membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_cases.id", ondelete="SET NULL"))
    event: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
