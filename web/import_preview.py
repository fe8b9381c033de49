"""What the import page shows of an uploaded sheet before it is imported: the first rows and every
row with an error (highlighted, with its messages), long cells shortened, and — when the sheet's
columns are another pool's — which pool it looks like."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.pools import Pool
from data.sheets.columns import columns_of, header_map
from data.sheets.importer import ImportReport
from data.sheets.tabular import Table, TableError, read_table

PREVIEW_ROWS = 20  # rows shown from the top of the sheet
PREVIEW_BAD_ROWS = 100  # rows with errors shown beyond those
CELL_CHARS = 120  # characters of a cell the table shows; the rest is counted, not printed
MAX_NAME = 100


@dataclass
class Cell:
    text: str
    length: int  # characters of the whole value
    problem: str = ""  # the error in this cell, if any

    @property
    def long(self) -> bool:
        return self.length > CELL_CHARS


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it
    cells: list[Cell]
    problems: list[str] = field(default_factory=list)  # every error of the row: 「column」message
    gap_before: bool = False  # rows were left out above this one


@dataclass
class Preview:
    pool: Pool
    filename: str
    headers: list[str]
    rows: list[Row]
    total: int
    report: ImportReport
    upload_id: str
    suffix: str

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.report.errors})

    @property
    def shown_bad_rows(self) -> int:
        return sum(1 for r in self.rows if r.problems)

    @property
    def long_cells(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.long)


def display_name(filename: str | None) -> str:
    """The uploaded file's own name (no folders), as the page and the records' source show it."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    return name[:MAX_NAME] or "上传的文件"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _cell(value: Any, problem: str) -> Cell:
    text = _text(value)
    return Cell(text[:CELL_CHARS], len(text), problem)


def build_preview(pool: Pool, table: Table, report: ImportReport, upload_id: str, suffix: str,
                  filename: str) -> Preview:
    """The first ``PREVIEW_ROWS`` rows and up to ``PREVIEW_BAD_ROWS`` more rows with errors."""
    problems: dict[int, list[str]] = {}
    cell_problems: dict[tuple[int, str], str] = {}
    for error in report.errors:
        problems.setdefault(error.row, []).append(f"「{error.column}」{error.message}" if error.column else error.message)
        if error.column:
            cell_problems.setdefault((error.row, error.column), error.message)
    shown, bad, previous = [], 0, None
    for index, (number, raw) in enumerate(table.rows):
        wanted = index < PREVIEW_ROWS or (number in problems and bad < PREVIEW_BAD_ROWS)
        if not wanted:
            continue
        if index >= PREVIEW_ROWS:
            bad += 1
        cells = [_cell(raw.get(h), cell_problems.get((number, h), "")) for h in table.headers]
        shown.append(Row(number, cells, problems.get(number, []), previous is not None and index != previous + 1))
        previous = index
    return Preview(pool, filename, table.headers, shown, len(table.rows), report, upload_id, suffix)


def looks_like(path: Path, chosen: Pool) -> Pool | None:
    """Another pool whose columns the sheet has (all its headers known there, its required ones
    present) when it does not fit ``chosen``; None when no other pool fits better."""
    every = list(dict.fromkeys(h for p in Pool for h in header_map(p)))
    try:
        headers = set(read_table(path, every).headers) - {""}
    except TableError:
        return None
    for pool in Pool:
        known = set(header_map(pool))
        required = {c.header for c in columns_of(pool) if c.required}
        if pool is not chosen and headers <= known and required <= headers:
            return pool
    return None
