"""A college proposes one of its teachers to an enterprise for practice (教师企业实践)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import ProposalStatus
from data.models.base import Base, enum_column, utcnow
from data.models.organization import Organization
from data.models.people import Teacher


class PracticeProposal(Base):
    __tablename__ = "practice_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"), index=True)
    teacher: Mapped[Teacher] = relationship(lazy="joined")
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    enterprise: Mapped[Organization] = relationship(foreign_keys=[enterprise_id], lazy="joined")
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ProposalStatus] = enum_column(ProposalStatus, default=ProposalStatus.PROPOSED, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
