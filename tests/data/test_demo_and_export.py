"""The demo alliance: size, determinism, fictional people; export → import round trip."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.demo import SIZES, build_demo, load_demo
from data.models import MODELS, Expert
from data.pools import Pool
from data.sheets.exporter import export_pool
from data.sheets.importer import import_file
from data.workflows.stats import pool_counts


def test_demo_is_deterministic_and_large_enough() -> None:
    first, second = build_demo(), build_demo()
    assert first == second
    minimum = {Pool.ORGANIZATION: 200, Pool.EXPERT: 600, Pool.TEACHER: 400, Pool.PROJECT: 800,
               Pool.ACHIEVEMENT: 2000, Pool.TALENT: 1500, Pool.INTERNSHIP: 500}
    assert {p: len(rows) for p, rows in first.items()} == SIZES
    assert all(len(first[p]) >= n for p, n in minimum.items())
    rows = [row for p in (Pool.EXPERT, Pool.TEACHER, Pool.TALENT) for row in first[p]]
    assert all(re.fullmatch(r"100-000\d-\d{4}", row["手机"]) for row in rows)
    # Phones are unique, except the two experts the demo enters twice for the duplicate finder.
    reentered = [row for row in rows if str(row.get("外部编号", "")).startswith("DEMO-E-DUP")]
    assert len(reentered) == 2 and len({row["手机"] for row in rows}) == len(rows) - 2
    names = {row["单位名称"] for row in first[Pool.ORGANIZATION]}
    assert {"湾区智能制造产业学院", "湾区石油化工产业学院"} <= names


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_import_round_trip(db: Session, tmp_path: Path, suffix: str) -> None:
    load_demo(db)
    counts = pool_counts(db)
    assert counts[Pool.ACHIEVEMENT] == 2000
    for pool in (Pool.ORGANIZATION, Pool.EXPERT, Pool.TEACHER, Pool.ACHIEVEMENT, Pool.PROJECT, Pool.TALENT, Pool.INTERNSHIP):
        path = tmp_path / f"{pool.value}{suffix}"
        assert export_pool(db, pool, path) == counts[pool]
        report = import_file(db, pool, path)
        assert report.ok, report.errors[:3]
        assert (report.created, report.updated, report.unchanged) == (0, 0, counts[pool]), pool
    assert pool_counts(db) == counts
    expert = db.scalars(select(Expert).order_by(Expert.id)).first()
    assert expert is not None and expert.research_areas and expert.source == "demo"
    assert all(MODELS[p] for p in counts)
