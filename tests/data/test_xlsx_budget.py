"""Zip-bomb and oversized .xlsx files: each is refused with a Chinese message before openpyxl
reads it, with little memory, and nothing is written; a claimed dimension is not believed.

Each bomb is tiny zipped and huge unzipped. Instead of timing, the tests check that openpyxl
never opened the file (the budget stopped it first), that memory stayed bounded (tracemalloc,
which sees expat's and zlib's buffers too), and, for files that are read, how many cells were.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import data.sheets.tabular as tabular
from data.models import Expert
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.importer import import_file
from data.sheets.tabular import HEADER_SEARCH_ROWS, MAX_IMPORT_ROWS, TableError, read_table
from data.sheets.xlsx_budget import Budget
from tests.data.sheets import EXPERT_HEADER

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED = ('<Override PartName="/xl/sharedStrings.xml" '
          'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
MEMORY_CAP = 64 * 1024 * 1024  # what reading any of these may allocate at its peak
MB = 1024 * 1024


def _base() -> bytes:
    """A real workbook (header and one expert) whose members the bombs replace."""
    book = Workbook()
    book.active.title = "数据"
    book.active.append(EXPERT_HEADER)
    book.active.append(["张三", "示例理工大学", "教授", "机器视觉", "广州", "x1"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb(path: Path, parts: dict[str, Callable[[], Iterable[bytes]]]) -> Path:
    """The base workbook with ``parts`` (member name → chunks) written in, streamed and deflated."""
    with zipfile.ZipFile(io.BytesIO(_base())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in src.infolist():
            if info.filename in parts:
                continue
            content = src.read(info.filename)
            if info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in parts:
                content = content.replace(b"</Types>", SHARED.encode() + b"</Types>")
            out.writestr(info.filename, content)
        for name, chunks in parts.items():
            with out.open(name, "w", force_zip64=True) as member:
                for chunk in chunks():
                    member.write(chunk)
    assert path.stat().st_size < tabular.MAX_IMPORT_BYTES  # passes the upload's size check
    return path


def sheet(rows: Callable[[], Iterator[str]], dimension: str = "A1:F2") -> Callable[[], Iterator[bytes]]:
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(EXPERT_HEADER))

    def chunks() -> Iterator[bytes]:
        yield (f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
               f'<row r="1">{header}</row>').encode()
        batch: list[str] = []
        for row in rows():
            batch.append(row)
            if len(batch) >= 10_000:
                yield "".join(batch).encode()
                batch = []
        yield ("".join(batch) + "</sheetData></worksheet>").encode()
    return chunks


def repeated(head: str, unit: bytes, total: int, tail: str) -> Callable[[], Iterator[bytes]]:
    """``head``, then ``unit`` repeated to ``total`` bytes, then ``tail``."""
    def chunks() -> Iterator[bytes]:
        yield head.encode()
        block = unit * (MB // len(unit))
        for _ in range(total // len(block)):
            yield block
        yield tail.encode()
    return chunks


BOMBS: dict[str, tuple[dict[str, Callable[[], Iterable[bytes]]], str]] = {
    "a million empty rows under a dimension of 1,048,576 rows": (
        {"xl/worksheets/sheet1.xml": sheet(lambda: (f'<row r="{n}"/>' for n in range(3, 1_048_577)),
                                           "A1:XFD1048576")}, "行数超过上限"),
    "one value in the sheet's last cell XFD1048576": (
        {"xl/worksheets/sheet1.xml": sheet(lambda: iter(['<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']),
                                           "A1:XFD1048576")}, "超过行数上限"),
    "a value in column XFD": (
        {"xl/worksheets/sheet1.xml": sheet(lambda: iter(['<row r="2"><c r="XFD2"><v>1</v></c></row>']))}, "超过列数上限"),
    "one row of a million and a half empty cells": (
        {"xl/worksheets/sheet1.xml": sheet(lambda: iter(['<row r="2">' + "<c/>" * 1_500_000 + "</row>"]))}, "第2行的单元格超过上限"),
    "four million empty cells over 4,000 rows": (
        {"xl/worksheets/sheet1.xml": sheet(lambda: (f'<row r="{n}">' + "<c/>" * 1000 + "</row>" for n in range(2, 4002)))},
        "单元格超过上限"),
    "1 GB of shared strings of one repeated character": (
        {"xl/sharedStrings.xml": repeated(f'<sst xmlns="{MAIN}"><si><t>', b"a", 1024 * MB, "</t></si></sst>")}, "解压后过大"),
    "150 MB of one shared string (under the unpacked cap)": (
        {"xl/sharedStrings.xml": repeated(f'<sst xmlns="{MAIN}"><si><t>', b"a", 150 * MB, "</t></si></sst>")}, "文字超过上限"),
    "100 MB of styles": (
        {"xl/styles.xml": repeated(f'<styleSheet xmlns="{MAIN}">', b" ", 100 * MB, "</styleSheet>")}, "过大的部件"),
    "entities that expand (billion laughs)": (
        {"xl/sharedStrings.xml": lambda: [(
            '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">'
            + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
            + f']><sst xmlns="{MAIN}"><si><t>&i;</t></si></sst>').encode()]}, "DOCTYPE"),
}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {name: bomb(folder / f"{i}.xlsx", parts) for i, (name, (parts, _)) in enumerate(BOMBS.items())}


@pytest.fixture
def openpyxl_calls(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file openpyxl is asked to open."""
    calls: list[Path] = []
    real = tabular.load_workbook

    def spy(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(tabular, "load_workbook", spy)
    return calls


@pytest.mark.parametrize("name", list(BOMBS))
def test_each_bomb_is_refused_before_openpyxl_with_bounded_memory(name: str, bombs: dict[str, Path],
                                                                 openpyxl_calls: list[Path]) -> None:
    path = bombs[name]
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(TableError) as refused:
            read_table(path, EXPERT_HEADER)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"{name}: {path.stat().st_size / MB:.1f} MB zipped, refused in {time.perf_counter() - started:.2f} s, "
          f"peak {peak / MB:.1f} MB: {refused.value}")
    assert BOMBS[name][1] in str(refused.value)
    assert openpyxl_calls == []  # the budget stopped it before openpyxl opened anything
    assert peak < MEMORY_CAP


