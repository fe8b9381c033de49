"""Organizations: enterprises, colleges, institutes, associations; alliance membership."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from data.enums import MemberLevel, MemberStatus, OrgKind
from data.models.base import Base, PoolRecord, enum_column


class Organization(PoolRecord, Base):
    __tablename__ = "organizations"

    kind: Mapped[OrgKind] = enum_column(OrgKind)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    industries: Mapped[list[str]] = mapped_column(default=list)
    majors: Mapped[list[str]] = mapped_column(default=list)
    member_level: Mapped[MemberLevel | None] = enum_column(MemberLevel, nullable=True)
    member_status: Mapped[MemberStatus] = enum_column(MemberStatus, default=MemberStatus.NONE)
    member_certificate: Mapped[str | None] = mapped_column(String(40), unique=True)
    member_since: Mapped[dt.date | None] = mapped_column(Date)
    last_fee_paid_on: Mapped[dt.date | None] = mapped_column(Date)
    last_active_on: Mapped[dt.date | None] = mapped_column(Date)  # a login or a change by its users
    withdrawal_effective_on: Mapped[dt.date | None] = mapped_column(Date)  # notice given: leaves on this day
