"""Accounts (every user belongs to an organization and has one role), and what guards logging in:
failed-login counters and the rate limiter's counters."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint, event, func, inspect
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from data.enums import Role
from data.models.base import Base, enum_column, utcnow
from data.models.organization import Organization


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(64))
    email: Mapped[str | None] = mapped_column(String(120))  # where messages are mailed; none: inbox only
    last_digest_on: Mapped[dt.date | None] = mapped_column(Date)  # the day its last daily digest went out
    role: Mapped[Role] = enum_column(Role)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    org: Mapped[Organization | None] = relationship(lazy="joined")
    active: Mapped[bool] = mapped_column(default=True)
    # Self-registered accounts wait (inactive, approved_at empty) until the secretariat approves them.
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Every session carries the version it was opened under (get_id); raising it ends them all:
    # logging out, a new password, deactivation (see _end_sessions_on_credential_change).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())

    # Flask-Login's user protocol, kept here so the web layer needs no wrapper class.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What a session (and a remember-me cookie) stores: id, session version, and a fingerprint
        of the password hash, which a later account given the same id cannot match."""
        fingerprint = hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]
        return f"{self.id}:{self.session_version}:{fingerprint}"


@event.listens_for(User, "before_update")
def _end_sessions_on_credential_change(_mapper: Mapper[Any], _connection: Any, user: User) -> None:
    """A new password or a deactivated account ends the account's sessions, whichever code path
    (form, staff page, CLI) changed it. Incremented in SQL, so concurrent changes both count."""
    attrs = inspect(user).attrs
    if attrs.password_hash.history.has_changes() or (attrs.active.history.has_changes() and not user.active):
        user.session_version = User.session_version + 1


class LoginFailure(Base):
    """Consecutive failed logins under one username from one client address (address ``*``: from
    all addresses), and until when that pair must wait. Kept by the name typed, not by user id,
    so an unknown name goes through exactly the same steps as a real one."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("username", "address", name="one_counter_per_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RateCounter(Base):
    """One fixed window of the request rate limiter (``web.security``) when there is no Redis:
    hits so far and when the window ends (seconds since the epoch)."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int]
    expires_at: Mapped[float] = mapped_column(index=True)
