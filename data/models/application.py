"""A student's application to an internship or job: its status, the cover letter and the
résumé as it was when sent, the interview, the decision; and the messages on it."""

from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import ApplicationRejection, ApplicationStatus
from data.models.base import Base, enum_column, utcnow
from data.models.people import Talent
from data.models.user import User
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
    cover_letter: Mapped[str] = mapped_column(Text, default="", server_default="")
    resume: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))  # the profile's fields when sent
    interview_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    interview_place: Mapped[str] = mapped_column(String(200), default="", server_default="")  # a place or 线上
    interview_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    reject_reason: Mapped[ApplicationRejection | None] = enum_column(ApplicationRejection, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ApplicationMessage(Base):
    """A message between the student and the posting organization on one application."""

    __tablename__ = "application_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[User | None] = relationship(lazy="joined")
    from_student: Mapped[bool]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