def test_a_claimed_dimension_is_not_believed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet claiming A1:XFD1048576 with two real rows is read as two rows of six cells:
    read-only openpyxl would otherwise pad each row to 16,384 cells."""
    path = bomb(tmp_path / "claim.xlsx", {"xl/worksheets/sheet1.xml": sheet(
        lambda: iter(['<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>'
                      '<c r="B2" t="inlineStr"><is><t>示例理工大学</t></is></c></row>']), "A1:XFD1048576")})
    seen: list[object] = []
    real = tabular._normalize_cell
    monkeypatch.setattr(tabular, "_normalize_cell", lambda value: seen.append(value) or real(value))
    table = read_table(path, EXPERT_HEADER)
    assert table.rows == [(2, {"姓名": "张三", "所属单位": "示例理工大学", "职称": None, "研究方向": None, "地区": None,
                               "外部编号": None})]
    assert len(seen) == 2 * len(EXPERT_HEADER)


def test_shared_strings_referenced_many_times_count_each_time(tmp_path: Path) -> None:
    """One long shared string in every cell: small on disk and in the string table, but every
    cell holds it; the characters read are counted per cell."""
    path = bomb(tmp_path / "refs.xlsx", {
        "xl/sharedStrings.xml": lambda: [f'<sst xmlns="{MAIN}"><si><t> {"长" * 30_000} </t></si></sst>'.encode()],
        "xl/worksheets/sheet1.xml": sheet(lambda: (f'<row r="{n}">' + "".join(
            f'<c r="{chr(65 + i)}{n}" t="s"><v>0</v></c>' for i in range(6)) + "</row>" for n in range(2, 200)))})
    with pytest.raises(TableError, match="文字超过上限 100000 个字符"):
        read_table(path, EXPERT_HEADER, budget=Budget(chars=100_000))


def test_nul_in_a_csv_cell_is_a_cell_error(tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(("姓名,所属单位\n" + "张三,大学\n" * 500 + "李\x00四,大学\n").encode())
    table = read_table(path, EXPERT_HEADER)
    assert table.cell_errors == [(502, "姓名", tabular.NUL_CELL)]


def test_the_default_budget_admits_a_full_import() -> None:
    """The limits refuse bombs, not the largest import the product accepts."""
    budget = Budget()
    widest = max(len(columns_of(pool)) for pool in Pool)
    assert budget.rows >= MAX_IMPORT_ROWS + HEADER_SEARCH_ROWS and budget.columns >= widest
    assert budget.cells >= MAX_IMPORT_ROWS * widest and budget.chars >= MAX_IMPORT_ROWS * 200
    assert budget.unpacked_bytes >= 5 * tabular.MAX_IMPORT_BYTES


def test_a_refused_bomb_writes_nothing(db: Session, bombs: dict[str, Path], make_org) -> None:  # type: ignore[no-untyped-def]
    make_org("示例理工大学")
    before = db.scalar(select(func.count()).select_from(Expert))
    for name in ("one row of a million and a half empty cells", "1 GB of shared strings of one repeated character"):
        with pytest.raises(TableError):
            import_file(db, Pool.EXPERT, bombs[name])
    assert db.scalar(select(func.count()).select_from(Expert)) == before
