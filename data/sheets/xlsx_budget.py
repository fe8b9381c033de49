"""An .xlsx archive checked against a budget before openpyxl reads any of it.

A zip bomb passes the upload's size check: a few hundred kilobytes unpack to gigabytes of
``sharedStrings.xml`` (which openpyxl loads whole, even in read-only mode), to a sheet of a
million rows of empty cells (which it walks one by one), to one row of a million cells (which it
builds in full before yielding), or to a ``<dimension>`` claiming ``A1:XFD1048576`` (which
read-only mode pads every row to). So before openpyxl opens the file:

1. the declared unpacked size of every member is checked (Python's zipfile stops a member that
   unpacks to more than it declares, so the declaration is a real bound);
2. every member is streamed through expat, counting rows, cells and characters, and refused as
   soon as one count passes the budget. Only the counts are kept, never the text.

The result says how far the cells holding a value reach, so the reader asks openpyxl for that
range only (a claimed dimension is ignored).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _STRING = (f"{MAIN_NS} {tag}" for tag in ("row", "c", "si"))
_LARGE_ROOTS = frozenset({f"{MAIN_NS} worksheet", f"{MAIN_NS} sst"})
_VALUES = frozenset(f"{MAIN_NS} {tag}" for tag in ("v", "is", "f"))  # what makes a cell hold a value
# What every start tag of a <row> or <c> element contains, with or without a prefix: counting
# these never finds fewer than there are elements (short of one split between two chunks) and
# only a few more (<col>, <color>, a chart's <c:…>), at the speed of bytes.count.
_ROW_STARTS = (b"<row", b":row")
_CELL_STARTS = (b"<c", b":c ", b":c>", b":c/", b":c\t", b":c\n", b":c\r")
_LETTERS = re.compile(r"[A-Za-z]{1,3}")
_DIGITS = "0123456789"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Budget:
    """What one workbook may hold. A full import (50,000 rows × 40 columns of short text) fits."""

    unpacked_bytes: int = 200 * 1024 * 1024  # all members together, as unpacked
    members: int = 1_000  # a workbook has a dozen; each costs a parser
    part_bytes: int = 32 * 1024 * 1024  # a member that is neither a worksheet nor the shared strings
    rows: int = 100_000  # <row> elements, and the row number of any cell holding a value
    columns: int = 200  # the column of any cell holding a value
    row_cells: int = 1_000  # <c> elements in one row (openpyxl builds a row whole)
    cells: int = 2_000_000  # <c> elements and shared strings in the workbook
    chars: int = 20_000_000  # characters of cell values and shared strings


@dataclass
class Extent:
    """How far the cells holding a value reach (0 × 0: none do)."""

    rows: int = 0
    columns: int = 0


class OverBudget(ValueError):
    """The workbook exceeds the budget; the message is for the user, in Chinese."""


def check_xlsx(path: Path, budget: Budget = Budget()) -> Extent:
    """Refuse ``path`` if it exceeds ``budget`` anywhere; else the extent of its valued cells.

    Raises:
        OverBudget: too large (unpacked, or in rows, columns, cells or characters).
        zipfile.BadZipFile: not a readable archive.
    """
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if sum(info.file_size for info in members) > budget.unpacked_bytes or len(members) > budget.members:
            raise OverBudget("Excel 文件解压后过大，疑似异常文件，已拒绝导入")
        counter = _Counter(budget)
        files = [info for info in members if not info.is_dir()]
        try:
            for scan in (counter.quick, counter.scan):  # all of the cheap pass first
                for info in files:
                    scan(archive, info)
        except (RuntimeError, NotImplementedError, EOFError, zlib.error) as exc:  # encrypted, odd method, cut off
            raise zipfile.BadZipFile(str(exc)) from exc
        return counter.extent


class _Counter:
    """Counts what openpyxl would build, across every member of the archive.

    A cheap pass over every member first counts <row> and <c> start tags with a regular
    expression (an upper bound on the elements, at C speed: a bomb of empty cells is refused
    before any Python code runs per cell); then expat parses each member for the exact counts
    per row, the extent of valued cells and the text.
    Expat calls back on element starts and text only: no end handler, so a plain cell costs
    three calls (``<c>``, ``<v>``, its text)."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.extent = Extent()
        self.quick_rows = self.quick_cells = 0
        self.rows = self.cells = self.chars = 0
        self.row = self.row_cells = self.column = 0

    def scan(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """The exact pass over one member."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True  # one call per text run, not per line
        parser.StartDoctypeDeclHandler = self._doctype  # no entities: nothing can expand
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.CharacterDataHandler = self._text
        self.row = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError:
            # Not XML (an image, a printer setting): openpyxl either never parses it or fails on
            # it just where expat did, and everything before that point has been counted.
            pass

    def quick(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        """The cheap pass over one member: a large one must be a worksheet or the shared strings
        (its root element says which); <row> and <c> elements are counted by their start tags."""
        if info.file_size > self.budget.part_bytes and _root(archive, info) not in _LARGE_ROOTS:
            raise OverBudget("Excel 文件中有过大的部件，疑似异常文件，已拒绝导入")
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                self.quick_rows += sum(map(chunk.count, _ROW_STARTS))
                self.quick_cells += sum(map(chunk.count, _CELL_STARTS))
                self._check_counts(self.quick_rows, self.quick_cells)

    def _check_counts(self, rows: int, cells: int) -> None:
        if rows > self.budget.rows:
            raise OverBudget(f"Excel 文件的行数超过上限 {self.budget.rows} 行，请拆分后导入")
        if cells > self.budget.cells:
            raise OverBudget(f"Excel 文件的单元格超过上限 {self.budget.cells} 个，请拆分后导入")

    def _doctype(self, *_args: object) -> None:
        raise OverBudget("Excel 文件含有不允许的 XML 声明（DOCTYPE/ENTITY），已拒绝导入")

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _CELL:
            self.cells += 1
            self.row_cells += 1
            if self.row_cells > self.budget.row_cells:
                raise OverBudget(f"Excel 文件第{self.row}行的单元格超过上限 {self.budget.row_cells} 个，疑似异常文件")
            ref = attrs.get("r")
            self.column = _column_number(ref.rstrip(_DIGITS)) if ref else self.column + 1
        elif name in _VALUES:
            if self.row > self.extent.rows or self.column > self.extent.columns:
                self._reach(self.row, self.column)
        elif name == _ROW:
            self.rows += 1
            number = attrs.get("r", "")
            self.row = int(number) if number.isascii() and number.isdigit() else self.row + 1
            self.row_cells = self.column = 0
            self._check_counts(self.rows, self.cells)
        elif name == _STRING:
            self.cells += 1
            self._check_counts(self.rows, self.cells)

    def _text(self, data: str) -> None:
        # Whitespace between elements (an indented file) is not text a cell holds.
        if not data.isspace():
            self.chars += len(data)
            if self.chars > self.budget.chars:
                raise OverBudget(f"Excel 文件的文字超过上限 {self.budget.chars} 个字符，请拆分后导入")

    def _reach(self, row: int, column: int) -> None:
        """A cell holding a value at (row, column): within the budget, and part of the extent."""
        if row > self.budget.rows:
            raise OverBudget(f"Excel 文件第{row}行有内容，超过行数上限 {self.budget.rows} 行，请拆分后导入")
        if column > self.budget.columns:
            raise OverBudget(f"Excel 文件第{row}行第{column}列有内容，超过列数上限 {self.budget.columns} 列")
        if row > self.extent.rows:
            self.extent.rows = row
        if column > self.extent.columns:
            self.extent.columns = column


class _Found(Exception):
    pass


def _root(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    """The root element of a member (namespace and name), from its first 64 KB; None if not XML."""
    parser = expat.ParserCreate(namespace_separator=" ")
    found: list[str] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        found.append(name)
        raise _Found

    parser.StartElementHandler = start
    with archive.open(info) as member:
        try:
            parser.Parse(member.read(64 * 1024), False)
        except (_Found, expat.ExpatError):
            pass
    return found[0] if found else None


@lru_cache(maxsize=4096)
def _column_number(letters: str) -> int:
    """``A`` → 1, ``XFD`` → 16384; anything that is not one to three letters counts as past
    the last column (openpyxl refuses such a reference anyway)."""
    if not _LETTERS.fullmatch(letters):
        return 1 << 20
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number
