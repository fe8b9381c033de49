"""List-valued columns have item-count and item-length limits in the column spec, enforced by
row validation for every write path (import here; forms and the API in tests/web)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.models import Project
from data.pools import Pool
from data.sheets.columns import Kind, columns_of
from data.sheets.importer import import_file
from data.sheets.rows import validate_row
from tests.data.sheets import write_csv

NEED = {"名称": "产线视觉检测", "发布单位": "示例智能装备有限公司", "项目类型": "技术攻关", "需求描述": "检测划痕"}


def test_every_list_column_has_limits() -> None:
    for pool in Pool:
        for column in columns_of(pool):
            if column.kind is Kind.LIST:
                assert 1 <= column.max_items <= 200 and 1 <= column.max_len <= 100, (pool, column.header)


@pytest.mark.parametrize("pool", list(Pool))
def test_too_many_items_in_any_list_column_is_an_error_naming_it(pool: Pool) -> None:
    for column in (c for c in columns_of(pool) if c.kind is Kind.LIST):
        many = "、".join(f"项{i}" for i in range(column.max_items + 1))
        _, errors = validate_row(pool, {column.header: many})
        assert (column.header, f"最多填写 {column.max_items} 项，现有 {column.max_items + 1} 项") in errors
        enough = "、".join(f"项{i}" for i in range(column.max_items))
        _, errors = validate_row(pool, {column.header: enough})
        assert column.header not in dict(errors)
        _, errors = validate_row(pool, {column.header: "长" * (column.max_len + 1)})
        assert f"超过 {column.max_len} 个字" in dict(errors)[column.header]


def test_a_hundred_and_fifty_thousand_tags_as_a_list_or_text() -> None:
    tags = [f"标签{i}" for i in range(150_000)]
    for value in (tags, "、".join(tags)):
        _, errors = validate_row(Pool.PROJECT, {**NEED, "标签": value})
        assert errors == [("标签", "最多填写 50 项，现有 150000 项")]
    values, errors = validate_row(Pool.PROJECT, {**NEED, "标签": ["同一个"] * 1000})
    assert errors == [] and values["tags"] == ["同一个"]  # repeats are one item


def test_an_import_names_the_row_and_column_and_writes_nothing(db: Session, make_org, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from data.enums import OrgKind

    make_org("示例智能装备有限公司", OrgKind.ENTERPRISE)
    header = list(NEED) + ["标签"]
    other = {**NEED, "名称": "另一个需求"}
    path = write_csv(tmp_path / "needs.csv", [header, [*NEED.values(), "视觉"],
                                              [*other.values(), "、".join(f"t{i}" for i in range(60))]])
    report = import_file(db, Pool.PROJECT, path)
    assert [str(e) for e in report.errors] == ["第3行 「标签」: 最多填写 50 项，现有 60 项"]
    assert db.scalar(select(func.count()).select_from(Project)) == 0
