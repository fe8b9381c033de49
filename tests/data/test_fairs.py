"""双选会 events (data/workflows/fairs.py): the status steps, who may do what, students'
registration (capacity, deadline, once, withdraw), enterprises' posts (own and published only),
check-in, the fair's round over exactly its posts and students, the results board and the
messages after publishing, the 签到表."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import make_engine
from data.enums import AuditAction, FairStatus, OrgKind, Role, RoundStatus, Status
from data.errors import NotAllowed, NotFound
from data.models import AuditEntry, Notification, User
from data.workflows import fairs as fw
from data.workflows import rounds as rw
from data.workflows.fairs import FairError
from data.workflows.rounds import ResultRow
from tests.makers import make_internship, make_organization, make_talent, make_user

START = dt.datetime(2027, 4, 10, 1, 0, tzinfo=dt.timezone.utc)
BEFORE = dt.datetime(2027, 4, 1, tzinfo=dt.timezone.utc)  # "now" while registration is open
AFTER = dt.datetime(2027, 4, 9, 12, 0, tzinfo=dt.timezone.utc)  # past the deadline


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    school = make_organization(db, "示例职业学院", status=Status.PUBLISHED)
    maker = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    other = make_organization(db, "另一家企业", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    users = {"staff": make_user(db, "staff", Role.STAFF), "hr": make_user(db, "hr", Role.ENTERPRISE, maker.id),
             "other_hr": make_user(db, "ohr", Role.ENTERPRISE, other.id),
             "teacher": make_user(db, "teacher", Role.COLLEGE, school.id),
             "nobody": make_user(db, "nobody", Role.STUDENT, school.id)}  # a student without a profile
    talents = []
    for n, name in enumerate(("李同学", "赵同学", "钱同学")):
        users[f"s{n}"] = make_user(db, f"s{n}", Role.STUDENT, school.id)
        talents.append(make_talent(db, school.id, name, user_id=users[f"s{n}"].id, status=Status.PUBLISHED))
    posts = [make_internship(db, maker.id, f"岗位{n}", status=Status.PUBLISHED, seats=2) for n in range(2)]
    posts.append(make_internship(db, other.id, "别家岗位", status=Status.PUBLISHED, seats=1))
    posts.append(make_internship(db, maker.id, "待审岗位", status=Status.PENDING))
    event = fw.create_event(db, users["staff"], "2027 春季双选会", START, capacity=2, place="体育馆",
                            registration_deadline=AFTER - dt.timedelta(hours=1))
    return {"event": event, "posts": posts, "talents": talents, "maker": maker, "other": other, **users}


def _open(db: Session, world: dict[str, Any]) -> int:
    return fw.open_registration(db, world["staff"], world["event"].id).id


def test_statuses_step_in_order_and_only_staff_step_them(db: Session, world: dict[str, Any]) -> None:
    staff, eid = world["staff"], world["event"].id
    assert world["event"].status is FairStatus.DRAFT
    with pytest.raises(FairError, match="不能改为「进行中」"):
        fw.close_registration(db, staff, eid)
    for who in ("hr", "s0", "teacher"):
        with pytest.raises(NotAllowed):
            fw.open_registration(db, world[who], eid)
        with pytest.raises(NotAllowed):
            fw.create_event(db, world[who], "x", START, capacity=1, place="x")
    with pytest.raises(NotFound):
        fw.open_registration(db, staff, 999999)
    with pytest.raises(NotFound):
        fw.open_registration(db, staff, 0)
    assert fw.open_registration(db, staff, eid).status is FairStatus.OPEN
    assert fw.close_registration(db, staff, eid).status is FairStatus.RUNNING
    assert fw.finish(db, staff, eid).status is FairStatus.FINISHED
    with pytest.raises(FairError, match="已是「已结束」"):
        fw.finish(db, staff, eid)
    entries = list(db.scalars(select(AuditEntry.summary).where(AuditEntry.action == AuditAction.FAIR.value)
                              .order_by(AuditEntry.id)))
    assert entries == ["新建双选会「2027 春季双选会」", "双选会「2027 春季双选会」：报名中",
                       "双选会「2027 春季双选会」：进行中", "双选会「2027 春季双选会」：已结束"]


def test_creating_an_event_names_the_field_at_fault(db: Session, world: dict[str, Any]) -> None:
    staff = world["staff"]
    for kwargs, field, said in (
            ({"name": " "}, "name", "请填写双选会名称"), ({"starts_at": None}, "starts_at", "开始时间"),
            ({"ends_at": START - dt.timedelta(hours=1)}, "ends_at", "结束时间不能早于开始时间"),
            ({"place": " "}, "place", "请填写地点"), ({"place": None, "online_url": "ftp://x"}, "online_url", "http"),
            ({"capacity": 0}, "capacity", "学生容量"), ({"capacity": None}, "capacity", "学生容量"),
            ({"registration_deadline": START + dt.timedelta(days=1)}, "registration_deadline", "不能晚于")):
        args: dict[str, Any] = {"name": "双选会", "starts_at": START, "capacity": 10, "place": "礼堂", **kwargs}
        with pytest.raises(FairError, match=said) as raised:
            fw.create_event(db, staff, args.pop("name"), args.pop("starts_at"), **args)
        assert raised.value.field == field
    online = fw.create_event(db, staff, "线上双选会", START, capacity=500, online_url="https://meeting.example.cn/abc")
    assert (online.place, online.online_url) == (None, "https://meeting.example.cn/abc")


def test_a_draft_is_shown_to_staff_only(db: Session, world: dict[str, Any]) -> None:
    eid = world["event"].id
    with pytest.raises(NotFound):
        fw.visible_event(db, world["s0"], eid)
    with pytest.raises(NotFound):
        fw.register_student(db, world["s0"], eid, now=BEFORE)
    assert fw.list_events(db, world["s0"]) == [] and fw.list_events(db, world["staff"]) == [world["event"]]
    _open(db, world)
    assert fw.list_events(db, world["hr"]) == [world["event"]]


def test_students_register_themselves_once_within_capacity_and_before_the_deadline(db: Session, world: dict[str, Any]) -> None:
    eid = _open(db, world)
    assert fw.register_student(db, world["s0"], eid, now=BEFORE).talent_id == world["talents"][0].id
    with pytest.raises(FairError, match="您已报名"):
        fw.register_student(db, world["s0"], eid, now=BEFORE)
    for who in ("hr", "teacher", "staff"):
        with pytest.raises(NotAllowed, match="只有学生本人"):
            fw.register_student(db, world[who], eid, now=BEFORE)
    with pytest.raises(FairError, match="请先填写学生档案") as raised:
        fw.register_student(db, world["nobody"], eid, now=BEFORE)
    assert raised.value.field == "talent"
    with pytest.raises(FairError, match="报名已截止"):
        fw.register_student(db, world["s1"], eid, now=AFTER)
    fw.register_student(db, world["s1"], eid, now=BEFORE)
    with pytest.raises(FairError, match="名额已满（2 人）") as raised:
        fw.register_student(db, world["s2"], eid, now=BEFORE)
    assert raised.value.field == "capacity"
    assert fw.registered_count(db, eid) == 2
    with pytest.raises(FairError, match="报名已截止"):
        fw.withdraw_student(db, world["s1"], eid, now=AFTER)
    fw.withdraw_student(db, world["s1"], eid, now=BEFORE)  # a place is free again
    assert fw.register_student(db, world["s2"], eid, now=BEFORE).talent_id == world["talents"][2].id
    with pytest.raises(NotFound, match="您没有报名"):
        fw.withdraw_student(db, world["s1"], eid, now=BEFORE)
    fw.check_in(db, world["staff"], eid, "student", world["talents"][0].id)
    with pytest.raises(FairError, match="已签到"):
        fw.withdraw_student(db, world["s0"], eid, now=BEFORE)
    fw.close_registration(db, world["staff"], eid)
    with pytest.raises(FairError, match="不在报名期间"):
        fw.withdraw_student(db, world["s2"], eid, now=BEFORE)


def test_enterprises_register_their_own_published_posts(db: Session, world: dict[str, Any]) -> None:
    eid, posts, hr = _open(db, world), world["posts"], world["hr"]
    assert [p.id for p in fw.postable(db, hr)] == [posts[0].id, posts[1].id]
    assert fw.register_post(db, hr, eid, posts[0].id, now=BEFORE).seats == 2  # the post's own seats
    assert fw.register_post(db, hr, eid, posts[1].id, seats=5, now=BEFORE).seats == 5
    with pytest.raises(FairError, match="已报名本场双选会"):
        fw.register_post(db, hr, eid, posts[0].id, now=BEFORE)
    with pytest.raises(NotAllowed, match="本单位"):
        fw.register_post(db, hr, eid, posts[2].id, now=BEFORE)
    with pytest.raises(FairError, match="只能报名已发布的岗位"):
        fw.register_post(db, hr, eid, posts[3].id, now=BEFORE)
    with pytest.raises(NotFound):
        fw.register_post(db, hr, eid, 999999, now=BEFORE)
    with pytest.raises(FairError, match="招收人数") as raised:
        fw.register_post(db, world["other_hr"], eid, posts[2].id, seats=0, now=BEFORE)
    assert raised.value.field == "seats"
    for who in ("s0", "teacher", "staff"):
        with pytest.raises(NotAllowed):
            fw.register_post(db, world[who], eid, posts[0].id, now=BEFORE)
    with pytest.raises(FairError, match="报名已截止"):
        fw.register_post(db, world["other_hr"], eid, posts[2].id, now=AFTER)
    fw.register_post(db, world["other_hr"], eid, posts[2].id, now=BEFORE)
    assert [e.org_id for e in fw.exhibitors_of(db, eid)] == sorted([world["maker"].id, world["other"].id])
    with pytest.raises(NotAllowed, match="本单位"):
        fw.withdraw_post(db, hr, eid, posts[2].id, now=BEFORE)
    fw.withdraw_post(db, world["other_hr"], eid, posts[2].id, now=BEFORE)  # its last post: it leaves the fair
    assert [e.org_id for e in fw.exhibitors_of(db, eid)] == [world["maker"].id]
    with pytest.raises(NotFound):
        fw.withdraw_post(db, hr, eid, posts[2].id, now=BEFORE)
    fw.check_in(db, world["staff"], eid, "enterprise", world["maker"].id)
    with pytest.raises(FairError, match="本单位已签到"):
        fw.withdraw_post(db, hr, eid, posts[0].id, now=BEFORE)


def test_staff_check_in_and_undo_each_audited(db: Session, world: dict[str, Any]) -> None:
    eid, staff, li = _open(db, world), world["staff"], world["talents"][0]
    fw.register_student(db, world["s0"], eid, now=BEFORE)
    fw.register_post(db, world["hr"], eid, world["posts"][0].id, now=BEFORE)
    moment = dt.datetime(2027, 4, 10, 1, 30, tzinfo=dt.timezone.utc)
    assert fw.check_in(db, staff, eid, "student", li.id, now=moment) == "李同学"
    assert fw.check_in(db, staff, eid, "enterprise", world["maker"].id, now=moment) == "示例装备有限公司"
    attendee = fw.attendees_of(db, eid)[0]
    assert attendee.checked_in_at is not None and attendee.checked_in_by_id == staff.id
    fw.check_in(db, staff, eid, "student", li.id, now=moment + dt.timedelta(hours=1))  # again: the first time stays
    assert fw.attendees_of(db, eid)[0].checked_in_at == attendee.checked_in_at
    fw.check_in(db, staff, eid, "student", li.id, undo=True)
    assert fw.attendees_of(db, eid)[0].checked_in_at is None
    with pytest.raises(NotAllowed):
        fw.check_in(db, world["hr"], eid, "student", li.id)
    with pytest.raises(NotFound, match="报名学生"):
        fw.check_in(db, staff, eid, "student", world["talents"][1].id)
    with pytest.raises(NotFound, match="参会企业"):
        fw.check_in(db, staff, eid, "enterprise", world["other"].id)
    with pytest.raises(FairError, match="签到对象"):
        fw.check_in(db, staff, eid, "teacher", li.id)
    summaries = list(db.scalars(select(AuditEntry.summary).where(AuditEntry.action == AuditAction.FAIR.value,
                                                                 AuditEntry.summary.like("%签到%"))))
    assert summaries == ["双选会「2027 春季双选会」签到：李同学", "双选会「2027 春季双选会」签到：示例装备有限公司",
                         "双选会「2027 春季双选会」取消签到：李同学"]


def _fair_with_registrations(db: Session, world: dict[str, Any]) -> int:
    eid = _open(db, world)
    world["event"].capacity = 3
    for who in ("s0", "s1", "s2"):
        fw.register_student(db, world[who], eid, now=BEFORE)
    fw.register_post(db, world["hr"], eid, world["posts"][0].id, seats=3, now=BEFORE)
    fw.register_post(db, world["other_hr"], eid, world["posts"][2].id, now=BEFORE)
    fw.check_in(db, world["staff"], eid, "student", world["talents"][0].id)
    fw.check_in(db, world["staff"], eid, "student", world["talents"][2].id)
    return eid


def test_the_round_holds_exactly_the_fairs_posts_and_the_chosen_students(db: Session, world: dict[str, Any]) -> None:
    eid, staff, posts, talents = _fair_with_registrations(db, world), world["staff"], world["posts"], world["talents"]
    with pytest.raises(FairError, match="报名截止（进行中）后"):
        fw.create_round_for(db, staff, eid)
    fw.close_registration(db, staff, eid)
    with pytest.raises(NotAllowed):
        fw.create_round_for(db, world["hr"], eid)
    with pytest.raises(FairError, match="参加的学生应为以下之一"):
        fw.create_round_for(db, staff, eid, students="everyone")
    made = fw.create_round_for(db, staff, eid, max_choices=2)
    assert made.status is RoundStatus.DRAFT and made.max_choices == 2 and world["event"].round_id == made.id
    assert {(p.internship_id, p.seats) for p in rw.posts_of(db, made.id)} == {(posts[0].id, 3), (posts[2].id, 1)}
    assert [s.talent_id for s in rw.students_of(db, made.id)] == sorted([talents[0].id, talents[2].id])
    with pytest.raises(FairError, match="已经建立了双选轮次"):
        fw.create_round_for(db, staff, eid)
    world["event"].round_id = None  # as if that round were deleted: all the registered students this time
    again = fw.create_round_for(db, staff, eid, students="registered")
    assert [s.talent_id for s in rw.students_of(db, again.id)] == sorted(t.id for t in talents)
    assert db.scalar(select(AuditEntry.summary).where(AuditEntry.action == AuditAction.FAIR.value,
                                                      AuditEntry.summary.like("为双选会%"))) \
        == f"为双选会「2027 春季双选会」建立双选轮次「{made.name}」"


def test_a_fair_without_checked_in_students_or_posts_gets_no_round(db: Session, world: dict[str, Any]) -> None:
    eid = _open(db, world)
    fw.register_student(db, world["s0"], eid, now=BEFORE)
    fw.close_registration(db, world["staff"], eid)
    with pytest.raises(FairError, match="还没有企业报名岗位"):
        fw.create_round_for(db, world["staff"], eid)
    with pytest.raises(FairError, match="已结束|不在报名期间"):
        fw.register_post(db, world["hr"], eid, world["posts"][0].id, now=BEFORE)


def test_results_board_shows_published_placements_only_and_the_others_are_told(db: Session, world: dict[str, Any]) -> None:
    eid, staff, posts, talents = _fair_with_registrations(db, world), world["staff"], world["posts"], world["talents"]
    fw.register_post(db, world["hr"], eid, world["posts"][1].id, now=BEFORE)
    fw.close_registration(db, staff, eid)
    made = fw.create_round_for(db, staff, eid)  # 李 and 钱 (checked in); 赵 registered only
    board = fw.results_board(db, world["s1"], eid)
    assert not board.published and board.enterprises == []
    rw.open_round(db, staff, made.id)
    rw.close_round(db, staff, made.id)
    rw.store_results(db, staff, made.id, [ResultRow(talents[0].id, posts[0].id, 0.8, 1),
                                          ResultRow(talents[2].id, None, reason="full")])
    assert not fw.results_board(db, world["s1"], eid).published  # allocated, not yet published
    rw.publish(db, staff, made.id)
    told = fw.tell_published(db, made.id)
    board = fw.results_board(db, world["s1"], eid)
    assert board.published and board.placed == 1 and board.students == 2
    assert [(e.name, e.placed) for e in board.enterprises] == [("示例装备有限公司", 1), ("另一家企业", 0)]
    maker_posts = {p.name: p.placed for p in board.enterprises[0].posts}
    assert maker_posts == {"岗位0": [("李**", "示例职业学院")], "岗位1": []}
    # 赵 (left out of the round) and the other enterprise (nothing placed) hear from the fair.
    assert told == 2
    link = f"/fairs/{eid}/results"
    heard = set(db.scalars(select(Notification.user_id).where(Notification.link == link)))
    assert heard == {world["s1"].id, world["other_hr"].id}
    assert fw.tell_published(db, 999999) == 0


def test_the_checkin_list_exports_enterprises_then_students(db: Session, world: dict[str, Any], tmp_path: Path) -> None:
    eid = _fair_with_registrations(db, world)
    with pytest.raises(NotAllowed):
        fw.export_checkin(db, world["hr"], eid, tmp_path / "x.xlsx")
    assert fw.export_checkin(db, world["staff"], eid, tmp_path / "签到表.xlsx") == 5
    rows = list(load_workbook(tmp_path / "签到表.xlsx").active.iter_rows(values_only=True))
    assert rows[0] == fw.CHECKIN_HEADERS
    assert [(r[0], r[1], r[2], r[6]) for r in rows[1:]] == [
        (1, "企业", "示例装备有限公司", "未签到"), (2, "企业", "另一家企业", "未签到"), (3, "学生", "李同学", "已签到"),
        (4, "学生", "赵同学", "未签到"), (5, "学生", "钱同学", "已签到")]
    assert rows[1][4] == "岗位0（3 人）" and rows[3][3] == "示例职业学院"
    assert db.scalar(select(AuditEntry.summary).where(AuditEntry.action == AuditAction.EXPORT.value)) \
        == "导出双选会「2027 春季双选会」签到表（5 行）"


@pytest.mark.parametrize("live_db", ["postgresql"], indirect=True)
def test_two_students_cannot_take_the_last_place_at_once(live_db: str) -> None:
    """The second registration waits for the first one's commit, then finds the fair full."""
    engine = make_engine(live_db)
    with Session(engine) as s:
        school = make_organization(s, "示例职业学院", status=Status.PUBLISHED)
        staff = make_user(s, "staff", Role.STAFF)
        students = [make_user(s, f"s{n}", Role.STUDENT, school.id) for n in range(2)]
        for n, user in enumerate(students):
            make_talent(s, school.id, f"学生{n}", user_id=user.id, status=Status.PUBLISHED)
        event = fw.create_event(s, staff, "一个名额", START, capacity=1, place="礼堂")
        fw.open_registration(s, staff, event.id)
        s.commit()
        eid, ids = event.id, [u.id for u in students]
    first, second = Session(engine), Session(engine)
    outcome: dict[str, str] = {}

    def register_second() -> None:
        try:
            fw.register_student(second, second.get_one(User, ids[1]), eid, now=BEFORE)
            second.commit()
            outcome["second"] = "registered"
        except FairError as exc:
            second.rollback()
            outcome["second"] = str(exc)

    try:
        fw.register_student(first, first.get_one(User, ids[0]), eid, now=BEFORE)  # holds the event's row
        waiting = threading.Thread(target=register_second)
        waiting.start()
        waiting.join(1.0)
        assert waiting.is_alive() and not outcome  # blocked on the lock
        first.commit()
        waiting.join(10)
        assert outcome == {"second": "本场双选会学生名额已满（1 人）"}
        assert fw.registered_count(first, eid) == 1
    finally:
        first.close()
        second.close()
        engine.dispose()
