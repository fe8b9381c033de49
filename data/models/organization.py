"""Organizations: enterprises, colleges, institutes, associations; alliance membership."""

from __future__ import annotations

from sqlalchemy import String
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
