"""A user's messages (the inbox 「消息」) and which kinds they want by e-mail.

A message's e-mail is an outbox row: its state, attempts and last error live here, so a send
that fails is retried with back-off by the worker (``indexer.outbox``) and staff see what failed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from data.enums import MailMode, MailState, NotificationKind
from data.models.base import Base, enum_column, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),
                      Index("ix_notifications_mail_due", "mail_state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(300), default="")  # a path inside the site
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    mail_state: Mapped[MailState] = enum_column(MailState, default=MailState.NONE)
    mail_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    mail_error: Mapped[str] = mapped_column(Text, default="")
    mailed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class MailPreference(Base):
    """One user's choice for one kind; a kind without a row is mailed immediately."""

    __tablename__ = "mail_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="one_preference_per_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    mode: Mapped[MailMode] = enum_column(MailMode)
