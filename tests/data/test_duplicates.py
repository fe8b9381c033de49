"""The duplicate finder's rules and a merge that moves every reference and keeps history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import EducationLevel, JobKind, OrgKind, ProjectKind, Role
from data.workflows.accounts import create_user
from data.workflows.duplicates import find_duplicates, merge, similarity
from data.models import (Application, AuditEntry, Expert, Feedback, Internship, Organization, Project, Talent)
from data.pools import Pool


def test_similarity_is_a_jaccard_of_character_grams() -> None:
    assert similarity("机器视觉", "机器视觉") == 1.0
    assert similarity("机器视觉", "") == 0.0
    # 机器 器视 视觉 vs 机器 器人 → 1 shared of 4
    assert similarity("机器视觉", "机器人") == 0.25


def test_finder_pairs_the_same_person_and_the_same_need_but_not_namesakes(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    college, other = make_org("示例理工大学"), make_org("另一所大学")
    maker = make_org("示例装备有限公司", OrgKind.ENTERPRISE)
    db.add_all([
        Expert(name="张伟", owner_org_id=college.id, natural_key="a", phone="100-0001-0001", research_areas=["机器视觉"]),
        Expert(name="张伟", owner_org_id=college.id, natural_key="b", research_areas=["缺陷检测"]),  # same org
        Expert(name="张伟", owner_org_id=other.id, natural_key="c", research_areas=["古代文学"]),  # a namesake
        Expert(name="张 伟", owner_org_id=other.id, natural_key="d", research_areas=["机器视觉", "深度学习"]),
        Expert(name="李娜", owner_org_id=other.id, natural_key="e", phone="100-0001-0001"),  # same phone
        Project(name="产线视觉检测系统", owner_org_id=maker.id, natural_key="p1", project_kind=ProjectKind.TECH_PROBLEM,
                description="对冲压件表面划痕进行在线检测，节拍小于一秒"),
        Project(name="产线视觉检测系统（重发）", owner_org_id=maker.id, natural_key="p2",
                project_kind=ProjectKind.TECH_PROBLEM, description="对冲压件表面划痕进行在线检测，节拍小于一秒"),
        Project(name="产线视觉检测系统", owner_org_id=college.id, natural_key="p3", project_kind=ProjectKind.TECH_PROBLEM,
                description="对冲压件表面划痕进行在线检测，节拍小于一秒"),  # another organization's post
    ])
    db.flush()
    experts = {(p.first.natural_key, p.second.natural_key): p for p in find_duplicates(db, Pool.EXPERT)}
    # a–c are namesakes in different organizations with unrelated fields: not paired
    assert set(experts) == {("a", "b"), ("a", "d"), ("a", "e"), ("c", "d")}
    assert experts[("a", "b")].reasons == ["姓名相同且同一单位"]
    assert experts[("a", "e")].reasons == ["手机号相同"] and experts[("a", "e")].confidence == 0.95
    assert "机器视觉" in experts[("a", "d")].reasons[0]
    projects = find_duplicates(db, Pool.PROJECT)
    assert [(p.first.natural_key, p.second.natural_key) for p in projects] == [("p1", "p2")]
    assert any("描述几乎相同" in r for r in projects[0].reasons)


def test_merge_fills_gaps_moves_references_and_is_audited(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    college, maker = make_org("示例理工大学"), make_org("示例装备有限公司", OrgKind.ENTERPRISE)
    staff = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    student = create_user(db, "stu", "secret-pass", "学生", Role.STUDENT, college.id)
    keep = Talent(name="林同学", owner_org_id=college.id, natural_key="k", major="工业机器人技术",
                  level=EducationLevel.HIGHER_VOCATIONAL, skills=["PLC编程"])
    drop = Talent(name="林同学", owner_org_id=college.id, natural_key="d", major="工业机器人技术",
                  level=EducationLevel.HIGHER_VOCATIONAL, skills=["工业机器人编程"], phone="100-0003-0001",
                  graduation_year=2027, user_id=student.id)
    posts = [Internship(name=f"岗位{i}", owner_org_id=maker.id, natural_key=f"j{i}", job_kind=JobKind.INTERNSHIP,
                        seats=2, description="实习", start_date=dt.date(2027, 7, 1)) for i in range(2)]
    db.add_all([keep, drop, *posts])
    db.flush()
    db.add_all([Application(talent_id=keep.id, internship_id=posts[0].id),
                Application(talent_id=drop.id, internship_id=posts[0].id),  # both applied: one stays
                Application(talent_id=drop.id, internship_id=posts[1].id),
                Feedback(actor="9", direction="internship_talents", source_pool="internship", source_id=posts[0].id,
                         target_pool="talent", target_id=drop.id, action="interested")])
    db.flush()
    keep_id, drop_id = keep.id, drop.id
    merged = merge(db, Pool.TALENT, keep_id, drop_id, staff)
    db.flush()
    assert db.get(Talent, drop_id) is None
    assert merged.skills == ["PLC编程", "工业机器人编程"] and merged.phone == "100-0003-0001"
    assert merged.graduation_year == 2027 and merged.user_id == student.id
    applications = db.scalars(select(Application).order_by(Application.internship_id)).all()
    assert [(a.talent_id, a.internship_id) for a in applications] == [(keep_id, posts[0].id), (keep_id, posts[1].id)]
    assert db.scalar(select(Feedback.target_id)) == keep_id
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    assert entry.actor == "staff" and entry.record_id == keep_id
    assert entry.before["合并"]["技能"] == "工业机器人编程" and entry.after["技能"] == "PLC编程、工业机器人编程"


def test_merging_organizations_moves_their_records_and_accounts(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    keep = make_org("示例装备有限公司", OrgKind.ENTERPRISE, credit_code="91440101MA5XXXXXX1")
    drop = make_org("示例装备股份有限公司", OrgKind.ENTERPRISE, credit_code="91440101MA5XXXXXX1")
    user = create_user(db, "maker", "secret-pass", "企业", Role.ENTERPRISE, drop.id)
    db.add(Project(name="需求", owner_org_id=drop.id, natural_key="p", project_kind=ProjectKind.TECH_PROBLEM,
                   description="x"))
    db.flush()
    [pair] = find_duplicates(db, Pool.ORGANIZATION)
    assert pair.reasons[0] == "统一社会信用代码相同"
    merge(db, Pool.ORGANIZATION, keep.id, drop.id, None)
    db.flush()
    assert db.get(Organization, drop.id) is None
    assert db.scalar(select(Project.owner_org_id)) == keep.id and db.get(type(user), user.id).org_id == keep.id


def test_merge_refuses_unknown_or_identical_ids(db: Session, make_org) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from data.workflows.duplicates import MergeError

    org = make_org()
    with pytest.raises(MergeError, match="两条不同的"):
        merge(db, Pool.ORGANIZATION, org.id, org.id, None)
    with pytest.raises(MergeError):
        merge(db, Pool.ORGANIZATION, org.id, 999_999, None)
