"""双选 rounds: staff put chosen posts and students into a round, students rank posts, the posts'
enterprises mark applicants, the matcher allocates and the results are stored and published
(``data.workflows.rounds``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.enums import RoundMark, RoundMethod, RoundStatus
from data.models.base import Base, enum_column, utcnow
from data.models.people import Talent
from data.models.work import Internship


class AllocationRound(Base):
    __tablename__ = "allocation_rounds"
    __table_args__ = (
        CheckConstraint("max_choices >= 1", name="max_choices_positive"),
        CheckConstraint("apprentice_share IS NULL OR (apprentice_share >= 0 AND apprentice_share <= 1)",
                        name="apprentice_share_range"),
        CheckConstraint("school_quota IS NULL OR school_quota >= 0", name="school_quota_nonnegative"),
        CheckConstraint("school_total IS NULL OR school_total >= 0", name="school_total_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[RoundStatus] = enum_column(RoundStatus, default=RoundStatus.DRAFT, index=True)
    method: Mapped[RoundMethod] = enum_column(RoundMethod, default=RoundMethod.STABLE)
    max_choices: Mapped[int] = mapped_column(Integer, default=5)
    floor: Mapped[float | None] = mapped_column(Float)
    apprentice_share: Mapped[float | None] = mapped_column(Float)
    school_quota: Mapped[int | None]  # at most this many students of one school at one enterprise
    school_total: Mapped[int | None]  # at most this many students of one school placed in the round (本校名额)
    # 场地容量: GB/T 2260 region code → the most students all the round's posts there take together
    site_caps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    student_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    enterprise_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))  # of the stored results
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                   server_default=func.now())


class RoundPost(Base):
    __tablename__ = "round_posts"
    __table_args__ = (UniqueConstraint("round_id", "internship_id", name="uq_round_posts_round_internship"),
                      CheckConstraint("seats >= 0", name="seats_nonnegative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internships.id", ondelete="CASCADE"), index=True)
    internship: Mapped[Internship] = relationship(lazy="joined")
    seats: Mapped[int] = mapped_column(Integer)


class RoundStudent(Base):
    __tablename__ = "round_students"
    __table_args__ = (UniqueConstraint("round_id", "talent_id", name="uq_round_students_round_talent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    talent: Mapped[Talent] = relationship(lazy="joined")


class RoundChoice(Base):
    """A student's choice of one of the round's posts; rank 1 is the first choice."""

    __tablename__ = "round_choices"
    __table_args__ = (UniqueConstraint("round_id", "talent_id", "internship_id", name="round_talent_internship"),
                      UniqueConstraint("round_id", "talent_id", "rank", name="round_talent_rank"),
                      CheckConstraint("rank >= 1", name="rank_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internships.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(Integer)


class RoundMarkEntry(Base):
    """How a post's enterprise marks one of the round's students."""

    __tablename__ = "round_marks"
    __table_args__ = (UniqueConstraint("round_id", "internship_id", "talent_id", name="round_internship_talent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    internship_id: Mapped[int] = mapped_column(ForeignKey("internships.id", ondelete="CASCADE"))
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"))
    mark: Mapped[RoundMark] = enum_column(RoundMark)


class RoundResult(Base):
    """One student's outcome: a post (with score and the post's place in their order), or none
    with the reason code and up to three alternatives ``[{"post": id, "score": x, "obstacle": code}]``."""

    __tablename__ = "round_results"
    __table_args__ = (UniqueConstraint("round_id", "talent_id", name="uq_round_results_round_talent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("allocation_rounds.id", ondelete="CASCADE"), index=True)
    talent_id: Mapped[int] = mapped_column(ForeignKey("talents.id", ondelete="CASCADE"), index=True)
    talent: Mapped[Talent] = relationship(lazy="joined")
    internship_id: Mapped[int | None] = mapped_column(ForeignKey("internships.id", ondelete="SET NULL"))
    internship: Mapped[Internship | None] = relationship(lazy="joined")
    score: Mapped[float | None] = mapped_column(Float)
    student_rank: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(32))  # matcher.allocation.Reason code when unplaced
    alternatives: Mapped[list[Any]] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    published: Mapped[bool] = mapped_column(default=False)
