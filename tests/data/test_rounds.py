"""双选 rounds (data/workflows/rounds.py): the status steps and the refused ones, who may do
what, the limits on choices, marks only on one's own posts, publishing (offers and messages) and
the placement list's columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import ApplicationStatus, OrgKind, Role, RoundMark, RoundStatus, Status
from data.errors import NotAllowed, NotFound
from data.models import Application, Notification
from data.workflows import rounds as rw
from data.workflows.rounds import ResultRow, RoundError
from tests.makers import make_internship, make_organization, make_talent, make_user


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    school = make_organization(db, "示例职业学院", status=Status.PUBLISHED)
    maker = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    other = make_organization(db, "另一家企业", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    users = {"staff": make_user(db, "staff", Role.STAFF), "hr": make_user(db, "hr", Role.ENTERPRISE, maker.id),
             "other_hr": make_user(db, "ohr", Role.ENTERPRISE, other.id),
             "li": make_user(db, "li", Role.STUDENT, school.id), "zhao": make_user(db, "zhao", Role.STUDENT, school.id)}
    posts = [make_internship(db, maker.id, f"岗位{n}", status=Status.PUBLISHED, seats=1) for n in range(3)]
    posts.append(make_internship(db, other.id, "别家岗位", status=Status.PUBLISHED, seats=1))
    talents = [make_talent(db, school.id, "李同学", user_id=users["li"].id, status=Status.PUBLISHED),
               make_talent(db, school.id, "赵同学", user_id=users["zhao"].id, status=Status.PUBLISHED)]
    made = rw.create_round(db, users["staff"], "2027 暑期双选", [p.id for p in posts], [t.id for t in talents],
                           max_choices=2)
    return {"round": made, "posts": posts, "talents": talents, **users}


def test_statuses_step_in_order_and_refuse_skips(db: Session, world: dict[str, Any]) -> None:
    staff, rid = world["staff"], world["round"].id
    assert world["round"].status is RoundStatus.DRAFT
    with pytest.raises(RoundError, match="不能改为「填报截止」"):
        rw.close_round(db, staff, rid)
    with pytest.raises(RoundError, match="只有填报截止后才能分配"):
        rw.store_results(db, staff, rid, [])
    assert rw.open_round(db, staff, rid).status is RoundStatus.OPEN
    with pytest.raises(RoundError):
        rw.open_round(db, staff, rid)
    with pytest.raises(RoundError, match="不能改为「已发布」"):
        rw.publish(db, staff, rid)
    rw.close_round(db, staff, rid)
    assert rw.store_results(db, staff, rid, []).status is RoundStatus.ALLOCATED
    assert rw.store_results(db, staff, rid, []).status is RoundStatus.ALLOCATED  # a rerun
    rw.publish(db, staff, rid)
    assert rw.get_round(db, rid).status is RoundStatus.PUBLISHED
    with pytest.raises(RoundError):
        rw.store_results(db, staff, rid, [])


def test_only_staff_run_a_round_and_unknown_ids_are_not_found(db: Session, world: dict[str, Any]) -> None:
    for who in ("hr", "li"):
        with pytest.raises(NotAllowed):
            rw.open_round(db, world[who], world["round"].id)
        with pytest.raises(NotAllowed):
            rw.create_round(db, world[who], "x", [world["posts"][0].id], [world["talents"][0].id])
    with pytest.raises(NotFound):
        rw.open_round(db, world["staff"], 999999)
    with pytest.raises(RoundError, match="没有编号为 999999 的已发布岗位"):
        rw.create_round(db, world["staff"], "x", [999999], [world["talents"][0].id])
    with pytest.raises(RoundError, match="请填写轮次名称"):
        rw.create_round(db, world["staff"], " ", [world["posts"][0].id], [world["talents"][0].id])


def test_choices_only_while_open_within_the_limit_and_of_the_rounds_posts(db: Session, world: dict[str, Any]) -> None:
    li, rid, posts = world["li"], world["round"].id, world["posts"]
    with pytest.raises(NotFound):  # a draft is not shown to students
        rw.set_choices(db, li, rid, [posts[0].id])
    rw.open_round(db, world["staff"], rid)
    assert rw.set_choices(db, li, rid, [posts[1].id, posts[0].id]) == [posts[1].id, posts[0].id]
    assert rw.student_view(db, li, rid)[2] == [posts[1].id, posts[0].id]
    with pytest.raises(RoundError, match="最多填报 2 个志愿"):
        rw.set_choices(db, li, rid, [p.id for p in posts[:3]])
    with pytest.raises(RoundError, match="重复"):
        rw.set_choices(db, li, rid, [posts[0].id, posts[0].id])
    outsider = make_internship(db, posts[0].owner_org_id, "不在本轮", status=Status.PUBLISHED)
    with pytest.raises(RoundError, match="不在本轮"):
        rw.set_choices(db, li, rid, [outsider.id])
    with pytest.raises(NotAllowed):
        rw.set_choices(db, world["hr"], rid, [posts[0].id])
    assert rw.set_choices(db, li, rid, []) == []
    world["round"].student_deadline = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    with pytest.raises(RoundError, match="已截止"):
        rw.set_choices(db, li, rid, [posts[0].id])
    world["round"].student_deadline = None
    rw.close_round(db, world["staff"], rid)
    with pytest.raises(RoundError, match="不能修改志愿"):
        rw.set_choices(db, li, rid, [posts[0].id])


def test_marks_only_on_own_posts(db: Session, world: dict[str, Any]) -> None:
    rid, posts, li = world["round"].id, world["posts"], world["talents"][0]
    rw.open_round(db, world["staff"], rid)
    rw.set_choices(db, world["li"], rid, [posts[2].id])
    assert rw.set_marks(db, world["hr"], rid, posts[0].id, {li.id: "不接受"}) == {li.id: RoundMark.NOT_ACCEPTABLE}
    with pytest.raises(NotAllowed, match="本单位"):
        rw.set_marks(db, world["other_hr"], rid, posts[0].id, {li.id: "优先"})
    with pytest.raises(NotAllowed):
        rw.set_marks(db, world["li"], rid, posts[0].id, {li.id: "优先"})
    with pytest.raises(RoundError, match="标记应为以下之一"):
        rw.set_marks(db, world["hr"], rid, posts[0].id, {li.id: "很好"})
    _, _, applicants = rw.applicants_of(db, world["hr"], rid, posts[2].id)
    assert applicants[0].talent.id == li.id and applicants[0].choice_rank == 1
    inputs = rw.inputs_of(db, rid)
    assert inputs.marks == {posts[0].id: {li.id: RoundMark.NOT_ACCEPTABLE}} and inputs.choices == {li.id: [posts[2].id]}
    rw.set_marks(db, world["hr"], rid, posts[0].id, {li.id: ""})
    assert rw.inputs_of(db, rid).marks == {}


def _allocate(db: Session, world: dict[str, Any]) -> None:
    rid, posts, (li, zhao) = world["round"].id, world["posts"], world["talents"]
    rw.open_round(db, world["staff"], rid)
    rw.close_round(db, world["staff"], rid)
    rw.store_results(db, world["staff"], rid, [
        ResultRow(li.id, posts[0].id, 0.8, 1),
        ResultRow(zhao.id, None, reason="full", alternatives=[{"post": posts[1].id, "score": 0.5, "obstacle": "full",
                                                               "label": "已满员"}])])


def test_publish_makes_offers_and_tells_everyone(db: Session, world: dict[str, Any]) -> None:
    _allocate(db, world)
    offers = rw.publish(db, world["staff"], world["round"].id)
    assert [(o.talent_id, o.internship_id, o.status) for o in offers] == [
        (world["talents"][0].id, world["posts"][0].id, ApplicationStatus.ACCEPTED)]
    assert db.scalar(select(Application).where(Application.talent_id == world["talents"][1].id)) is None
    told = {n.user_id: n.title for n in db.scalars(select(Notification).where(Notification.title.contains("结果")))}
    assert "岗位0" in told[world["li"].id] and "未安置" in told[world["zhao"].id] and "录用 1 人" in told[world["hr"].id]
    assert world["other_hr"].id not in told
    _, _, _, result = rw.student_view(db, world["zhao"], world["round"].id)
    assert result is not None and result.reason == "full" and result.published


def test_export_has_the_placement_columns(db: Session, world: dict[str, Any], tmp_path: Path) -> None:
    _allocate(db, world)
    path = tmp_path / "安置名单.xlsx"
    assert rw.export_results(db, world["staff"], world["round"].id, path) == 2
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == rw.EXPORT_HEADERS
    assert rows[1][:7] == ("李同学", "示例职业学院", "工业机器人技术", "岗位0", "示例装备有限公司", 80, 1)  # the score as the site shows it (0–100)
    assert rows[2][0] == "赵同学" and rows[2][7] == rw.REASON_LABELS["full"] and rows[2][8] == "岗位1（已满员）"
    with pytest.raises(NotAllowed):
        rw.export_results(db, world["hr"], world["round"].id, path)
