"""Applications as people use them (data/workflows/students.py): every status step, who may
take it, the ones refused, seats, the résumé as sent, messages between the two sides."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import ApplicationRejection, ApplicationStatus as S, EducationLevel, JobKind, NotificationKind, OrgKind, Role, Status
from data.errors import NotAllowed, NotFound
from data.models import Internship, Notification, Organization, Talent
from data.workflows import students as st
from data.workflows.accounts import create_user
from data.workflows.students import StudentError

SOON = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)


@pytest.fixture
def world(db: Session, make_org: Callable[..., Organization]) -> dict[str, Any]:
    college, maker, other = make_org("示例职业学院"), make_org("示例装备有限公司", OrgKind.ENTERPRISE), make_org("别家", OrgKind.ENTERPRISE)
    people = {"hr": create_user(db, "hr", "secret-pass", "人事", Role.ENTERPRISE, maker.id),
              "stranger": create_user(db, "stranger", "secret-pass", "别家人事", Role.ENTERPRISE, other.id),
              "staff": create_user(db, "staff", "secret-pass", "秘书处", Role.STAFF, None)}
    post = Internship(name="PLC实习生", natural_key="post", owner_org_id=maker.id, job_kind=JobKind.INTERNSHIP, seats=1,
                      status=Status.PUBLISHED)
    db.add(post)
    talents = []
    for i in range(3):
        user = create_user(db, f"stu{i}", "secret-pass", f"学生{i}", Role.STUDENT, college.id)
        talents.append(Talent(name=f"学生{i}", natural_key=f"t{i}", owner_org_id=college.id, major="机电一体化技术",
                              level=EducationLevel.HIGHER_VOCATIONAL, skills=["PLC编程"], user_id=user.id,
                              status=Status.PUBLISHED))
        people[f"stu{i}"] = user
    db.add_all(talents)
    db.flush()
    return {**people, "post": post, "talents": talents}


def _apply(db: Session, world: dict[str, Any], i: int = 0) -> int:
    return st.apply(db, world["talents"][i], world["post"].id, cover_letter=f"我是学生{i}，熟悉PLC编程。").id


def test_the_whole_way_to_an_accepted_offer(db: Session, world: dict[str, Any]) -> None:
    app_id = _apply(db, world)
    application = st.application_for(db, world["hr"], app_id)[0]
    assert application.cover_letter.startswith("我是学生0") and application.resume["专业"] == "机电一体化技术"
    world["talents"][0].major = "工业机器人技术"  # the profile changes later; the résumé as sent does not
    db.flush()
    assert st.mark_viewed(db, world["hr"], app_id).status is S.VIEWED
    assert st.mark_viewed(db, world["hr"], app_id).status is S.VIEWED  # once
    assert st.mark_viewed(db, world["stu0"], app_id).status is S.VIEWED  # the student's own view changes nothing
    st.invite_to_interview(db, world["hr"], app_id, SOON, "线上（腾讯会议 123）", "请准备作品")
    again = st.invite_to_interview(db, world["hr"], app_id, SOON + dt.timedelta(days=1), "公司三楼")  # rescheduled
    assert again.status is S.INTERVIEW and again.interview_place == "公司三楼"
    assert st.decide_application(db, world["hr"], app_id, accept=True, note="欢迎加入").status is S.ACCEPTED
    assert st.answer_offer(db, world["stu0"], app_id, accept=True).status is S.CONFIRMED
    assert application.resume["专业"] == "机电一体化技术"
    kinds = [n.title for n in db.scalars(select(Notification).where(Notification.user_id == world["stu0"].id)
                                         .order_by(Notification.id))]
    assert kinds == ["「PLC实习生」：已查看", "「PLC实习生」：面试邀请", "「PLC实习生」：面试邀请", "「PLC实习生」：已录用"]
    told_org = db.scalars(select(Notification.title).where(Notification.user_id == world["hr"].id)).all()
    assert "「学生0」已接受「PLC实习生」" in told_org


def test_refused_steps(db: Session, world: dict[str, Any]) -> None:
    app_id = _apply(db, world)
    with pytest.raises(NotAllowed, match="只能由学生本人"):
        st.withdraw_application(db, world["hr"], app_id)
    with pytest.raises(NotAllowed, match="只能由企业"):
        st.decide_application(db, world["stu0"], app_id, accept=True)
    with pytest.raises(StudentError, match="不能改为「已接受」"):
        st.answer_offer(db, world["stu0"], app_id, accept=True)  # no offer yet
    with pytest.raises(NotFound):
        st.mark_viewed(db, world["stranger"], app_id)  # another organization: not even confirmed
    with pytest.raises(NotFound):
        st.withdraw_application(db, world["stu1"], app_id)  # another student
    with pytest.raises(NotFound):
        st.mark_viewed(db, world["hr"], 2**40)
    with pytest.raises(StudentError) as when:
        st.invite_to_interview(db, world["hr"], app_id, None, "线上")
    assert when.value.field == "interview_at"
    with pytest.raises(StudentError) as past:
        st.invite_to_interview(db, world["hr"], app_id, SOON - dt.timedelta(days=30), "线上")
    assert past.value.field == "interview_at"
    with pytest.raises(StudentError) as place:
        st.invite_to_interview(db, world["hr"], app_id, SOON, "  ")
    assert place.value.field == "interview_place"
    with pytest.raises(StudentError) as reason:
        st.decide_application(db, world["hr"], app_id, accept=False, reason="看不顺眼")
    assert reason.value.field == "reason"
    rejected = st.decide_application(db, world["hr"], app_id, accept=False, reason="专业不对口", note="方向不同")
    assert rejected.status is S.REJECTED and rejected.reject_reason is ApplicationRejection.MAJOR
    for step in (lambda: st.withdraw_application(db, world["stu0"], app_id),
                 lambda: st.decide_application(db, world["hr"], app_id, accept=True),
                 lambda: st.invite_to_interview(db, world["hr"], app_id, SOON, "线上")):
        with pytest.raises(StudentError, match="已是「未录用」"):
            step()
    with pytest.raises(StudentError) as letter:
        st.apply(db, world["talents"][1], world["post"].id, cover_letter="长" * (st.COVER_LETTER_MAX + 1))
    assert letter.value.field == "cover_letter"


def test_withdrawing_and_applying_again(db: Session, world: dict[str, Any]) -> None:
    app_id = _apply(db, world)
    st.invite_to_interview(db, world["hr"], app_id, SOON, "线上")
    assert st.withdraw_application(db, world["stu0"], app_id).status is S.WITHDRAWN
    again = st.apply(db, world["talents"][0], world["post"].id, cover_letter="再次申请")
    assert again.id == app_id and again.status is S.SUBMITTED and again.interview_at is None
    assert again.cover_letter == "再次申请"


def test_seats_hold_offers_and_a_declined_offer_frees_its_seat(db: Session, world: dict[str, Any]) -> None:
    first, second = _apply(db, world, 0), _apply(db, world, 1)
    st.decide_application(db, world["hr"], first, accept=True)  # the only seat
    with pytest.raises(StudentError, match="名额已满"):
        st.decide_application(db, world["hr"], second, accept=True)
    with pytest.raises(StudentError, match="名额已满"):
        _apply(db, world, 2)
    st.answer_offer(db, world["stu0"], first, accept=False)  # 已放弃
    assert st.decide_application(db, world["hr"], second, accept=True).status is S.ACCEPTED
    assert st.seats_taken(db, world["post"].id) == 1


def test_messages_go_to_the_other_side(db: Session, world: dict[str, Any]) -> None:
    app_id = _apply(db, world)
    st.post_message(db, world["stu0"], app_id, "请问实习地点在哪里？")
    st.post_message(db, world["staff"], app_id, "在黄埔厂区。")
    thread = st.messages_of(db, world["hr"], app_id)
    assert [(m.from_student, m.text) for m in thread] == [(True, "请问实习地点在哪里？"), (False, "在黄埔厂区。")]
    assert st.messages_of(db, world["stu0"], app_id) == thread
    with pytest.raises(NotFound):
        st.messages_of(db, world["stranger"], app_id)
    with pytest.raises(StudentError) as empty:
        st.post_message(db, world["stu0"], app_id, "   ")
    assert empty.value.field == "text"
    titles = db.scalars(select(Notification.title).where(Notification.user_id == world["stu0"].id,
                                                         Notification.kind == NotificationKind.APPLICATION_STATUS)).all()
    assert "「示例装备有限公司」就「PLC实习生」给您留言" in titles
