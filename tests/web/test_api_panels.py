"""Review panels through the API (``/api/v1/panels``, ``/api/v1/panel-seats``): staff create a
batch over the hand-built world's vision need, run and invite; the chosen expert declines, staff
refill the seat, the new expert accepts and scores every criterion; another expert declares a
conflict; staff read the 评分汇总 and finish. Every refusal: no login 401, wrong role 403,
unknown id 404, a malformed body 400 naming the field in Chinese — and nothing written by a
refused call."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role, SeatStatus
from data.models import Expert, ReviewBatch, ReviewConflict, ReviewScore, ReviewSeat, User
from tests.matcher.world import World
from tests.web.helpers import bearer, refused, row_count, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_panels.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("chen", "陈视觉", Role.EXPERT, "gz_college"), ("zhao", "赵繁忙", Role.EXPERT, "cq_college"),
                       ("li", "李发酵", Role.EXPERT, "cq_college"), ("maker", "智视人事", Role.ENTERPRISE, "maker"),
                       ("staff", "秘书处", Role.STAFF, None))
    with session_scope() as s:
        for username, key in (("chen", "vision_expert"), ("zhao", "busy_expert"), ("li", "ferment_expert")):
            s.get_one(Expert, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
    return world


def _seats() -> dict[int, tuple[int, SeatStatus]]:
    with session_scope() as s:
        return {seat.expert_id: (seat.id, seat.status) for seat in s.scalars(select(ReviewSeat))}


def test_a_batch_from_set_up_to_finished(client: FlaskClient, world: World) -> None:
    ids = world.ids
    staff, maker = bearer("staff"), bearer("maker")
    tokens = {ids["vision_expert"]: bearer("chen"), ids["busy_expert"]: bearer("zhao"), ids["ferment_expert"]: bearer("li")}
    asked = {"name": "视觉检测论证", "project_ids": [ids["vision_need"]], "panel_size": 1, "criteria": ["创新性", "可行性"]}

    assert client.get("/api/v1/panels").status_code == 401
    refused(client.get("/api/v1/panels", headers=maker), 403, said="秘书处")
    refused(client.post("/api/v1/panels", json=asked, headers=maker), 403)
    refused(client.post("/api/v1/panels", json={**asked, "name": None}, headers=staff), 400, "name", "缺少「name」")
    refused(client.post("/api/v1/panels", json={**asked, "panel_size": "1e9"}, headers=staff), 400, "panel_size", "应为整数")
    refused(client.post("/api/v1/panels", json={**asked, "panel_size": 10**9}, headers=staff), 400, "panel_size",
             "每项评审专家数")
    refused(client.post("/api/v1/panels", json={**asked, "project_ids": ["九"]}, headers=staff), 400, "project_ids",
             "需求编号应为整数")
    refused(client.post("/api/v1/panels", json={**asked, "project_ids": [999999]}, headers=staff), 400, "project_ids",
             "没有编号为 999999 的已发布需求")
    refused(client.post("/api/v1/panels", json={**asked, "criteria": "创新性"}, headers=staff), 400, "criteria", "应为数组")
    assert row_count(ReviewBatch) == 0

    created = client.post("/api/v1/panels", json=asked, headers=staff)
    assert created.status_code == 201, created.get_json()
    bid = created.get_json()["id"]
    assert created.get_json()["criteria"] == ["创新性", "可行性"] and created.get_json()["status"]["code"] == "draft"
    assert [b["id"] for b in client.get("/api/v1/panels", headers=staff).get_json()["items"]] == [bid]
    refused(client.post(f"/api/v1/panels/{bid}/run", headers=maker), 403)
    refused(client.post("/api/v1/panels/999999/run", headers=staff), 404, said="999999")
    refused(client.get("/api/v1/panels/999999", headers=staff), 404)
    refused(client.post(f"/api/v1/panels/{bid}/finish", headers=staff), 400, "status")
    ran = client.post(f"/api/v1/panels/{bid}/run", headers=staff).get_json()
    [item] = ran["items"]
    assert item["record_id"] == ids["vision_need"] and item["kind"] == "需求" and len(item["seats"]) == 1
    first = item["seats"][0]["expert"]["id"]
    assert first != ids["own_expert"] and ran["figures"]["conflicts"]["value"] == 0
    invited = client.post(f"/api/v1/panels/{bid}/invite", headers=staff)
    assert invited.status_code == 200 and invited.get_json()["status"]["code"] == "invited"

    # The chosen expert declines; staff refill the seat.
    expert = tokens[first]
    refused(client.get("/api/v1/panel-seats", headers=maker), 403)
    [seat] = client.get("/api/v1/panel-seats", headers=expert).get_json()["items"]
    seat_id = seat["id"]
    assert seat["status"]["code"] == "invited" and seat["batch"]["criteria"] == ["创新性", "可行性"]
    assert seat["item"]["name"] and seat["scores"] == {}
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/answer", json={}, headers=expert), 400, "accept", "缺少「accept」")
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/answer", json={"accept": "no"}, headers=expert), 400, "accept",
             "true 或 false")
    refused(client.post("/api/v1/panel-seats/999999/answer", json={"accept": False}, headers=expert), 404)
    refused(client.post("/api/v1/panel-seats/999999/conflict", json={"note": "同单位"}, headers=expert), 404)
    refused(client.put("/api/v1/panel-seats/999999/scores", json={"scores": {}}, headers=expert), 404)
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/answer", json={"accept": False}, headers=maker), 403)
    declined = client.post(f"/api/v1/panel-seats/{seat_id}/answer", json={"accept": False}, headers=expert)
    assert declined.status_code == 200 and declined.get_json()["status"]["code"] == "declined"
    refused(client.post(f"/api/v1/panels/{bid}/seats/{seat_id}/refill", headers=expert), 403)
    refused(client.post(f"/api/v1/panels/{bid}/seats/999999/refill", headers=staff), 404, "seat_id", "没有编号为 999999")
    refused(client.post(f"/api/v1/panels/999999/seats/{seat_id}/refill", headers=staff), 404, "batch_id")
    refilled = client.post(f"/api/v1/panels/{bid}/seats/{seat_id}/refill", headers=staff)
    assert refilled.status_code == 200 and refilled.get_json()["message"] == "已补充一位评审专家"
    added = [e for e, (_, status) in _seats().items() if status is SeatStatus.INVITED]
    assert len(added) == 1 and added[0] not in (first, ids["own_expert"])

    # The new expert accepts and scores; a wrong score is refused naming the criterion, nothing kept.
    reviewer, new_seat = tokens[added[0]], _seats()[added[0]][0]
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/answer", json={"accept": True}, headers=reviewer), 404)
    assert client.post(f"/api/v1/panel-seats/{new_seat}/answer", json={"accept": True}, headers=reviewer).status_code == 200
    url = f"/api/v1/panel-seats/{new_seat}/scores"
    refused(client.put(url, json={"scores": {"创新性": 101, "可行性": 80}}, headers=reviewer), 400, "score_创新性",
             "「创新性」的评分应在 0 到 100 之间")
    refused(client.put(url, json={"scores": {"创新性": 90}}, headers=reviewer), 400, "score_可行性", "请为「可行性」评分")
    refused(client.put(url, json={"scores": {"创新性": 90, "可行性": 80, "美观": 70}}, headers=reviewer), 400, "scores",
             "没有「美观」这一评审指标")
    refused(client.put(url, json={"scores": {"创新性": [90], "可行性": 80}}, headers=reviewer), 400, "score_创新性")
    refused(client.put(url, json={"scores": [90, 80]}, headers=reviewer), 400, "scores", "应为对象")
    refused(client.put(url, json={"scores": {"创新性": 90, "可行性": 80}, "comment": 5}, headers=reviewer), 400, "comment")
    assert row_count(ReviewScore) == 0
    scored = client.put(url, json={"scores": {"创新性": 85, "可行性": "75"}, "comment": "方案可行"}, headers=reviewer)
    assert scored.status_code == 200
    assert scored.get_json()["scores"] == {"创新性": 85.0, "可行性": 75.0} and scored.get_json()["comment"] == "方案可行"

    # The first expert declares a conflict with the item they declined.
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/conflict", json={}, headers=expert), 400, "note", "缺少「note」")
    refused(client.post(f"/api/v1/panel-seats/{seat_id}/conflict", json={"note": " "}, headers=expert), 400, "note")
    assert row_count(ReviewConflict) == 0
    declared = client.post(f"/api/v1/panel-seats/{seat_id}/conflict", json={"note": "曾参与该需求论证"}, headers=expert)
    assert declared.status_code == 200 and declared.get_json()["status"]["code"] == "declined"
    assert row_count(ReviewConflict) == 1

    # Staff read the summary, then finish.
    refused(client.get(f"/api/v1/panels/{bid}", headers=reviewer), 403)
    detail = client.get(f"/api/v1/panels/{bid}", headers=staff).get_json()
    assert detail["status"]["code"] == "scoring"
    [summary] = detail["summary"]
    assert summary["means"] == {"创新性": 85.0, "可行性": 75.0} and summary["overall"] == 80.0
    assert summary["spread"] == 0 and summary["comments"] == [f"{summary['reviewers'][0]}：方案可行"]
    finished = client.post(f"/api/v1/panels/{bid}/finish", headers=staff)
    assert finished.status_code == 200 and finished.get_json()["status"]["code"] == "finished"
    refused(client.put(url, json={"scores": {"创新性": 85, "可行性": 75}}, headers=reviewer), 400, "status", "已结束")
