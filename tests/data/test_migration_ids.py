"""Migration 0009: a populated SQLite database gets AUTOINCREMENT ids without losing a row, its
schema equals the models', an id deleted before the migration is not handed out again, and the
migration goes back down; on PostgreSQL it changes nothing."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from data.db import make_engine
from data.demo import load_demo
from data.enums import ContactPurpose, OrgKind, Role, TeacherKind
from data.migrate import alembic_config, upgrade_to_head
from data.models import (
    Application, AuditEntry, Base, ContactRequest, Expert, Feedback, Internship, Organization, PracticeProposal,
    Review, Talent, Teacher, User,
)
from data.reference.regions import seed_regions
from tests import services


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            names = sorted(set(inspect(conn).get_table_names()) - {"alembic_version"})
            return {n: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{n}" ORDER BY 1'))] for n in names}
    finally:
        engine.dispose()


def _scalar(url: str, sql: str) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _schema(url: str) -> dict[str, dict[str, Any]]:
    """Everything about each table that the rebuild could lose, normalized for comparison."""
    engine = make_engine(url)
    out: dict[str, dict[str, Any]] = {}
    try:
        with engine.connect() as conn:
            ins = inspect(conn)
            for t in sorted(set(ins.get_table_names()) - {"alembic_version"}):
                sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": t}).scalar()
                out[t] = {
                    "columns": sorted((c["name"], str(c["type"]), c["nullable"], re.sub(r"[()\s]", "", str(c["default"])))
                                      for c in ins.get_columns(t)),
                    "pk": ins.get_pk_constraint(t)["constrained_columns"],
                    "fks": sorted((tuple(f["constrained_columns"]), f["referred_table"], tuple(sorted(f["options"].items())))
                                  for f in ins.get_foreign_keys(t)),
                    "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in ins.get_indexes(t)),
                    "uniques": sorted((u["name"], tuple(u["column_names"])) for u in ins.get_unique_constraints(t)),
                    "checks": sorted((k["name"], re.sub(r"\s", "", k["sqltext"])) for k in ins.get_check_constraints(t)),
                    "autoincrement": "AUTOINCREMENT" in (sql or ""),
                }
    finally:
        engine.dispose()
    return out


def _populate(url: str) -> int:
    """The demo plus one of each dependent row; the highest expert is then deleted behind the ORM's
    back (as before 0009), leaving its grant and audit row. Returns the deleted id."""
    engine = make_engine(url)
    with Session(engine) as s:
        seed_regions(s)
        load_demo(s)
        s.flush()
        org = s.query(Organization).filter(Organization.kind == OrgKind.ENTERPRISE).first()
        user = User(username="u0009", password_hash="x", display_name="甲", role=Role.ENTERPRISE, org_id=org.id)
        s.add(user)
        s.flush()
        talent = s.query(Talent).first()
        internship = s.query(Internship).first()
        teacher = s.query(Teacher).filter(Teacher.teacher_kind == TeacherKind.FULL_TIME).first()
        s.add_all([
            Application(talent_id=talent.id, internship_id=internship.id),
            PracticeProposal(teacher_id=teacher.id, enterprise_id=org.id, proposer_id=user.id),
            Feedback(actor="u0009", direction="need_experts", target_pool="talent", target_id=talent.id, action="interested"),
            Review(pool="talent", record_id=talent.id, decision="approved"),
        ])
        top = s.query(Expert).order_by(Expert.id.desc()).first()
        deleted_id = top.id
        s.add(ContactRequest(requester_id=user.id, target_pool="expert", target_id=deleted_id,
                             purpose=ContactPurpose.CONSULTING))
        s.add(AuditEntry(actor="u0009", action="create", pool="expert", record_id=deleted_id + 5))
        s.commit()
        s.execute(text("DELETE FROM experts WHERE id = :id"), {"id": deleted_id})
        s.commit()
    engine.dispose()
    return deleted_id


def test_sqlite_upgrade_keeps_every_row_and_never_reuses_an_id(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'populated.db'}"
    upgrade_to_head(url)
    deleted_id = _populate(url)
    config = alembic_config(url)
    command.downgrade(config, "0008")
    before = _snapshot(url)
    assert before["applications"] and before["practice_proposals"] and before["contact_requests"]
    assert not _schema(url)["experts"]["autoincrement"]

    command.upgrade(config, "0009")

    assert _snapshot(url) == before  # every row of every table, children of rebuilt parents too
    assert _scalar(url, "SELECT COUNT(*) FROM pragma_foreign_key_check") == 0
    assert _scalar(url, "PRAGMA foreign_keys") == 1  # switched back on
    command.upgrade(config, "head")  # later migrations keep what 0009 gave (AUTOINCREMENT, sequences)
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = make_engine(fresh)
    Base.metadata.create_all(engine)
    engine.dispose()
    assert _schema(url) == _schema(fresh)
    # The audit log names expert deleted_id + 5: neither it nor anything below is handed out again.
    engine = make_engine(url)
    with Session(engine) as s:
        org_id = s.scalar(text("SELECT id FROM organizations LIMIT 1"))
        expert = Expert(name="新专家", natural_key="新专家|0009", owner_org_id=org_id)
        s.add(expert)
        s.flush()
        assert expert.id > deleted_id + 5
        s.rollback()
    engine.dispose()

    command.downgrade(config, "0008")
    assert _snapshot(url) == before
    assert not _schema(url)["experts"]["autoincrement"]


def test_sqlite_fresh_database_at_head_has_autoincrement(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(url)
    schema = _schema(url)
    integer_ids = {t for t in Base.metadata.tables.values()
                   if len(t.primary_key.columns) == 1 and list(t.primary_key.columns)[0].name == "id"}
    assert {t.name for t in integer_ids} <= {n for n, s in schema.items() if s["autoincrement"]}
    assert not schema["regions"]["autoincrement"]


def test_postgres_upgrade_is_a_no_op() -> None:
    base = services.postgres_url()
    if base is None:
        services.unavailable("PostgreSQL", "set TEST_DATABASE_URL")
    name = f"chanjiao_0009_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        services.unavailable("PostgreSQL", exc)
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        config = alembic_config(url)
        command.upgrade(config, "0008")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (name, natural_key, description, tags, visibility, status, "
                              "source, kind, industries, majors, member_status) VALUES ('甲', '甲', '', '[]', 'public', "
                              "'published', 'manual', 'enterprise', '[]', '[]', 'none')"))
        engine.dispose()
        command.upgrade(config, "0009")
        assert _pg_rows(url) == [(1, "甲")]
        command.downgrade(config, "0008")
        assert _pg_rows(url) == [(1, "甲")]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _pg_rows(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text("SELECT id, name FROM organizations"))]
    finally:
        engine.dispose()
