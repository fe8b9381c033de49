"""Helpers that write spreadsheets the way users' files look."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], merge: str | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    if merge:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


ORG_HEADER = ["单位名称", "单位类型", "行业领域", "地区"]
EXPERT_HEADER = ["姓名", "所属单位", "职称", "研究方向", "地区", "外部编号"]
