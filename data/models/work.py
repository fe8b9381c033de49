"""What organizations offer and ask for: projects/needs (项目库), results (成果库), posts (岗位)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from data.enums import (
    AchievementKind,
    EducationLevel,
    IPStatus,
    JobKind,
    Maturity,
    ProjectKind,
    TransferMode,
)
from data.models.base import Base, enum_column
from data.models.owned import OwnedRecord


class Project(OwnedRecord, Base):
    """A project or need: technical problem, horizontal project, co-built base, talent need…"""

    __tablename__ = "projects"
    __table_args__ = (CheckConstraint("budget IS NULL OR budget >= 0", name="budget_nonnegative"),)

    project_kind: Mapped[ProjectKind] = enum_column(ProjectKind)
    budget: Mapped[float | None] = mapped_column(Numeric(12, 2, asdecimal=False))
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    skills: Mapped[list[str]] = mapped_column(default=list)
    contact_name: Mapped[str | None] = mapped_column(String(50))


class Achievement(OwnedRecord, Base):
    """A research result: patent, software copyright, technology."""

    __tablename__ = "achievements"
    __table_args__ = (
        CheckConstraint("trl IS NULL OR (trl >= 1 AND trl <= 9)", name="trl_range"),
        CheckConstraint("price IS NULL OR price >= 0", name="price_nonnegative"),
    )

    achievement_kind: Mapped[AchievementKind] = enum_column(AchievementKind)
    discipline: Mapped[str | None] = mapped_column(String(50))
    ip_status: Mapped[IPStatus | None] = enum_column(IPStatus, nullable=True)
    maturity: Mapped[Maturity | None] = enum_column(Maturity, nullable=True)
    trl: Mapped[int | None]
    transfer_mode: Mapped[TransferMode | None] = enum_column(TransferMode, nullable=True)
    price: Mapped[float | None] = mapped_column(Numeric(12, 2, asdecimal=False))
    inventors: Mapped[list[str]] = mapped_column(default=list)


class Internship(OwnedRecord, Base):
    """An internship or job posted by an enterprise; ``region_code`` is where the work is."""

    __tablename__ = "internships"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        CheckConstraint("stipend IS NULL OR stipend >= 0", name="stipend_nonnegative"),
        CheckConstraint(
            "end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="period_order"
        ),
    )

    job_kind: Mapped[JobKind] = enum_column(JobKind)
    seats: Mapped[int] = mapped_column(default=1)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    skills: Mapped[list[str]] = mapped_column(default=list)
    majors: Mapped[list[str]] = mapped_column(default=list)
    min_level: Mapped[EducationLevel | None] = enum_column(EducationLevel, nullable=True)
    stipend: Mapped[int | None]
    occupation_code: Mapped[str | None] = mapped_column(String(20))
