"""People pools: experts (专家库), teachers (师资库) and talents (人才库)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from data.enums import Availability, EducationLevel, ProfTitle, TeacherKind
from data.models.base import Base, enum_column
from data.models.owned import OwnedRecord


class Contact:
    """Personal contact fields: never shown to others without a grant (DESIGN: non-negotiables)."""

    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))


class PersonRecord(OwnedRecord, Contact):
    """An expert, teacher or talent: a person, who may have an account of their own (``user_id``)."""

    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)


class Expert(PersonRecord, Base):
    __tablename__ = "experts"

    prof_title: Mapped[ProfTitle | None] = enum_column(ProfTitle, nullable=True)
    research_areas: Mapped[list[str]] = mapped_column(default=list)
    discipline: Mapped[str | None] = mapped_column(String(50))
    availability: Mapped[Availability] = enum_column(Availability, default=Availability.AVAILABLE)


class Teacher(PersonRecord, Base):
    __tablename__ = "teachers"
    __table_args__ = (CheckConstraint("hours_available >= 0", name="hours_nonnegative"),)

    teacher_kind: Mapped[TeacherKind] = enum_column(TeacherKind)
    prof_title: Mapped[ProfTitle | None] = enum_column(ProfTitle, nullable=True)
    courses: Mapped[list[str]] = mapped_column(default=list)
    skills: Mapped[list[str]] = mapped_column(default=list)
    dual_qualified: Mapped[bool] = mapped_column(default=False)
    hours_available: Mapped[int | None]


class Talent(PersonRecord, Base):
    """A student or graduate; ``owner_org`` is the school."""

    __tablename__ = "talents"
    __table_args__ = (
        CheckConstraint(
            "available_to IS NULL OR available_from IS NULL OR available_to >= available_from",
            name="period_order",
        ),
    )

    major: Mapped[str] = mapped_column(String(100))
    level: Mapped[EducationLevel] = enum_column(EducationLevel)
    graduation_year: Mapped[int | None]
    skills: Mapped[list[str]] = mapped_column(default=list)
    certificates: Mapped[list[str]] = mapped_column(default=list)
    expected_city_code: Mapped[str | None] = mapped_column(String(12), ForeignKey("regions.code"))
    expected_role: Mapped[str | None] = mapped_column(String(100))
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    available_to: Mapped[dt.date | None] = mapped_column(Date)
