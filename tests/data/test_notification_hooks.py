"""Every workflow step that someone should hear of leaves a message in their inbox (and only
theirs): applications, practice proposals, contact requests, review decisions, held edits,
membership steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import (EducationLevel, JobKind, MemberLevel, NotificationKind, OrgKind, ProjectKind, Role, Status,
                        TeacherKind)
from data.models import Internship, Notification, Organization, Project, Revision, Talent, Teacher, User
from data.pools import Pool
from data.workflows import contacts, membership, proposals, review, students
from data.workflows.accounts import create_user
from data.workflows.records import form_values


def _inbox(db: Session, user: User) -> list[tuple[NotificationKind, str]]:
    return [(n.kind, n.title) for n in db.scalars(select(Notification).where(Notification.user_id == user.id)
                                                  .order_by(Notification.id))]


@pytest.fixture
def world(db: Session, make_org: Callable[..., Organization]) -> dict[str, Any]:
    college, maker, other = (make_org("示例理工大学"), make_org("示例装备有限公司", OrgKind.ENTERPRISE),
                             make_org("另一家企业", OrgKind.ENTERPRISE))
    for org in (college, maker, other):
        org.status = Status.PUBLISHED
    users = {
        "staff": create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None),
        "hr": create_user(db, "hr", "secret-pass", "装备公司人事", Role.ENTERPRISE, maker.id),
        "bystander": create_user(db, "bystander", "secret-pass", "另一家企业", Role.ENTERPRISE, other.id),
        "dean": create_user(db, "dean", "secret-pass", "学院教务", Role.COLLEGE, college.id),
        "student": create_user(db, "student", "secret-pass", "李同学", Role.STUDENT, college.id),
        "wang": create_user(db, "wang", "secret-pass", "王老师", Role.EXPERT, college.id),
    }
    post = Internship(name="PLC实习生", natural_key="post", owner_org_id=maker.id, job_kind=JobKind.INTERNSHIP, seats=2,
                      status=Status.PUBLISHED)
    talent = Talent(name="李同学", natural_key="talent", owner_org_id=college.id, major="机电一体化技术",
                    level=EducationLevel.HIGHER_VOCATIONAL, user_id=users["student"].id, status=Status.PUBLISHED)
    teacher = Teacher(name="王老师", natural_key="teacher", owner_org_id=college.id, teacher_kind=TeacherKind.FULL_TIME,
                      user_id=users["wang"].id, status=Status.PUBLISHED)
    need = Project(name="视觉检测需求", natural_key="need", owner_org_id=maker.id, project_kind=ProjectKind.TECH_PROBLEM,
                   description="产线零件表面缺陷的机器视觉检测", status=Status.PENDING)
    db.add_all([post, talent, teacher, need])
    db.flush()
    return {**users, "college": college, "maker": maker, "post": post, "talent": talent, "teacher": teacher, "need": need}


def test_an_application_and_its_decision(db: Session, world: dict[str, Any]) -> None:
    application = students.apply(db, world["talent"], world["post"].id)
    assert _inbox(db, world["hr"]) == [(NotificationKind.APPLICATION_RECEIVED, "「李同学」投递了「PLC实习生」")]
    students.decide_application(db, world["hr"], application.id, accept=True)
    assert _inbox(db, world["student"]) == [(NotificationKind.APPLICATION_STATUS, "「PLC实习生」：已录用")]
    assert _inbox(db, world["bystander"]) == [] and _inbox(db, world["dean"]) == []


def test_a_practice_proposal_and_its_answer(db: Session, world: dict[str, Any]) -> None:
    proposal = proposals.propose(db, world["dean"], world["teacher"].id, world["maker"].id, "2027年暑期，产线PLC调试，4周")
    assert [k for k, _ in _inbox(db, world["hr"])] == [NotificationKind.PROPOSAL_RECEIVED]
    proposals.answer(db, world["hr"], proposal.id, accept=False, reply="暑期产线检修，无法安排")
    for who in ("dean", "wang"):  # the proposer and the teacher hear of it
        assert _inbox(db, world[who]) == [(NotificationKind.PROPOSAL_ANSWERED,
                                           "推荐教师「王老师」到「示例装备有限公司」实践：企业已婉拒")], who


def test_a_contact_request_and_its_answer(db: Session, world: dict[str, Any]) -> None:
    item = contacts.request_contact(db, world["hr"], Pool.TEACHER, world["teacher"], "consulting", "想请王老师做技术咨询")
    assert [k for k, _ in _inbox(db, world["wang"])] == [NotificationKind.CONTACT_RECEIVED]  # the person, not the dean
    assert _inbox(db, world["dean"]) == []
    contacts.answer(db, world["wang"], item.id, accept=True)
    assert [k for k, _ in _inbox(db, world["hr"])] == [NotificationKind.CONTACT_ANSWERED]


def test_review_decisions_reach_the_owner(db: Session, world: dict[str, Any]) -> None:
    review.decide(db, Pool.PROJECT, world["need"].id, "request_changes", "请补充预算", world["staff"])
    assert _inbox(db, world["hr"]) == [(NotificationKind.REVIEW_DECISION, "「视觉检测需求」需要修改后重新提交")]
    world["need"].status = Status.PUBLISHED
    form = {**form_values(Pool.PROJECT, world["need"]), "需求名称": "视觉检测需求（二期）"}
    revision = Revision(pool=Pool.PROJECT.value, record_id=world["need"].id, author_id=world["hr"].id, form=form)
    db.add(revision)
    db.flush()
    review.decide_revision(db, revision.id, "approve", "", world["staff"])
    assert _inbox(db, world["hr"])[-1][0] is NotificationKind.EDIT_APPROVED


def test_membership_steps_reach_the_organization(db: Session, world: dict[str, Any]) -> None:
    membership.apply_to_join(db, world["hr"], MemberLevel.MEMBER.value, "入会申请书：……" * 3)
    assert [k for k, _ in _inbox(db, world["hr"])] == [NotificationKind.MEMBERSHIP]
    assert _inbox(db, world["bystander"]) == []
