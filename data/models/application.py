"""A student's application to an internship or job, and its status."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import ApplicationStatus
from data.models.base import Base, enum_column, utcnow
from data.models.people import Talent
from data.models.work import Internship


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("talent_id", "internship_id", name="talent_internship"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internships.id", ondelete="CASCADE"), index=True)
    talent: Mapped[Talent] = relationship()
    internship: Mapped[Internship] = relationship(lazy="joined")
    status: Mapped[ApplicationStatus] = enum_column(ApplicationStatus, default=ApplicationStatus.SUBMITTED)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                   server_default=func.now())
