"""Import: a good file, a file with errors, GBK CSV, re-import, dry run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.enums import OrgKind, ProfTitle, Status
from data.models import Expert, Organization
from data.pools import Pool
from data.sheets.columns import EXAMPLE_MARK
from data.sheets.exporter import write_template
from data.sheets.importer import import_file
from tests.data.sheets import EXPERT_HEADER, ORG_HEADER, write_csv, write_xlsx


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model))


def test_good_file_imports_every_row(db: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "orgs.xlsx", [ORG_HEADER, ["示例理工大学", "院校", "智能制造", "广东省广州市"],
                                                ["示例智能装备有限公司", "企业", "智能制造", "佛山"]])
    report = import_file(db, Pool.ORGANIZATION, path)
    assert report.ok and (report.created, report.updated) == (2, 0)
    org = db.scalars(select(Organization).where(Organization.name == "示例智能装备有限公司")).one()
    assert org.kind is OrgKind.ENTERPRISE and org.region_code == "440600"
    assert org.source == "import:orgs.xlsx"


def test_file_with_errors_writes_nothing_and_lists_every_error(
    db: Session, tmp_path: Path, make_org: Callable[..., Organization]
) -> None:
    make_org("示例理工大学")
    path = write_xlsx(tmp_path / "experts.xlsx", [
        EXPERT_HEADER,
        ["张三", "示例理工大学", "教授", "机器视觉", "广州", None],
        ["李四", "不存在大学", "教授", "数字孪生", "广州", None],
        ["王五", "示例理工大学", "大教授", None, "火星", None],
        ["张三", "示例理工大学", "副教授", "PLC", "广州", None],
    ])
    report = import_file(db, Pool.EXPERT, path)
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "第3行 「所属单位」: 单位「不存在大学」不存在，请先在组织库中导入该单位",
        "第4行 「职称」: 应为以下之一：" + "、".join(ProfTitle.labels()),
        "第4行 「研究方向」: 必填，不能为空",
        "第4行 「地区」: 未知地区「火星」，请填写省/市/区县名称，如 广东省广州市",
        "第5行: 与第2行是同一条记录（外部编号相同，或名称与单位都相同）",
    ]
    assert _count(db, Expert) == 0


def test_missing_required_column(db: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [["姓名", "职称"], ["张三", "教授"]])
    report = import_file(db, Pool.EXPERT, path)
    assert [str(e) for e in report.errors] == ["第1行: 缺少必填列：所属单位、研究方向"]


def test_gbk_csv_and_reimport_updates_without_duplicates(
    db: Session, tmp_path: Path, make_org: Callable[..., Organization]
) -> None:
    make_org("示例理工大学")
    rows = [EXPERT_HEADER, ["张三", "示例理工大学", "教授", "机器视觉、缺陷检测", "广州", None],
            ["李 四", "示例理工大学", "讲师", "数字孪生", "重庆", "T-9"]]
    first = import_file(db, Pool.EXPERT, write_csv(tmp_path / "a.csv", rows, encoding="gbk"))
    assert first.ok and first.created == 2
    rows[1][3] = "机器视觉、缺陷检测、工业互联网"
    rows[2][0] = "李四"  # same 外部编号, corrected name
    second = import_file(db, Pool.EXPERT, write_csv(tmp_path / "b.csv", rows, encoding="gbk"))
    assert (second.created, second.updated, second.unchanged) == (0, 2, 0)
    assert _count(db, Expert) == 2
    zhang = db.scalars(select(Expert).where(Expert.name == "张三")).one()
    assert zhang.research_areas == ["机器视觉", "缺陷检测", "工业互联网"]
    third = import_file(db, Pool.EXPERT, write_csv(tmp_path / "b.csv", rows, encoding="gbk"))
    assert (third.created, third.updated, third.unchanged) == (0, 0, 2)


def test_dry_run_writes_nothing(db: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", [ORG_HEADER, ["示例理工大学", "院校", "智能制造", "广州"]])
    report = import_file(db, Pool.ORGANIZATION, path, dry_run=True)
    assert report.ok and report.created == 1
    assert _count(db, Organization) == 0


def test_template_imports_as_is_skipping_the_example(db: Session, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write_template(Pool.ORGANIZATION, path)
    report = import_file(db, Pool.ORGANIZATION, path)
    assert report.skipped == 1 and report.created == 0
    assert EXAMPLE_MARK


def test_pending_status_for_review(db: Session, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "o.csv", [ORG_HEADER, ["示例理工大学", "院校", "智能制造", "广州"]])
    import_file(db, Pool.ORGANIZATION, path, status=Status.PENDING)
    assert db.scalars(select(Organization)).one().status is Status.PENDING


def test_formula_cells_block_the_import(db: Session, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [ORG_HEADER, ["示例理工大学", "院校", "=1+1", "广州"]])
    report = import_file(db, Pool.ORGANIZATION, path)
    assert [str(e) for e in report.errors] == ["第2行 「行业领域」: 含有公式，请复制后「选择性粘贴为数值」再导入"]
    assert _count(db, Organization) == 0
