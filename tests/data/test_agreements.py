"""合作记录 and activity (data/workflows/agreements.py): made from an accepted internship, a
practice proposal or a granted contact; activity logged by one side and confirmed by the
other; seen by the parties, the person and staff only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.orm import Session

from data.enums import (ActivityStatus, ActivityUnit, AgreementKind, EducationLevel, JobKind, OrgKind, Role, Status,
                        TeacherKind)
from data.errors import NotAllowed, NotFound
from data.models import Internship, Organization, Talent, Teacher
from data.pools import Pool
from data.workflows import agreements as ag
from data.workflows import contacts, proposals, students
from data.workflows.accounts import create_user
from data.workflows.agreements import AgreementError

JULY, AUGUST = dt.date(2027, 7, 1), dt.date(2027, 8, 31)


@pytest.fixture
def world(db: Session, make_org: Callable[..., Organization]) -> dict[str, Any]:
    college, maker, third = make_org("示例职业学院"), make_org("示例装备有限公司", OrgKind.ENTERPRISE), make_org("第三家", OrgKind.ENTERPRISE)
    for org in (college, maker, third):
        org.status = Status.PUBLISHED
    people = {name: create_user(db, name, "secret-pass", name, role, org.id) for name, role, org in (
        ("hr", Role.ENTERPRISE, maker), ("dean", Role.COLLEGE, college), ("third", Role.ENTERPRISE, third),
        ("stu", Role.STUDENT, college), ("wang", Role.EXPERT, college))}
    people["staff"] = create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    post = Internship(name="PLC实习生", natural_key="post", owner_org_id=maker.id, job_kind=JobKind.INTERNSHIP, seats=2,
                      start_date=JULY, end_date=AUGUST, status=Status.PUBLISHED)
    talent = Talent(name="李同学", natural_key="talent", owner_org_id=college.id, major="机电一体化技术",
                    level=EducationLevel.HIGHER_VOCATIONAL, user_id=people["stu"].id, status=Status.PUBLISHED)
    teacher = Teacher(name="王老师", natural_key="teacher", owner_org_id=college.id, teacher_kind=TeacherKind.FULL_TIME,
                      user_id=people["wang"].id, status=Status.PUBLISHED)
    db.add_all([post, talent, teacher])
    db.flush()
    return {**people, "college": college, "maker": maker, "post": post, "talent": talent, "teacher": teacher}


def _internship(db: Session, w: dict[str, Any]) -> int:
    app_id = students.apply(db, w["talent"], w["post"].id).id
    students.decide_application(db, w["hr"], app_id, accept=True)
    with pytest.raises(AgreementError):
        ag.from_application(db, w["hr"], app_id)  # not yet accepted by the student
    students.answer_offer(db, w["stu"], app_id, accept=True)
    return ag.from_application(db, w["hr"], app_id).id


def test_an_internship_becomes_an_agreement_with_confirmed_months(db: Session, world: dict[str, Any]) -> None:
    agreement_id = _internship(db, world)
    agreement, side = ag.get_agreement(db, world["dean"], agreement_id)
    assert side == "partner" and agreement.kind is AgreementKind.INTERNSHIP and agreement.person_name == "李同学"
    assert (agreement.start_date, agreement.end_date) == (JULY, AUGUST)
    activity = ag.log_activity(db, world["hr"], agreement_id, "实习人月", "2", JULY, AUGUST, "两个月产线实习")
    assert activity.status is ActivityStatus.PENDING
    assert ag.totals(db).activity == {}  # not confirmed yet: not counted
    with pytest.raises(NotAllowed, match="另一方确认"):
        ag.answer_activity(db, world["hr"], activity.id, confirm=True)  # not one's own entry
    ag.answer_activity(db, world["dean"], activity.id, confirm=True)
    assert ag.totals(db).activity == {ActivityUnit.INTERNSHIP_MONTHS: Decimal("2.00")}
    assert ag.totals(db).agreements == {AgreementKind.INTERNSHIP: 1}
    with pytest.raises(AgreementError, match="已是「已确认」"):
        ag.answer_activity(db, world["dean"], activity.id, confirm=False, note="重复")
    with pytest.raises(AgreementError, match="已据此建立"):
        ag.from_application(db, world["hr"], agreement.source_id or 0)


def test_only_the_parties_the_person_and_staff_see_it(db: Session, world: dict[str, Any]) -> None:
    agreement_id = _internship(db, world)
    for who, side in (("hr", "enterprise"), ("dean", "partner"), ("stu", "person"), ("staff", "staff")):
        assert ag.get_agreement(db, world[who], agreement_id)[1] == side
        assert [a.id for a in ag.agreements_for(db, world[who])] == [agreement_id], who
    assert ag.agreements_for(db, world["third"]) == [] and ag.agreements_for(db, world["wang"]) == []
    with pytest.raises(NotFound):
        ag.get_agreement(db, world["third"], agreement_id)
    with pytest.raises(NotFound):
        ag.activities_of(db, world["third"], agreement_id)
    with pytest.raises(NotAllowed):
        ag.log_activity(db, world["stu"], agreement_id, "实习人月", "1", JULY, AUGUST)  # the person reads, parties log


def test_activity_and_amount_are_checked(db: Session, world: dict[str, Any]) -> None:
    agreement_id = _internship(db, world)
    cases = [(("授课课时", "2", JULY, AUGUST), "unit"), (("实习人月", "0", JULY, AUGUST), "quantity"),
             (("实习人月", "abc", JULY, AUGUST), "quantity"), (("实习人月", "-1", JULY, AUGUST), "quantity"),
             (("实习人月", "1e9", JULY, AUGUST), "quantity"), (("实习人月", "1", None, AUGUST), "period_start"),
             (("实习人月", "1", AUGUST, JULY), "period_end"), (("每周", "1", JULY, AUGUST), "unit")]
    for (unit, quantity, start, end), field in cases:
        with pytest.raises(AgreementError) as bad:
            ag.log_activity(db, world["hr"], agreement_id, unit, quantity, start, end)
        assert bad.value.field == field, (unit, quantity)
    disputed = ag.log_activity(db, world["hr"], agreement_id, "实习人月", "3", JULY, AUGUST)
    with pytest.raises(AgreementError, match="说明原因"):
        ag.answer_activity(db, world["dean"], disputed.id, confirm=False)
    assert ag.answer_activity(db, world["dean"], disputed.id, confirm=False, note="实际两个月").status is ActivityStatus.DISPUTED
    with pytest.raises(AgreementError) as unpaid:
        ag.record_agreement(db, world["hr"], "实习", "无金额的实习", world["maker"].id, world["college"].id, amount="5")
    assert unpaid.value.field == "amount_wan"
    for bad in ("abc", "-1", "NaN"):
        with pytest.raises(AgreementError):
            ag.record_agreement(db, world["hr"], "横向课题", "视觉检测", world["maker"].id, world["college"].id, amount=bad)
    paid = ag.record_agreement(db, world["hr"], "横向课题", "视觉检测", world["maker"].id, world["college"].id,
                               amount="12.5", start=JULY, end=AUGUST)
    assert paid.amount_wan == Decimal("12.50") and ag.totals(db).amount_wan == Decimal("12.50")
    with pytest.raises(NotAllowed):
        ag.record_agreement(db, world["third"], "横向课题", "不是本单位的", world["maker"].id, world["college"].id)
    with pytest.raises(AgreementError) as order:
        ag.record_agreement(db, world["hr"], "横向课题", "倒着的日期", world["maker"].id, world["college"].id,
                            start=AUGUST, end=JULY)
    assert order.value.field == "end_date"
    with pytest.raises(AgreementError) as kind:
        ag.record_agreement(db, world["hr"], "合资", "x", world["maker"].id, world["college"].id)
    assert kind.value.field == "kind"
    with pytest.raises(AgreementError) as parties:
        ag.record_agreement(db, world["hr"], "横向课题", "x", world["college"].id, world["maker"].id)
    assert parties.value.field == "enterprise_id"


def test_a_proposal_and_a_contact_become_agreements_and_count_as_load(db: Session, world: dict[str, Any]) -> None:
    proposal = proposals.propose(db, world["dean"], world["teacher"].id, world["maker"].id, "暑期产线PLC调试，4周")
    proposals.answer(db, world["hr"], proposal.id, accept=True, reply="欢迎")
    practice = ag.from_proposal(db, world["dean"], proposal.id)
    assert practice.kind is AgreementKind.TEACHER_PRACTICE and practice.person_name == "王老师"
    request = contacts.request_contact(db, world["hr"], Pool.TEACHER, world["teacher"], "consulting", "请王老师兼课")
    contacts.answer(db, world["wang"], request.id, accept=True)
    teaching = ag.from_contact(db, world["hr"], request.id, "企业兼职教师", "PLC课程兼职授课")
    assert teaching.enterprise_id == world["maker"].id and teaching.partner_id == world["college"].id
    assert ag.open_agreements(db, Pool.TEACHER, [world["teacher"].id]) == {world["teacher"].id: 2}
    ag.close_agreement(db, world["dean"], practice.id)
    assert ag.open_agreements(db, Pool.TEACHER, [world["teacher"].id]) == {world["teacher"].id: 1}
    with pytest.raises(NotAllowed):
        ag.close_agreement(db, world["wang"], teaching.id)  # the person reads; the parties close
