"""A record as people read it: every filled field of its pool's column spec, labelled, in order.

Detail pages and cards (lists, recommendations) both come from here, so a column added to
``data.sheets.columns`` shows up everywhere at once and no page keeps a list of its own that can drift.
Contact columns (``Column.private``) never appear: they are shown only through the consent flow
(``data.workflows.contacts``); bookkeeping columns (``Column.internal``) only to staff.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from data.enums import LabeledEnum, Visibility
from data.models import PoolRecord
from data.pools import Pool
from data.reference.regions import get_region
from data.sheets.columns import Column, Kind, columns_of

# Columns a page shows in its own place: the title and the long text below the facts.
_OWN_PLACE = ("name", "description")
_UNIT = re.compile(r"^(.+?)[（(]([^（）()]+)[）)]$")
CARD_ITEMS = 6  # list items a card shows before 「等 N 项」


@dataclass(frozen=True)
class Fact:
    """One filled field: its label, its value as text (a list also item by item), and where it
    links to (an owner organization)."""

    attr: str
    label: str
    text: str
    kind: Kind
    items: tuple[str, ...] = ()
    link: tuple[Pool, int] | None = None

    def short(self, limit: int = CARD_ITEMS) -> str:
        """The value for a card: a long list cut to its first items."""
        if len(self.items) <= limit:
            return self.text
        return f"{'、'.join(self.items[:limit])} 等 {len(self.items)} 项"


def label_and_unit(column: Column) -> tuple[str, str]:
    """「实习补贴（元/月）」 → (实习补贴, 元/月); a header without one uses ``Column.unit``."""
    found = _UNIT.match(column.header)
    return (found.group(1), found.group(2)) if found else (column.header, column.unit)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _text(column: Column, value: Any) -> str:
    if column.kind is Kind.ENUM and isinstance(value, LabeledEnum):
        return value.label
    if column.kind is Kind.REGION:
        region = get_region(value)
        return region.full_name if region else str(value)
    if column.kind is Kind.BOOL:
        return "是" if value else "否"
    if column.kind is Kind.DATE and isinstance(value, dt.date):
        return value.isoformat()
    if column.kind in (Kind.INT, Kind.FLOAT) and isinstance(value, (int, float)):
        return _number(value)
    return str(value)


def _filled(value: Any) -> bool:
    return value is not None and value != "" and value != []


def facts(pool: Pool, record: PoolRecord, *, staff: bool = False) -> list[Fact]:
    """Every filled field of ``record`` in its pool's column order, except the title and the
    description (pages put those in their own place), contact columns, and — unless ``staff`` —
    bookkeeping columns."""
    found: list[Fact] = []
    for column in columns_of(pool):
        if column.attr in _OWN_PLACE or column.private or (column.internal and not staff):
            continue
        if column.kind is Kind.ORG:
            org = getattr(record, "owner_org", None)
            if org is not None:
                found.append(Fact(column.attr, column.header, org.name, column.kind, link=(Pool.ORGANIZATION, org.id)))
            continue
        value = getattr(record, column.attr, None)
        if not _filled(value):
            continue
        label, unit = label_and_unit(column)
        if column.kind is Kind.LIST:
            items = tuple(str(v) for v in value or ())
            found.append(Fact(column.attr, label, "、".join(items), column.kind, items=items))
        else:
            text = _text(column, value)
            found.append(Fact(column.attr, label, f"{text} {unit}" if unit else text, column.kind))
    return found


def card_facts(pool: Pool, record: PoolRecord) -> list[Fact]:
    """The facts a card shows: single values first (type, pay, seats, dates, city…), then lists;
    the owner organization is the card's own line, and the everyday defaults (公开, a 否) are left out."""
    shown = [f for f in facts(pool, record) if f.kind is not Kind.ORG and not _default(f)]
    return [f for f in shown if f.kind is not Kind.LIST] + [f for f in shown if f.kind is Kind.LIST]


def _default(fact: Fact) -> bool:
    return (fact.attr == "visibility" and fact.text == Visibility.PUBLIC.label) or (fact.kind is Kind.BOOL and fact.text == "否")
