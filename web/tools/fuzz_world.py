"""The throwaway world ``chanjiao bench fuzz`` attacks: its own instance folder and SQLite file,
either a copy of the configured SQLite database when it holds data (the demo) or a small
alliance cut from the demo generator, plus one account per kind of user. Nothing the fuzzer
does reaches the configured database or indexes."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import session_scope
from data.demo import LOAD_ORDER, build_demo
from data.enums import MemberStatus, OrgKind, Role
from data.migrate import upgrade_to_head
from data.models import MODELS, Organization
from data.pools import Pool
from data.reference.regions import seed_regions
from data.settings import database_url, instance_dir
from data.sheets.columns import Kind, columns_of
from data.sheets.importer import import_rows
from data.workflows.accounts import create_api_token, create_user
from indexer.dispatch import wait_idle

ROWS_PER_POOL = 8  # a small world: every pool and direction, indexed in seconds
ACCOUNTS = (("enterprise", Role.ENTERPRISE), ("student", Role.STUDENT), ("staff", Role.STAFF))


@dataclass
class World:
    """What the fuzzer needs to know: where, which ids exist, who may log in."""

    source: str  # "demo copy" or "small world"
    password: str
    usernames: dict[str, str] = field(default_factory=dict)  # kind of user → username
    tokens: dict[str, str] = field(default_factory=dict)  # kind of user → API token
    ids: dict[Pool, list[int]] = field(default_factory=dict)


@contextmanager
def throwaway_instance() -> Iterator[Path]:
    """Point CHANJIAO_INSTANCE and DATABASE_URL at a temporary folder (no Redis: jobs and the
    index run in-process) for the duration; the environment is restored afterwards."""
    saved = {name: os.environ.get(name) for name in ("CHANJIAO_INSTANCE", "DATABASE_URL", "REDIS_URL")}
    source_url, source_instance = database_url(), instance_dir()
    with tempfile.TemporaryDirectory(prefix="chanjiao-fuzz-") as tmp:
        folder = Path(tmp)
        os.environ["CHANJIAO_INSTANCE"] = str(folder / "instance")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'fuzz.db'}"
        os.environ.pop("REDIS_URL", None)
        os.environ["CHANJIAO_FUZZ_SOURCE"] = source_url
        os.environ["CHANJIAO_FUZZ_SOURCE_INSTANCE"] = str(source_instance)
        try:
            yield folder
        finally:
            # Background work the run started (index syncs, rebuilds, imports) reads the
            # environment when it runs: it must end here, not after the restore below.
            wait_idle()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            os.environ.pop("CHANJIAO_FUZZ_SOURCE", None)
            os.environ.pop("CHANJIAO_FUZZ_SOURCE_INSTANCE", None)


def build_world(folder: Path) -> World:
    """Inside :func:`throwaway_instance`: copy the configured SQLite demo or build a small world,
    index it, and add the fuzzer's accounts."""
    from web.tools.reindex import reindex_pools

    source = _copy_sqlite(os.environ["CHANJIAO_FUZZ_SOURCE"], folder / "fuzz.db")
    if source:
        indexes = Path(os.environ["CHANJIAO_FUZZ_SOURCE_INSTANCE"]) / "indexes"
        if indexes.is_dir():
            shutil.copytree(indexes, instance_dir() / "indexes")
        else:
            reindex_pools(tuple(Pool), quiet=True)
    else:
        upgrade_to_head()
        with session_scope() as session:
            seed_regions(session)
            _small_world(session)
        reindex_pools(tuple(Pool), quiet=True)
    world = World("demo copy" if source else "small world", secrets.token_urlsafe(12))
    with session_scope() as session:
        _accounts(session, world)
        world.ids = {pool: list(session.scalars(select(model.id).order_by(model.id).limit(200)))
                     for pool, model in MODELS.items()}
    return world


def _copy_sqlite(url: str, target: Path) -> bool:
    """Copy the configured database when it is a SQLite file holding records (the demo)."""
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is None or not path.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
            if not source.execute("SELECT count(*) FROM projects").fetchone()[0]:
                return False
            with sqlite3.connect(target) as copy:
                source.backup(copy)  # a consistent copy, write-ahead log included
    except sqlite3.Error:
        target.unlink(missing_ok=True)
        return False
    return True


def _small_world(session: Session) -> None:
    """A few rows of every pool from the demo generator, imported as the demo imports them."""
    rows = build_demo()
    picked: dict[Pool, list[dict[str, Any]]] = {
        pool: rows[pool][:ROWS_PER_POOL] for pool in Pool if pool is not Pool.ORGANIZATION}
    names: set[str] = set()
    for pool, chosen in picked.items():
        org = next(c.header for c in columns_of(pool) if c.kind is Kind.ORG)
        names |= {row[org] for row in chosen}
    picked[Pool.ORGANIZATION] = [row for row in rows[Pool.ORGANIZATION] if row["单位名称"] in names]
    picked[Pool.ORGANIZATION] += [r for r in rows[Pool.ORGANIZATION] if r["单位名称"] not in names][:ROWS_PER_POOL]
    for pool in LOAD_ORDER:
        headers = {c.header for c in columns_of(pool)}
        numbered = [(n, {k: v for k, v in row.items() if k in headers}) for n, row in enumerate(picked[pool], start=2)]
        report = import_rows(session, pool, numbered, source="fuzz")
        if not report.ok:
            raise ValueError(f"模糊测试的数据未通过校验（{pool.label}）：{report.errors[0]}")


def _accounts(session: Session, world: World) -> None:
    """An enterprise of a member in good standing, a student of a college, and staff (names with
    a random suffix: a copied demo has accounts of its own)."""
    def first(kind: OrgKind) -> Organization:
        org = session.scalar(select(Organization).where(Organization.kind == kind).order_by(Organization.id))
        if org is None:
            raise ValueError(f"模糊测试需要至少一个{kind.label}")
        return org

    enterprise, college = first(OrgKind.ENTERPRISE), first(OrgKind.COLLEGE)
    enterprise.member_status = MemberStatus.ACTIVE
    orgs = {Role.ENTERPRISE: enterprise.id, Role.STUDENT: college.id, Role.STAFF: None}
    suffix = secrets.token_hex(3)
    for kind, role in ACCOUNTS:
        username = f"{kind}_{suffix}"
        create_user(session, username, world.password, username, role, orgs[role])
        session.flush()
        world.tokens[kind] = create_api_token(session, username, "fuzz")[1]
        world.usernames[kind] = username
