"""An import for review (status 待审核) follows the edit form's rules row by row, and a dry run
decides exactly what the write does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import AuditAction, EducationLevel, RevisionStatus, Role, Status
from data.models import AuditEntry, Organization, Revision, Talent
from data.pools import Pool
from data.sheets.exporter import export_pool
from data.sheets.importer import import_file
from data.workflows.accounts import create_user
from tests.data.sheets import write_csv


def test_a_profile_keyed_by_its_account_is_found_again_and_held(db: Session, make_org: Callable[..., Organization],
                                                                 tmp_path: Path) -> None:
    school = make_org("示例职业技术学院")
    student = create_user(db, "stu", "secret-pass", "林同学", Role.STUDENT, school.id)
    staff = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    profile = Talent(name="林同学", natural_key=f"user:{student.id}", user_id=student.id, owner_org_id=school.id,
                     major="工业机器人技术", level=EducationLevel.HIGHER_VOCATIONAL, skills=["PLC编程"])
    db.add(profile)
    db.flush()
    path = tmp_path / "人才库.csv"
    export_pool(db, Pool.TALENT, path)
    for dry_run in (True, False):
        report = import_file(db, Pool.TALENT, path, dry_run=dry_run, status=Status.PENDING, actor=staff)
        assert (report.created, report.updated, report.held, report.unchanged) == (0, 0, 0, 1)
    assert profile.status is Status.PUBLISHED

    text = path.read_text(encoding="utf-8-sig").replace("PLC编程", "PLC编程、工业机器人编程")
    path.write_text(text, encoding="utf-8-sig")
    reports = [import_file(db, Pool.TALENT, path, dry_run=d, status=Status.PENDING, actor=staff) for d in (True, False)]
    assert [(r.created, r.updated, r.held, r.unchanged) for r in reports] == [(0, 0, 1, 0)] * 2
    assert "修改待审核 1" in reports[1].summary()
    db.expire_all()
    assert profile.skills == ["PLC编程"] and profile.status is Status.PUBLISHED
    revision = db.scalar(select(Revision))
    assert revision.status is RevisionStatus.PENDING and revision.author_id == staff.id
    assert revision.form == {"技能": "PLC编程、工业机器人编程"}
    assert db.scalar(select(AuditEntry.summary).where(AuditEntry.action == AuditAction.SUBMIT.value)) == "提交修改「林同学」（待审核）"


def test_without_review_an_import_applies_changes_and_the_files_status(db: Session, make_org: Callable[..., Organization],
                                                                       tmp_path: Path) -> None:
    make_org("示例理工大学")
    header = ["姓名", "所属单位", "研究方向", "状态"]
    path = write_csv(tmp_path / "e.csv", [header, ["张三", "示例理工大学", "机器视觉", "已发布"]])
    assert import_file(db, Pool.EXPERT, path).created == 1
    write_csv(path, [header, ["张三", "示例理工大学", "机器视觉、缺陷检测", "已归档"]])
    dry = import_file(db, Pool.EXPERT, path, dry_run=True)
    real = import_file(db, Pool.EXPERT, path)
    assert (dry.updated, dry.held) == (real.updated, real.held) == (1, 0)
    assert db.scalar(select(Revision)) is None
