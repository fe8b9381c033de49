"""How many recommendations were shown, per day and direction (for the overview dashboard)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base


class MatchImpression(Base):
    __tablename__ = "match_impressions"
    __table_args__ = (UniqueConstraint("day", "direction", name="day_direction"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(40))
    shown: Mapped[int] = mapped_column(default=0)
