"""Reading and writing the spreadsheets alliance staff keep (.xlsx and .csv, Chinese headers).

File-level problems (not a spreadsheet, unknown encoding, empty, too large, merged or
missing headers) raise :class:`TableError` with a Chinese message; cell-level problems
(formulas, NUL characters) are reported per row so the importer can list them all.

Reading is bounded for both formats by one :class:`~data.sheets.xlsx_budget.Budget` (rows, columns,
cells, characters) and by ``MAX_TABLE_BYTES`` of values held: an .xlsx is checked member by
member before openpyxl opens it (``data.sheets.xlsx_budget``), then read in read-only mode over the
range its valued cells reach; a .csv is at most ``MAX_IMPORT_BYTES`` and counted as it is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from data.sheets.xlsx_budget import Budget, Extent, OverBudget, check_xlsx

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
# A real .xlsx of MAX_IMPORT_BYTES unpacks to 100–200 MB at most; more is a zip bomb.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# What the values of one table may take in memory, as Python counts them (sys.getsizeof): a full
# import of 50,000 rows × 40 short cells takes about 200 MB.
MAX_TABLE_BYTES = 400 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
IGNORED_HEADERS = frozenset({"序号", "备注"})
FORMULA_CELL = "含有公式，请复制后「选择性粘贴为数值」再导入"
NUL_CELL = "含有不允许的空字符（\\x00），请删除后再导入"

# (row number, values, {column index: problem}) as each format yields them.
Grid = Iterator[tuple[int, list[Any], dict[int, str]]]


class TableError(ValueError):
    """The file as a whole cannot be read; the message is for the user, in Chinese."""


@dataclass
class Table:
    """Rows keyed by header, each with the row number the user sees in their spreadsheet."""

    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)


def normalize_header(text: Any) -> str:
    """Strip spaces and the required-marks people add (``姓名*``, ``姓名（必填）``)."""
    text = "" if text is None else str(text)
    text = text.replace("\u3000", " ").strip()
    for mark in ("（必填）", "(必填)", "*", "＊"):
        text = text.replace(mark, "")
    return text.strip()


def read_table(
    path: Path,
    known_headers: Sequence[str],
    *,
    max_bytes: int = MAX_IMPORT_BYTES,
    max_rows: int = MAX_IMPORT_ROWS,
    budget: Budget | None = None,
) -> Table:
    """Read ``path`` (.xlsx or .csv, detected by content) into a :class:`Table`, within ``budget``
    (default: :class:`~data.sheets.xlsx_budget.Budget` with ``MAX_UNPACKED_BYTES``)."""
    budget = budget or Budget(unpacked_bytes=MAX_UNPACKED_BYTES)
    path = Path(path)
    if not path.is_file():
        raise TableError(f"找不到文件：{path}")
    size = path.stat().st_size
    if size == 0:
        raise TableError("文件是空的")
    if size > max_bytes:
        raise TableError(
            f"文件太大（{size / 1024 / 1024:.1f} MB），单次导入上限 {max_bytes // 1024 // 1024} MB，请拆分后导入"
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        grid = _xlsx_rows(path, budget)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("不支持旧版 .xls 或加密的 Excel 文件，请在 Excel 中「另存为」.xlsx 后导入")
    else:
        grid = _csv_rows(path.read_bytes())
    return _to_table(_within(grid, budget), known_headers, max_rows)


def _check_zip(path: Path, budget: Budget) -> Extent:
    """The archive's members, sizes and counts against ``budget`` before openpyxl opens it."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if "xl/workbook.xml" not in names:
            raise TableError("这不是 Excel 表格（.xlsx）文件")
        return check_xlsx(path, budget)
    except zipfile.BadZipFile as exc:
        raise TableError("文件已损坏，无法作为 Excel 打开") from exc
    except OverBudget as exc:
        raise TableError(str(exc)) from exc


def _xlsx_rows(path: Path, budget: Budget) -> Grid:
    """Yield (row number, values, problem cells) from the first sheet, over the range its valued
    cells reach (a ``<dimension>`` claiming more is not believed)."""
    extent = _check_zip(path, budget)
    if not extent.rows:
        return
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise TableError(f"无法读取 Excel 文件：{type(exc).__name__}") from exc
    try:
        sheet = workbook["数据"] if "数据" in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_row=extent.rows, min_col=1, max_col=extent.columns)
        for number, cells in enumerate(rows, start=1):
            values, problems = [], {}
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    problems[index] = FORMULA_CELL
                values.append(_normalize_cell(getattr(cell, "value", None)))
            yield number, values, problems
    except Exception as exc:  # a part expat read but openpyxl cannot make sense of
        raise TableError(f"无法读取 Excel 文件：{type(exc).__name__}") from exc
    finally:
        workbook.close()


