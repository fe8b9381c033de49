"""The region table (provinces, cities, districts), loaded from the CSCO package's city list."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    short_name: Mapped[str] = mapped_column(String(50))
    full_name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int]  # 1 province, 2 city, 3 district
    parent_code: Mapped[str | None] = mapped_column(String(12), index=True)
