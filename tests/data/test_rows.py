from __future__ import annotations

import datetime as dt

from data.enums import EducationLevel, JobKind
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.exporter import format_value
from data.sheets.rows import validate_row

GOOD_TALENT = {"姓名": "王小明", "就读院校": "示例职业技术学院", "专业": "工业机器人技术", "学历层次": "高职"}


def test_valid_row_is_typed() -> None:
    values, errors = validate_row(Pool.TALENT, {
        **GOOD_TALENT, "毕业年份": 2027.0, "技能": "PLC编程、CAD制图，PLC编程", "期望城市": "广州",
        "可实习开始": "2026/7/1", "可实习结束": dt.datetime(2026, 12, 31),
    })
    assert errors == []
    assert values["level"] is EducationLevel.HIGHER_VOCATIONAL
    assert values["graduation_year"] == 2027
    assert values["skills"] == ["PLC编程", "CAD制图"]
    assert values["expected_city_code"] == "440100"
    assert values["available_from"] == dt.date(2026, 7, 1)
    assert values["available_to"] == dt.date(2026, 12, 31)
    assert values["certificates"] == []


def test_every_problem_is_named_by_column_in_chinese() -> None:
    _, errors = validate_row(Pool.INTERNSHIP, {"岗位名称": "实习生", "岗位类型": "临时工", "招收人数": "五",
                                               "开始日期": "下周", "工作地点": "火星"})
    by_column = dict(errors)
    assert by_column["招聘单位"] == "必填，不能为空"
    assert by_column["岗位描述"] == "必填，不能为空"
    assert "实习、全职、兼职" in by_column["岗位类型"]
    assert by_column["招收人数"] == "「五」应为整数"
    assert "不是日期" in by_column["开始日期"]
    assert "未知地区" in by_column["工作地点"]


def test_ranges_and_lengths() -> None:
    _, errors = validate_row(Pool.ACHIEVEMENT, {"成果名称": "x" * 201, "所属单位": "u", "成果类型": "发明专利",
                                                "成果简介": "y", "技术就绪度": 12})
    assert ("成果名称", "不能超过 200 个字") in errors
    assert ("技术就绪度", "不能大于 9") in errors


def test_blank_cells_count_as_missing() -> None:
    _, errors = validate_row(Pool.TALENT, {**GOOD_TALENT, "姓名": "   "})
    assert errors == [("姓名", "必填，不能为空")]


def test_end_before_start_is_an_error_of_the_end_column() -> None:
    _, errors = validate_row(Pool.TALENT, {**GOOD_TALENT, "可实习开始": "2026-09-01", "可实习结束": "2026-07-01"})
    assert errors == [("可实习结束", "不能早于「可实习开始」")]


def test_an_apprenticeship_post_is_read_and_written_as_学徒岗位() -> None:
    row = {"岗位名称": "数控学徒", "招聘单位": "示例装备有限公司", "岗位描述": "现代学徒制：跟师傅学数控加工", "招收人数": "2",
           "工作地点": "广州"}
    for typed in ("学徒岗位", "apprenticeship"):
        values, errors = validate_row(Pool.INTERNSHIP, {**row, "岗位类型": typed})
        assert errors == [] and values["job_kind"] is JobKind.APPRENTICESHIP
    column = next(c for c in columns_of(Pool.INTERNSHIP) if c.attr == "job_kind")
    assert format_value(column, JobKind.APPRENTICESHIP) == "学徒岗位"
