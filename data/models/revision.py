"""Edits of published records, held for review while the published version stays live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import RevisionStatus
from data.models.base import Base, enum_column, utcnow
from data.models.user import User


class Revision(Base):
    """The form as the author submitted it ({column header: text}); validated again on approval."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_record", "pool", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[RevisionStatus] = enum_column(RevisionStatus, default=RevisionStatus.PENDING, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
