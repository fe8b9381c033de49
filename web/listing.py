"""Pool list pages: their filters and sort orders (from the pool's column spec), validated once,
and the facts their cards — and the recommendation cards of a detail page — show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from data.enums import LabeledEnum, Status
from data.models import PoolRecord
from data.pools import Pool
from data.reference.regions import get_region, region_rows, resolve_region
from data.reference.vocabulary import FIELD_NAMES
from data.sheets.columns import Column, Kind, columns_of
from data.sheets.display import card_facts
from web.errors import AppError

ALL_STATUSES = "all"
STATUSES = list(Status)
_NOT_FILTERS = ("visibility", "status")  # who may see a record is not a filter; status is staff's own


@dataclass(frozen=True)
class ListQuery:
    """A pool list's filters and order, every one checked against the pool's spec."""

    field: str | None = None
    region: str | None = None  # a region code; its sub-regions match too
    enums: tuple[tuple[str, LabeledEnum], ...] = ()  # (attribute, member) of the pool's closed columns
    status: Status | None = None  # None: published only (staff may choose another, or every status)
    every_status: bool = False
    sort: str = "new"

    def args(self) -> dict[str, str]:
        """The query string that gives this list again (for the pager and the export link)."""
        out = {"field": self.field or "", "region": self.region or ""}
        out |= {attr: member.value for attr, member in self.enums}
        out["status"] = ALL_STATUSES if self.every_status else (self.status.value if self.status else "")
        out["sort"] = self.sort if self.sort != "new" else ""
        return {k: v for k, v in out.items() if v}


def filter_columns(pool: Pool) -> list[Column]:
    """The pool's closed-vocabulary columns a list filters by (type, level, maturity, …)."""
    return [c for c in columns_of(pool) if c.kind is Kind.ENUM and c.attr not in _NOT_FILTERS]


def sort_orders(pool: Pool) -> dict[str, str]:
    """Orders a list offers: newest, by name, and by each date the pool has (a need's 截止日期)."""
    orders = {"new": "最新发布", "name": "按名称"}
    orders |= {c.attr: f"按{c.header}" for c in columns_of(pool) if c.kind is Kind.DATE}
    return orders


def provinces() -> list[tuple[str, str]]:
    """(code, name) of every province-level region, for the region filter."""
    return [(r.code, r.name) for r in region_rows() if r.level == 1]


def _bad(name: str, message: str) -> AppError:
    return AppError(400, f"参数「{name}」：{message}", name)


def parse_list_query(pool: Pool, args: Mapping[str, str], staff: bool) -> ListQuery:
    """Read a list's query string; an unknown value is a 400 naming the parameter, in Chinese."""
    field = (args.get("field") or "").strip() or None
    if field is not None and field not in FIELD_NAMES:
        raise _bad("field", f"「{field[:20]}」不是平台的行业领域，可选：{'、'.join(FIELD_NAMES)}")
    region = (args.get("region") or "").strip() or None
    if region is not None:
        try:
            region = resolve_region(region)
        except ValueError as exc:
            raise _bad("region", str(exc)) from exc
    enums = []
    for column in filter_columns(pool):
        raw = (args.get(column.attr) or "").strip()
        if raw:
            assert column.enum is not None
            try:
                enums.append((column.attr, column.enum.parse(raw)))
            except ValueError as exc:
                raise _bad(column.attr, f"{column.header}{exc}") from exc
    raw_status = (args.get("status") or "").strip()
    status, every = None, False
    if raw_status:
        if not staff and raw_status != Status.PUBLISHED.value:
            raise _bad("status", "只有秘书处可以按状态筛选，其他用户只看到已发布的记录")
        if raw_status == ALL_STATUSES:
            every = True
        else:
            try:
                status = Status.parse(raw_status)
            except ValueError as exc:
                raise _bad("status", f"状态{exc}") from exc
    sort = (args.get("sort") or "").strip() or "new"
    orders = sort_orders(pool)
    if sort not in orders:
        raise _bad("sort", f"排序应为以下之一：{'、'.join(orders.values())}")
    return ListQuery(field, region, tuple(enums), status, every, sort)


def _prefix(code: str) -> str:
    """A region code's own digits: 440100 → 4401, 500000 → 50 (its sub-regions start with them)."""
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def filtered(model: type[PoolRecord], query: ListQuery, default_every_status: bool = False) -> Select[Any]:
    """SELECT of the records ``query`` keeps (who may see them is the caller's to add)."""
    stmt = select(model)
    if query.status is not None:
        stmt = stmt.where(model.status == query.status)
    elif not (query.every_status or default_every_status):
        stmt = stmt.where(model.status == Status.PUBLISHED)
    if query.field:
        stmt = stmt.where(model.field == query.field)
    if query.region:
        stmt = stmt.where(model.region_code.startswith(_prefix(query.region), autoescape=True))
    for attr, member in query.enums:
        stmt = stmt.where(getattr(model, attr) == member)
    return stmt


def order_by(model: type[PoolRecord], query: ListQuery) -> list[Any]:
    """The list's order, ties by id; dates soonest first with undated records last."""
    if query.sort == "new":
        return [model.id.desc()]
    if query.sort == "name":
        return [model.name, model.id]
    column = getattr(model, query.sort)
    return [column.is_(None), column, model.id]


def region_name(code: str | None) -> str:
    region = get_region(code)
    return region.full_name if region else ""


# The list cards' facts (``pool_list.html`` reads them through this module, with the filters).
__all__ = ["ALL_STATUSES", "STATUSES", "ListQuery", "card_facts", "filter_columns", "filtered", "order_by",
           "parse_list_query", "provinces", "region_name", "sort_orders"]
