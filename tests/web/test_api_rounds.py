"""双选 rounds through the API (``/api/v1/rounds``): staff create, open, close, run, read and publish
a round; the student reads suggested choices and saves ranked ones; the enterprise marks a
student not acceptable; the placed student reads the post, the other the reason and the
alternatives. Every refusal: no login 401, wrong role 403, unknown id 404, a malformed body
400 naming the field in Chinese — and nothing written by a refused call."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import ApplicationStatus, Role
from data.models import AllocationRound, Application, RoundChoice, RoundMarkEntry, Talent, User
from data.workflows.rounds import REASON_LABELS
from tests.matcher.world import World
from tests.web.helpers import bearer, refused, row_count, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_rounds.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("lin", "林同学", Role.STUDENT, "gz_college"), ("wu", "吴同学", Role.STUDENT, "gz_college"),
                       ("maker", "智视人事", Role.ENTERPRISE, "maker"), ("food", "鲜味人事", Role.ENTERPRISE, "food"),
                       ("staff", "秘书处", Role.STAFF, None), members=("maker", "gz_college"))
    with session_scope() as s:
        for username, key in (("lin", "fit_student"), ("wu", "unwilling_student")):
            s.get_one(Talent, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
    return world


def test_a_round_from_set_up_to_published(client: FlaskClient, world: World) -> None:
    post, lin_id, wu_id = world.ids["post"], world.ids["fit_student"], world.ids["unwilling_student"]
    staff, lin, wu, maker, food = (bearer(u) for u in ("staff", "lin", "wu", "maker", "food"))
    asked = {"name": "暑期双选", "internship_ids": [post], "talent_ids": [lin_id, wu_id], "max_choices": 3}

    assert client.get("/api/v1/rounds").status_code == 401
    refused(client.post("/api/v1/rounds", json=asked, headers=lin), 403, said="秘书处")
    refused(client.post("/api/v1/rounds", json={**asked, "name": None}, headers=staff), 400, "name", "缺少「name」")
    refused(client.post("/api/v1/rounds", json={**asked, "internship_ids": str(post)}, headers=staff), 400,
             "internship_ids", "应为数组")
    refused(client.post("/api/v1/rounds", json={**asked, "internship_ids": ["一"]}, headers=staff), 400,
             "internship_ids", "岗位编号应为整数")
    refused(client.post("/api/v1/rounds", json={**asked, "talent_ids": [999999]}, headers=staff), 400,
             "talent_ids", "人才库中没有编号为 999999 的学生")
    refused(client.post("/api/v1/rounds", json={**asked, "floor": 150}, headers=staff), 400, "floor",
             "匹配度下限应在 0 到 100 之间")
    refused(client.post("/api/v1/rounds", json={**asked, "max_choices": True}, headers=staff), 400, "max_choices")
    refused(client.post("/api/v1/rounds", json={**asked, "max_choices": 0}, headers=staff), 400, "max_choices",
             "志愿数应在 1 到 50 之间")  # a JSON 0 is a zero, not a blank taking the default
    refused(client.post("/api/v1/rounds", json={**asked, "method": "抽签"}, headers=staff), 400, "method")
    refused(client.post("/api/v1/rounds", json={**asked, "student_deadline": "0001-01-01T00:00"}, headers=staff), 400,
             "student_deadline", "应为日期时间")  # before the first moment UTC holds: not a 500
    assert row_count(AllocationRound) == 0  # nothing of a refused round is kept

    created = client.post("/api/v1/rounds", json={**asked, "floor": 10}, headers=staff)
    assert created.status_code == 201, created.get_json()
    made = created.get_json()
    rid = made["id"]
    assert made["status"] == {"code": "draft", "label": "草稿"} and made["floor"] == 10.0 and made["max_choices"] == 3
    assert [r["id"] for r in client.get("/api/v1/rounds", headers=staff).get_json()["items"]] == [rid]
    assert client.get("/api/v1/rounds", headers=lin).get_json()["items"] == []  # a draft is staff's only
    refused(client.post(f"/api/v1/rounds/{rid}/open", headers=maker), 403)
    refused(client.post("/api/v1/rounds/999999/open", headers=staff), 404, said="999999")
    refused(client.get("/api/v1/rounds/999999", headers=staff), 404)
    opened = client.post(f"/api/v1/rounds/{rid}/open", headers=staff)
    assert opened.status_code == 200 and opened.get_json()["status"]["code"] == "open"
    assert "已开放填报" in opened.get_json()["message"]
    refused(client.post(f"/api/v1/rounds/{rid}/open", headers=staff), 400, "status", "不能改为")
    refused(client.post(f"/api/v1/rounds/{rid}/publish", headers=staff), 400, "status")

    # The student: suggestions from the two-sided fit, then their own choices.
    assert [r["id"] for r in client.get("/api/v1/rounds", headers=lin).get_json()["items"]] == [rid]
    refused(client.get(f"/api/v1/rounds/{rid}/choices", headers=maker), 403, said="学生")
    refused(client.get("/api/v1/rounds/999999/choices", headers=lin), 404)
    mine = client.get(f"/api/v1/rounds/{rid}/choices", headers=lin).get_json()
    assert mine["choices"] == [] and mine["suggested"] == [post] and mine["prefilled"] is True and mine["result"] is None
    saved = client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": [post]}, headers=lin)
    assert saved.status_code == 200 and saved.get_json()["choices"] == [post]
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={}, headers=lin), 400, "choices", "缺少「choices」")
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": str(post)}, headers=lin), 400, "choices")
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": [post, post]}, headers=lin), 400, "choices",
             "重复")
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": [{"id": post}]}, headers=lin), 400, "choices")
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": [999999]}, headers=lin), 400, "choices",
             "不在本轮双选中")
    refused(client.put(f"/api/v1/rounds/{rid}/choices", data="[1]", content_type="application/json", headers=lin),
             400, said="JSON 对象")
    deep: object = [post]
    for _ in range(40):
        deep = [deep]
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": deep}, headers=lin), 400, "body", "嵌套")
    with session_scope() as s:  # the refused calls left the saved choice as it was
        assert s.scalars(select(RoundChoice.internship_id).where(RoundChoice.round_id == rid)).all() == [post]

    # The enterprise marks the round's students for its own post only.
    refused(client.get(f"/api/v1/rounds/{rid}/marks", headers=lin), 403)
    refused(client.get("/api/v1/rounds/999999/marks", headers=maker), 404)
    refused(client.get(f"/api/v1/rounds/{rid}/marks", headers=food), 404)  # no post of its own in the round
    marks = client.get(f"/api/v1/rounds/{rid}/marks", headers=maker).get_json()
    applicants = marks["posts"][0]["applicants"]
    assert marks["posts"][0]["internship"]["id"] == post and [a["talent"]["name"] for a in applicants] == ["林同学", "吴同学"]
    assert applicants[0]["choice_rank"] == 1 and applicants[1]["choice_rank"] is None
    refused(client.put(f"/api/v1/rounds/{rid}/marks/{post}", json={"marks": {str(wu_id): "not_acceptable"}},
                        headers=food), 403, "internship_id", "本单位")
    refused(client.put(f"/api/v1/rounds/{rid}/marks/999999", json={"marks": {}}, headers=maker), 404, "internship_id")
    refused(client.put(f"/api/v1/rounds/{rid}/marks/{post}", json={"marks": [wu_id]}, headers=maker), 400, "marks",
             "应为对象")
    refused(client.put(f"/api/v1/rounds/{rid}/marks/{post}", json={"marks": {str(lin_id): "preferred", str(wu_id): "也许"}},
                        headers=maker), 400, "marks")
    assert row_count(RoundMarkEntry) == 0  # 林's mark went with the refused call
    marked = client.put(f"/api/v1/rounds/{rid}/marks/{post}", json={"marks": {str(wu_id): "不接受"}}, headers=maker)
    assert marked.status_code == 200
    assert marked.get_json()["posts"][0]["applicants"][1]["mark"] == {"code": "not_acceptable", "label": "不接受"}

    # Staff close, run, read the placements with reasons, publish.
    refused(client.get(f"/api/v1/rounds/{rid}", headers=lin), 403)
    for step in ("close", "run"):
        assert client.post(f"/api/v1/rounds/{rid}/{step}", headers=staff).status_code == 200, step
    refused(client.put(f"/api/v1/rounds/{rid}/choices", json={"choices": []}, headers=lin), 400, "choices", "不能修改志愿")
    detail = client.get(f"/api/v1/rounds/{rid}", headers=staff).get_json()
    assert detail["status"]["code"] == "allocated" and detail["chose"] == 1
    [placed], [unplaced] = detail["placed"], detail["unplaced"]
    assert placed["talent"]["id"] == lin_id and placed["internship"]["id"] == post and placed["rank"] == 1
    assert 0 < placed["score"] <= 100
    assert unplaced["internship"] is None and unplaced["reason"] == REASON_LABELS["city_mismatch"]
    assert unplaced["alternatives"][0]["internship_id"] == post and unplaced["alternatives"][0]["why_not"]
    assert detail["figures"]["placed_share"] == {"label": "安置率", "value": 0.5}
    published = client.post(f"/api/v1/rounds/{rid}/publish", headers=staff)
    assert published.status_code == 200 and published.get_json()["status"]["code"] == "published"

    result = client.get(f"/api/v1/rounds/{rid}/choices", headers=lin).get_json()["result"]
    assert result["internship"]["name"] == "工业机器人运维实习生" and result["reason"] is None
    other = client.get(f"/api/v1/rounds/{rid}/choices", headers=wu).get_json()["result"]
    assert other["internship"] is None and "不在期望城市" in other["reason"] and other["alternatives"]
    with session_scope() as s:
        offer = s.scalar(select(Application).where(Application.talent_id == lin_id))
        assert offer is not None and offer.status is ApplicationStatus.ACCEPTED


def test_a_huge_body_is_refused_before_it_is_read(client: FlaskClient, world: World) -> None:
    staff = bearer("staff")
    huge = client.post("/api/v1/rounds", json={"name": "长" * 600_000, "internship_ids": [1], "talent_ids": [1]},
                       headers=staff)
    assert huge.status_code == 413 and huge.get_json()["field"] == "body"
    assert row_count(AllocationRound) == 0


def test_rules_are_set_and_a_draft_is_replaced_until_it_opens(client: FlaskClient, world: World) -> None:
    post, lin_id, wu_id = world.ids["post"], world.ids["fit_student"], world.ids["unwilling_student"]
    staff, lin = bearer("staff"), bearer("lin")
    asked = {"name": "规则双选", "internship_ids": [post], "talent_ids": [lin_id, wu_id], "site_caps": {"广州市": 2},
             "school_total": 1, "apprentice_share": 0.1}
    created = client.post("/api/v1/rounds", json=asked, headers=staff)
    assert created.status_code == 201, created.get_json()
    made = created.get_json()
    rid = made["id"]
    assert made["site_caps"] == {"440100": 2} and made["school_total"] == 1 and made["apprentice_share"] == 0.1

    refused(client.put(f"/api/v1/rounds/{rid}", json=asked, headers=lin), 403, said="秘书处")
    refused(client.put("/api/v1/rounds/999999", json=asked, headers=staff), 404, said="999999")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "site_caps": "广州市 2"}, headers=staff), 400,
             "site_caps", "应为对象")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "site_caps": {"火星": 1}}, headers=staff), 400,
             "site_caps", "未知地区「火星」")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "site_caps": {"广州市": "两"}}, headers=staff), 400,
             "site_caps", "人数应为")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "school_total": -1}, headers=staff), 400,
             "school_total", "每所学校的名额")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "school_total": 1.5}, headers=staff), 400,
             "school_total")
    refused(client.put(f"/api/v1/rounds/{rid}", json={**asked, "talent_ids": None}, headers=staff), 400,
             "talent_ids", "缺少")
    assert client.get(f"/api/v1/rounds/{rid}", headers=staff).get_json()["name"] == "规则双选"  # nothing written

    replaced = client.put(f"/api/v1/rounds/{rid}", json={"name": "定稿", "internship_ids": [post], "talent_ids": [lin_id],
                                                         "site_caps": {"440100": 0}, "method": "welfare"}, headers=staff)
    assert replaced.status_code == 200, replaced.get_json()
    body = replaced.get_json()
    assert body["name"] == "定稿" and body["site_caps"] == {"440100": 0} and body["school_total"] is None
    assert body["method"]["code"] == "welfare" and [s["id"] for s in body["students"]] == [lin_id]
    assert [p["seats"] for p in body["posts"]] == [3]

    for step in ("open", "close", "run"):
        assert client.post(f"/api/v1/rounds/{rid}/{step}", headers=staff).status_code == 200
    refused(client.put(f"/api/v1/rounds/{rid}", json=asked, headers=staff), 400, "status", "只有草稿可以修改")
    ran = client.get(f"/api/v1/rounds/{rid}", headers=staff).get_json()
    assert ran["placed"] == [] and ran["unplaced"][0]["reason"] == "该地点名额已满"
    assert ran["unplaced"][0]["alternatives"][0]["why_not"] == "所在场地已满"
