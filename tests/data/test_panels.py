"""Expert review panels (data/workflows/panels.py): the status steps and the refused ones, who may
do what, answers only on one's own seat, score validation, aggregation and outliers on hand
numbers, and the summary's columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.enums import OrgKind, PanelStatus, Role, SeatStatus, Status
from data.errors import NotAllowed, NotFound
from data.models import AuditEntry, Notification
from data.workflows import panels as pw
from data.workflows.panels import PanelError, SeatRow
from tests.makers import make_achievement, make_expert, make_organization, make_project, make_user


@pytest.fixture
def world(db: Session) -> dict[str, Any]:
    firm = make_organization(db, "示例装备有限公司", OrgKind.ENTERPRISE, status=Status.PUBLISHED)
    college = make_organization(db, "示例理工大学", status=Status.PUBLISHED)
    users = {"staff": make_user(db, "staff", Role.STAFF), "hr": make_user(db, "hr", Role.ENTERPRISE, firm.id),
             "wang": make_user(db, "wang", Role.EXPERT, college.id), "liu": make_user(db, "liu", Role.EXPERT, college.id)}
    experts = [make_expert(db, college.id, "王专家", user_id=users["wang"].id, status=Status.PUBLISHED),
               make_expert(db, college.id, "刘专家", user_id=users["liu"].id, status=Status.PUBLISHED),
               make_expert(db, college.id, "陈专家", status=Status.PUBLISHED)]
    need = make_project(db, firm.id, "焊接质量检测难题", status=Status.PUBLISHED)
    result = make_achievement(db, college.id, "视觉检测成果", status=Status.PUBLISHED)
    batch = pw.create_batch(db, users["staff"], "2027 论证", [need.id], [result.id], panel_size=2)
    items = pw.items_of(db, batch.id)
    return {"batch": batch, "items": items, "experts": experts, "need": need, **users}


def _assign_and_invite(db: Session, w: dict[str, Any]) -> list[Any]:
    item = w["items"][0].id
    pw.store_assignment(db, w["staff"], w["batch"].id,
                        [SeatRow(item, w["experts"][0].id, 0.8, ["领域相符"]), SeatRow(item, w["experts"][1].id, 0.6)])
    pw.invite(db, w["staff"], w["batch"].id)
    return pw.seats_of(db, w["batch"].id)


def test_statuses_step_in_order(db: Session, world: dict[str, Any]) -> None:
    staff, bid = world["staff"], world["batch"].id
    assert world["batch"].status is PanelStatus.DRAFT
    assert world["batch"].criteria == ["创新性", "可行性", "转化前景"]
    with pytest.raises(PanelError, match="「草稿」，不能发送邀请"):
        pw.invite(db, staff, bid)
    seats = _assign_and_invite(db, world)
    assert pw.get_batch(db, bid).status is PanelStatus.INVITED
    assert {s.status for s in seats} == {SeatStatus.INVITED}
    told = db.scalars(select(Notification.user_id)).all()
    assert set(told) == {world["wang"].id, world["liu"].id}
    with pytest.raises(PanelError, match="「已邀请」，不能重新分配"):
        pw.store_assignment(db, staff, bid, [])
    with pytest.raises(PanelError, match="不能结束评审"):
        pw.finish(db, staff, bid)
    logged = db.scalars(select(AuditEntry.summary).where(AuditEntry.action == "panel").order_by(AuditEntry.id)).all()
    assert logged == ["新建专家评审批次「2027 论证」", "专家评审「2027 论证」：已分配 2 个席位", "专家评审「2027 论证」：邀请 2 位专家"]


def test_roles_and_ids(db: Session, world: dict[str, Any]) -> None:
    with pytest.raises(NotAllowed):
        pw.create_batch(db, world["hr"], "x", [world["need"].id])
    with pytest.raises(NotAllowed):
        pw.invite(db, world["wang"], world["batch"].id)
    with pytest.raises(NotFound):
        pw.get_batch(db, 99999)
    with pytest.raises(PanelError, match="没有编号为 99999 的已发布需求"):
        pw.create_batch(db, world["staff"], "x", [99999])
    with pytest.raises(PanelError, match="请至少选择一个需求或成果"):
        pw.create_batch(db, world["staff"], "x", [], [])
    with pytest.raises(PanelError, match="每项评审专家数"):
        pw.create_batch(db, world["staff"], "x", [world["need"].id], panel_size=0)


def test_answers_only_on_own_seat_and_scores_validated(db: Session, world: dict[str, Any]) -> None:
    wang_seat, liu_seat = _assign_and_invite(db, world)
    with pytest.raises(NotFound):
        pw.respond(db, world["liu"], wang_seat.id, True)
    with pytest.raises(NotAllowed):
        pw.respond(db, world["hr"], wang_seat.id, True)
    with pytest.raises(PanelError, match="接受后才能评分"):
        pw.submit_scores(db, world["wang"], wang_seat.id, {"创新性": 80, "可行性": 70, "转化前景": 60})
    assert pw.respond(db, world["wang"], wang_seat.id, True).status is SeatStatus.ACCEPTED
    with pytest.raises(PanelError, match="不能再答复"):
        pw.respond(db, world["wang"], wang_seat.id, False)
    with pytest.raises(PanelError, match="请为「转化前景」评分"):
        pw.submit_scores(db, world["wang"], wang_seat.id, {"创新性": 80, "可行性": 70})
    for bad in ("101", "-1", "nan", "inf", "很好"):
        with pytest.raises(PanelError, match="「可行性」的评分应"):
            pw.submit_scores(db, world["wang"], wang_seat.id, {"创新性": 80, "可行性": bad, "转化前景": 60})
    pw.submit_scores(db, world["wang"], wang_seat.id, {"创新性": "80", "可行性": 70, "转化前景": 60}, "思路清晰")
    assert pw.get_batch(db, world["batch"].id).status is PanelStatus.SCORING
    assert pw.respond(db, world["liu"], liu_seat.id, False).status is SeatStatus.DECLINED
    inputs = pw.inputs_of(db, world["batch"].id)
    assert inputs.declined == {(liu_seat.item_id, liu_seat.expert_id)}
    refilled = pw.add_seats(db, world["staff"], world["batch"].id, [SeatRow(liu_seat.item_id, world["experts"][2].id)])
    assert refilled[0].status is SeatStatus.INVITED


def test_declared_conflict_declines_and_is_remembered(db: Session, world: dict[str, Any]) -> None:
    wang_seat, _ = _assign_and_invite(db, world)
    with pytest.raises(PanelError, match="请说明回避原因"):
        pw.declare_conflict(db, world["wang"], wang_seat.id, " ")
    pw.declare_conflict(db, world["wang"], wang_seat.id, "曾参与该项目前期论证")
    assert wang_seat.status is SeatStatus.DECLINED
    assert pw.inputs_of(db, world["batch"].id).declared == {(wang_seat.item_id, wang_seat.expert_id)}


def test_summary_on_hand_numbers() -> None:
    scored = {"甲": {"创新性": 80.0, "可行性": 90.0}, "乙": {"创新性": 70.0, "可行性": 80.0},
              "丙": {"创新性": 30.0, "可行性": 40.0}}
    means, overall, spread, outliers = pw.summarize(["创新性", "可行性"], scored)
    assert means == {"创新性": 60.0, "可行性": 70.0}
    assert overall == 65.0  # overalls 85, 75, 35
    assert spread == 50.0
    assert outliers == ["丙"]  # |85-65| = 20 is not more than 20; |35-65| = 30 is
    assert pw.summarize(["创新性"], {}) == ({}, None, None, [])


def test_export_columns(db: Session, world: dict[str, Any], tmp_path: Path) -> None:
    wang_seat, liu_seat = _assign_and_invite(db, world)
    for user, seat, value in ((world["wang"], wang_seat, 80), (world["liu"], liu_seat, 40)):
        pw.respond(db, user, seat.id, True)
        pw.submit_scores(db, user, seat.id, {"创新性": value, "可行性": value, "转化前景": value}, f"{value} 分的意见")
    path = tmp_path / "summary.xlsx"
    assert pw.export_summary(db, world["staff"], world["batch"].id, path) == 2
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("编号", "类型", "名称", "评审专家", "创新性均分", "可行性均分", "转化前景均分", "综合均分",
                       "分差", "离群评分", "评审意见")
    assert rows[1][:10] == (world["need"].id, "需求", "焊接质量检测难题", "王专家、刘专家", 60, 60, 60, 60, 40, None)
    assert "王专家：80 分的意见" in rows[1][10]
    with pytest.raises(NotAllowed):
        pw.export_summary(db, world["wang"], world["batch"].id, path)
