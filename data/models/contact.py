"""Consent-gated contact: a request to see a person's (or organization's) contact details."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import ContactPurpose, ContactStatus
from data.models.base import Base, enum_column, utcnow
from data.models.user import User


class ContactRequest(Base):
    __tablename__ = "contact_requests"
    __table_args__ = (Index("ix_contact_requests_target", "target_pool", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requester: Mapped[User] = relationship(foreign_keys=[requester_id], lazy="joined")
    target_pool: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    purpose: Mapped[ContactPurpose] = enum_column(ContactPurpose)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ContactStatus] = enum_column(ContactStatus, default=ContactStatus.PENDING, index=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
