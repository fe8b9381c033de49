"""Files users really send: wrong type, encoding, size, formulas, merged headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.sheets.tabular import TableError, read_table
from tests.data.sheets import EXPERT_HEADER, write_csv, write_xlsx

KNOWN = EXPERT_HEADER + ["学科"]


def test_xlsx_with_title_row_above_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "a.xlsx", [["联盟专家库（2026）"], EXPERT_HEADER, ["张三", "示例大学", "教授", "视觉", "广州", None]],
                      merge="A1:F1")
    table = read_table(path, KNOWN)
    assert table.rows == [(3, {"姓名": "张三", "所属单位": "示例大学", "职称": "教授", "研究方向": "视觉", "地区": "广州", "外部编号": None})]


def test_gbk_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "g.csv", [EXPERT_HEADER, ["张三", "示例大学", "教授", "机器视觉", "广州", "E1"]], encoding="gbk")
    table = read_table(path, KNOWN)
    assert table.rows[0][1]["研究方向"] == "机器视觉"


def test_required_marks_and_ignored_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "m.csv", [["序号", "姓名*", "所属单位（必填）"], [1, "张三", "示例大学"]])
    assert read_table(path, KNOWN).rows[0][1] == {"姓名": "张三", "所属单位": "示例大学"}


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .xls"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "不是 Excel"),
        ("姓名,所属单位\n张三,".encode("utf-16"), "不是 Excel"),
        (b"PK\x03\x04garbage", "已损坏"),
        (b"\xff\xfe\xfd\xfc\x80\x81" * 10, "编码"),
    ],
    ids=["empty", "xls", "png", "utf16", "broken-zip", "undecodable"],
)
def test_unreadable_files_get_a_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(TableError, match=message):
        read_table(path, KNOWN)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(TableError, match="不是 Excel"):
        read_table(path, KNOWN)


def test_header_missing_or_only_data(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", [["张三", "示例大学"]] * 12)
    with pytest.raises(TableError, match="没有找到表头"):
        read_table(path, KNOWN)
    path = write_csv(tmp_path / "e.csv", [EXPERT_HEADER])
    with pytest.raises(TableError, match="没有数据行"):
        read_table(path, KNOWN)


def test_merged_header_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [["姓名", "所属单位", "研究方向", None, "地区"], ["张三", "大学", "a", "b", "广州"]],
                      merge="C1:D1")
    with pytest.raises(TableError, match="D 列为空，可能是合并单元格"):
        read_table(path, KNOWN)


def test_unknown_and_duplicate_headers(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="无法识别的列：微信"):
        read_table(write_csv(tmp_path / "u.csv", [["姓名", "微信"], ["张三", "x"]]), KNOWN)
    with pytest.raises(TableError, match="出现了两次"):
        read_table(write_csv(tmp_path / "d.csv", [["姓名", "姓名"], ["张三", "x"]]), KNOWN)


def test_formulas_are_reported_per_cell(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [EXPERT_HEADER, ["张三", "示例大学", "教授", '=HYPERLINK("http://x","y")', "广州", None]])
    table = read_table(path, KNOWN)
    assert table.cell_errors == [(2, "研究方向", "含有公式，请复制后「选择性粘贴为数值」再导入")]


def test_fifty_megabytes_of_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    line = ("张三,示例大学,教授," + "机器视觉" * 20 + ",广州,\n").encode()
    with path.open("wb") as fh:
        fh.write(",".join(EXPERT_HEADER).encode() + b"\n")
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    with pytest.raises(TableError, match="文件太大.*上限 20 MB"):
        read_table(path, KNOWN)


def test_row_limit(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [EXPERT_HEADER] + [["张三", "大学", "教授", "a", "广州", i] for i in range(11)])
    with pytest.raises(TableError, match="超过上限 10 行"):
        read_table(path, KNOWN, max_rows=10)


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import data.sheets.tabular as tabular

    path = write_xlsx(tmp_path / "b.xlsx", [EXPERT_HEADER, ["张" * 1000] * 6] * 200)
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 100_000)
    with pytest.raises(TableError, match="解压后过大"):
        read_table(path, KNOWN)
