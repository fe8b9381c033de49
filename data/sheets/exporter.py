"""Export a pool to .xlsx/.csv, and write empty import templates — the inverse of the importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import AuditAction, LabeledEnum
from data.models import MODELS, OwnedRecord, PoolRecord, User
from data.pools import Pool
from data.reference.regions import get_region
from data.sheets.columns import EXAMPLE_MARK, Column, Kind, columns_of
from data.sheets.tabular import write_table
from data.workflows.audit import audit


def format_cell(column: Column, record: PoolRecord) -> Any:
    """The cell value an importer reads back into the same attribute value."""
    if column.kind is Kind.ORG and isinstance(record, OwnedRecord):
        return record.owner_org.name
    return format_value(column, getattr(record, column.attr))


def format_value(column: Column, value: Any) -> Any:
    """The cell for an attribute value of ``column`` (not the organization column: that is a name)."""
    if value is None:
        return None
    if column.kind is Kind.ENUM and isinstance(value, LabeledEnum):
        return value.label
    if column.kind is Kind.LIST:
        return "、".join(value) or None
    if column.kind is Kind.REGION:
        region = get_region(value)
        return region.full_name if region else value
    if column.kind is Kind.BOOL:
        return "是" if value else "否"
    if column.kind is Kind.DATE and isinstance(value, dt.date):
        return value
    return value


def export_pool(session: Session, pool: Pool, path: Path, ids: list[int] | None = None,
                actor: User | None = None) -> int:
    """Write every record of ``pool`` (or those with ``ids``) to ``path``; return the row count.

    The export is written to the audit log under ``actor`` (None: the CLI) in the caller's transaction.
    """
    model = MODELS[pool]
    query = select(model).order_by(model.id)
    if ids is not None:
        query = query.where(model.id.in_(ids))
    columns = columns_of(pool)
    rows = [[format_cell(c, r) for c in columns] for r in session.scalars(query)]
    write_table(Path(path), [c.header for c in columns], rows)
    audit(session, actor, AuditAction.EXPORT, pool.value, None, f"导出{pool.label} {len(rows)} 条",
          after={"条数": len(rows), "筛选": "按列表筛选" if ids is not None else "全部"})
    return len(rows)


def write_template(pool: Pool, path: Path) -> None:
    """An empty import sheet: the header row, one example row, and a sheet explaining each column."""
    columns = columns_of(pool)
    notes = [("列名", "是否必填", "填写说明")]
    for c in columns:
        allowed = "、".join(c.enum.labels()) if c.enum else c.hint
        notes.append((c.header, "必填" if c.required else "选填", allowed))
    notes.append(("", "", f"示例行的「外部编号」为「{EXAMPLE_MARK}」，导入时会被跳过；可直接在其下方填写"))
    write_table(Path(path), [c.header for c in columns], [[c.example or None for c in columns]], notes=notes)