def _within(grid: Grid, budget: Budget) -> Grid:
    """The rows of ``grid`` while they stay within ``budget`` and ``MAX_TABLE_BYTES``; trailing
    blank cells are dropped, NUL characters flagged (PostgreSQL cannot store them)."""
    cells = chars = held = 0
    for number, values, problems in grid:
        if number > budget.rows:
            raise TableError(f"表格超过 {budget.rows} 行，请拆分后导入")
        last = len(values)
        while last and values[last - 1] is None:
            last -= 1
        if last > budget.columns:
            raise TableError(f"第{number}行第{last}列有内容，超过列数上限 {budget.columns} 列")
        del values[last:]
        for index, value in enumerate(values):
            if value is None:
                continue
            cells += 1
            held += sys.getsizeof(value)
            if isinstance(value, str):
                chars += len(value)
                if "\x00" in value:
                    problems[index] = NUL_CELL
        if cells > budget.cells:
            raise TableError(f"表格的单元格超过上限 {budget.cells} 个，请拆分后导入")
        if chars > budget.chars:
            raise TableError(f"表格的文字超过上限 {budget.chars} 个字符，请拆分后导入")
        if held > MAX_TABLE_BYTES:
            raise TableError(f"表格内容超过 {MAX_TABLE_BYTES // 1024 // 1024} MB，请拆分后导入")
        yield number, values, problems


def _decode(raw: bytes) -> str:
    if b"\x00" in raw[:4096]:
        raise TableError("这不是 Excel（.xlsx）或 CSV 文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GBK 编码")


def _csv_rows(raw: bytes) -> Grid:
    text = _decode(raw)
    # Excel's quoting always; only the delimiter varies (comma, tab or semicolon exports).
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, values in enumerate(reader, start=1):
            yield number, [_normalize_cell(_unquote(v)) for v in values], {}
    except csv.Error as exc:
        raise TableError(f"CSV 格式错误：{exc}") from exc


def _normalize_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _to_table(grid: Grid, known: Sequence[str], max_rows: int) -> Table:
    known_set = set(known)
    headers: list[str] | None = None
    table = Table(headers=[], rows=[])
    for number, values, problems in grid:
        if headers is None:
            names = [normalize_header(v) for v in values]
            if any(n in known_set for n in names):
                headers = _check_headers(names, known_set, number)
                table.headers = [h for h in headers if h]
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if all(v is None for v in values):
            continue
        if len(table.rows) >= max_rows:
            raise TableError(f"数据行超过上限 {max_rows} 行，请拆分文件后分批导入")
        row = {h: (values[i] if i < len(values) else None) for i, h in enumerate(headers) if h}
        for index, problem in sorted(problems.items()):
            if index < len(headers) and headers[index]:
                table.cell_errors.append((number, headers[index], problem))
        table.rows.append((number, row))
    if headers is None:
        raise TableError(f"没有找到表头：前{HEADER_SEARCH_ROWS}行中应有一行列名，如 {'、'.join(list(known)[:3])}（可用 chanjiao template 生成模板）")
    if not table.rows:
        raise TableError("表格中没有数据行")
    return table


def _check_headers(names: list[str], known: set[str], number: int) -> list[str]:
    last = max(i for i, n in enumerate(names) if n)
    for i, name in enumerate(names[: last + 1]):
        if not name:
            raise TableError(
                f"第{number}行表头的 {get_column_letter(i + 1)} 列为空，可能是合并单元格：请每列填写一个列名"
            )
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise TableError(f"表头「{name}」出现了两次")
        seen.add(name)
    unknown = [n for n in names if n and n not in known and n not in IGNORED_HEADERS]
    if unknown:
        raise TableError(f"表头中有无法识别的列：{'、'.join(unknown)}；可用列名：{'、'.join(sorted(known))}")
    return [n if n in known else "" for n in names]


def write_table(path: Path, headers: Sequence[str], rows: Sequence[Sequence[Any]], notes: Sequence[Sequence[str]] = ()) -> None:
    """Write .xlsx or .csv (UTF-8 with BOM so Excel opens it) by the file's suffix."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(headers)
            writer.writerows([_csv_safe(v) for v in row] for row in rows)
        return
    if path.suffix.lower() != ".xlsx":
        raise TableError("只能导出为 .xlsx 或 .csv 文件")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    sheet.append(list(headers))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    if notes:
        info = workbook.create_sheet("填写说明")
        for line in notes:
            info.append(list(line))
    workbook.save(path)


_FORMULA_STARTS = ("=", "+", "-", "@")


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """Strings are always written as text, never as a formula (formula injection)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _csv_safe(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula; :func:`_unquote` undoes it."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and len(value) > 1:
        return "'" + value
    return value


def _unquote(value: str) -> str:
    if value.startswith("'") and value[1:2] in _FORMULA_STARTS and len(value) > 2:
        return value[1:]
    return value
