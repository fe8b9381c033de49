"""The region table: lookup of user-written place names, and seeding the ``regions`` table."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from data.models import Region
from data.settings import SEED_DIR

REGION_CSV = SEED_DIR / "cncity.csv"
_SPLIT = re.compile(r"[\s,，/·\-]+")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    short_name: str
    full_name: str
    level: int
    parent_code: str | None


@lru_cache(maxsize=1)
def region_rows() -> tuple[RegionRow, ...]:
    """All provinces (level 1), cities (2) and districts (3) from the shipped city table."""
    rows = []
    with REGION_CSV.open(encoding="utf-8") as fh:
        raws = list(csv.DictReader(fh))
    codes = {raw["id"] for raw in raws}
    for raw in raws:
        parent = raw["parent_id"] if raw["parent_id"] != "100000" else None
        if parent is not None and parent not in codes:
            # Municipalities (北京/天津/上海/重庆) list districts under a city row the table
            # lacks; hang them directly under the municipality.
            parent = parent[:2] + "0000"
        rows.append(
            RegionRow(
                code=raw["id"],
                name=raw["name"],
                short_name=raw["short_name"] or raw["name"],
                full_name=raw["nerge_name"].replace(",", ""),
                level=int(raw["deep"]),
                parent_code=parent,
            )
        )
    return tuple(rows)


@lru_cache(maxsize=1)
def _by_code() -> dict[str, RegionRow]:
    return {r.code: r for r in region_rows()}


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[RegionRow]]:
    index: dict[str, list[RegionRow]] = {}
    for row in region_rows():
        for key in {row.name, row.short_name, row.full_name}:
            index.setdefault(key, []).append(row)
    return index


def get_region(code: str | None) -> RegionRow | None:
    return _by_code().get(code) if code else None


def province_of(code: str | None) -> RegionRow | None:
    """The province a region code belongs to (itself for a province)."""
    row = get_region(code)
    while row is not None and row.parent_code is not None:
        row = get_region(row.parent_code)
    return row


MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


def city_of(code: str | None) -> RegionRow | None:
    """The city of a region code; a municipality counts as a city; None for other provinces."""
    row = get_region(code)
    while row is not None:
        if row.code in MUNICIPALITIES:
            return row
        if row.level == 1:
            return None
        if row.level == 2 and row.parent_code not in MUNICIPALITIES:
            return row
        row = get_region(row.parent_code)
    return None


def resolve_region(text: str) -> str:
    """Turn what a user wrote (广州, 广州市, 广东省广州市, 广东 广州, 440100) into a region code.

    Raises ValueError with a Chinese message when unknown or ambiguous.
    """
    text = text.strip()
    if text in _by_code():
        return text
    candidates = _by_name().get(text.replace(" ", ""))
    if not candidates:
        parts = [p for p in _SPLIT.split(text) if p]
        if len(parts) >= 2:
            candidates = _children_named(parts)
    if not candidates:
        raise ValueError(f"未知地区「{text}」，请填写省/市/区县名称，如 广东省广州市")
    best_level = min(r.level for r in candidates)
    best = [r for r in candidates if r.level == best_level]
    if len(best) > 1:
        raise ValueError(f"地区「{text}」有多个同名地区，请写出上级，如 {best[0].full_name}")
    return best[0].code


def _children_named(parts: list[str]) -> list[RegionRow]:
    """Resolve 「省 市 [区]」 written with separators, walking down from the first part."""
    current = _by_name().get(parts[0], [])
    for part in parts[1:]:
        parents = {r.code for r in current}
        current = [r for r in _by_name().get(part, []) if r.parent_code in parents]
    return current


def seed_regions(session: Session) -> int:
    """Fill the ``regions`` table once; return the number of rows it holds."""
    count = session.scalar(select(func.count()).select_from(Region)) or 0
    if count:
        return count
    rows = [r.__dict__ for r in region_rows()]
    session.execute(insert(Region), rows)
    return len(rows)
