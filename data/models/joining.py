"""A new organization's application to join the platform (新单位入驻申请).

Someone outside the pools applies for their organization: the organization is created as a
draft (in no pool list or index, not a member), and this row keeps what the secretariat needs
to verify it — the contact person, the credit code — and the charter's membership application
(materials, requested level) until staff decide. Approval publishes the organization and opens
its membership case; rejection removes the draft organization and keeps this row as history.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import JoinStatus, MemberLevel
from data.models.base import Base, enum_column, utcnow
from data.models.membership import MembershipCase
from data.models.organization import Organization


class OrgApplication(Base):
    __tablename__ = "org_applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="SET NULL"), index=True)
    org: Mapped[Organization | None] = relationship(lazy="joined")
    org_name: Mapped[str] = mapped_column(String(200))  # kept when a rejected draft is removed
    credit_code: Mapped[str] = mapped_column(String(18))
    contact_name: Mapped[str] = mapped_column(String(64))
    contact_phone: Mapped[str] = mapped_column(String(30))
    contact_email: Mapped[str] = mapped_column(String(120))
    requested_level: Mapped[MemberLevel] = enum_column(MemberLevel)
    materials: Mapped[str] = mapped_column(Text)
    status: Mapped[JoinStatus] = enum_column(JoinStatus, default=JoinStatus.SUBMITTED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("membership_cases.id", ondelete="SET NULL"))
    case: Mapped[MembershipCase | None] = relationship()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
