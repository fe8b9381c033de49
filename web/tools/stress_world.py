"""The alliance a stress run starts from, and the demo rows it adds while it runs.

Rows come from the demo generator in the import sheet's shape (headers → text), so whatever
the run writes — by form, by sheet or by review — passes the same validation a person's
input does. Each pool gets a few dozen records at the start and keeps more of its demo rows (of the same
organizations) as a reservoir for imports and new records.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from data.demo import LOAD_ORDER, build_demo
from data.enums import Role
from data.pools import Pool
from data.sheets.columns import Kind, columns_of
from data.sheets.importer import import_rows
from data.sheets.tabular import write_table
from data.workflows.accounts import create_user

SOURCE = "stress"  # what the run's own setup writes (a database holding anything else is not wiped)
STAFF = "stress_staff"
RECORD_POOLS: tuple[Pool, ...] = tuple(p for p in LOAD_ORDER if p is not Pool.ORGANIZATION)
OTHER_ORGS = 10  # organizations no record names (an enterprise with nothing posted yet)


class WorldError(ValueError):
    """The generated alliance did not pass validation (a bug in the generator)."""


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass
class Reservoir:
    """Demo rows not loaded yet, by pool; each taken once (thread-safe)."""

    rows: dict[Pool, list[dict[str, str]]]
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, pool: Pool, n: int) -> list[dict[str, str]]:
        with self._lock:
            taken, self.rows[pool] = self.rows[pool][:n], self.rows[pool][n:]
            return taken


@dataclass
class World:
    staff_id: int
    password: str
    reservoir: Reservoir
    counts: dict[Pool, int]


def _rows(pool: Pool, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    headers = {c.header for c in columns_of(pool)}
    return [{k: as_text(v) for k, v in row.items() if k in headers} for row in rows]


def build_world(session: Session, per_pool: int, reservoir_per_pool: int, password: str) -> World:
    """Load ``per_pool`` records of each pool but organizations (through the importer, as the
    demo loads them), the demo organizations they name plus a few others, and a staff account;
    keep ``reservoir_per_pool`` later rows of each pool, of the same organizations, for the run."""
    demo = build_demo()
    rng = random.Random(per_pool)
    loaded: dict[Pool, list[dict[str, str]]] = {}
    spare: dict[Pool, list[dict[str, str]]] = {}
    named: set[str] = set()
    for pool in RECORD_POOLS:
        loaded[pool] = _rows(pool, demo[pool][:per_pool])
        header = org_header(pool)
        named |= {row[header] for row in loaded[pool]}
    for pool in RECORD_POOLS:  # later rows of the same organizations (fewer organizations to index)
        header = org_header(pool)
        extra = [row for row in _rows(pool, demo[pool][per_pool:]) if row[header] in named][:reservoir_per_pool]
        for row in extra:
            row.pop("状态", None)  # new rows get the status their write path gives them
        rng.shuffle(extra)
        spare[pool] = extra
    orgs = _rows(Pool.ORGANIZATION, demo[Pool.ORGANIZATION])
    loaded[Pool.ORGANIZATION] = [r for r in orgs if r["单位名称"] in named] + \
        [r for r in orgs if r["单位名称"] not in named][:OTHER_ORGS]
    counts: dict[Pool, int] = {}
    for pool in LOAD_ORDER:
        report = import_rows(session, pool, list(enumerate(loaded[pool], start=2)), source=SOURCE)
        if not report.ok:
            raise WorldError(f"压力测试的数据未通过校验（{pool.label}）：{report.errors[0]}")
        counts[pool] = report.created
    staff = create_user(session, STAFF, password, "压力测试秘书处", Role.STAFF, None)
    return World(staff.id, password, Reservoir(spare), counts)


def write_sheet(path: Path, pool: Pool, rows: list[dict[str, str]]) -> Path:
    """An import sheet (.xlsx or .csv by the suffix) with the pool's columns the rows use."""
    headers = [c.header for c in columns_of(pool) if any(c.header in row for row in rows)]
    write_table(path, headers, [[row.get(h, "") for h in headers] for row in rows])
    return path


def org_header(pool: Pool) -> str:
    """The header of the column naming a record's organization (every pool but organizations)."""
    header = next((c.header for c in columns_of(pool) if c.kind is Kind.ORG), None)
    if header is None:
        raise WorldError(f"{pool.label}没有所属单位一列")
    return header
