"""Applications as people use them, through the pages and the API: apply with a cover letter,
已查看 on opening, 面试邀请, 录用 / 未录用, the student's answer, withdrawal, messages, seats, the
ranking by two-sided fit with its filters, and every refusal (wrong side 403, someone else's 404,
bad input 400 naming the field)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import ApplicationRejection, ApplicationStatus as S, Role
from data.models import Application, Internship, Notification, Talent, User
from data.workflows.accounts import create_api_token
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_applications.py
LATER = "2030-07-01T14:30"


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("lin", "林同学", Role.STUDENT, "gz_college"), ("wu", "吴同学", Role.STUDENT, "gz_college"),
                       ("maker", "智视人事", Role.ENTERPRISE, "maker"), ("food", "鲜味人事", Role.ENTERPRISE, "food"),
                       members=("maker", "gz_college"))
    with session_scope() as s:  # the world's two indexed students get their accounts
        for username, key in (("lin", "fit_student"), ("wu", "unwilling_student")):
            s.get_one(Talent, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
            s.get_one(Talent, world.ids[key]).phone = "13800000000"
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def _status(application_id: int) -> S:
    with session_scope() as s:
        return s.get_one(Application, application_id).status


def _apply_page(client: FlaskClient, world: World, letter: str = "我熟悉PLC编程，希望到贵公司实习。") -> int:
    response = act(client, f"/student/apply/{world.ids['post']}", cover_letter=letter)
    assert response.status_code == 302 and response.headers["Location"].endswith("/student/applications")
    with session_scope() as s:
        return s.scalars(select(Application.id).where(Application.internship_id == world.ids["post"])
                         .order_by(Application.id.desc())).first() or 0


def test_the_whole_way_through_the_pages(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    app_id = _apply_page(client, world)
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert "我熟悉PLC编程" in page and "投递时的简历" in page and "工业机器人技术" in page
    assert "13800000000" not in page  # contact data only through the consent flow
    assert "撤回申请" in page and _status(app_id) is S.SUBMITTED  # the student's opening changes nothing
    assert act(client, f"/applications/{app_id}/messages", text="请问实习地点在哪里？").status_code == 302

    switch(client, "maker")
    listing = client.get("/org/applications").get_data(as_text=True)
    assert "林同学" in listing and 'class="score"' in listing and "岗位要求" in listing  # ranked by the two-sided fit
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert _status(app_id) is S.VIEWED and "请问实习地点在哪里？" in page and "面试邀请" in page
    bad = act(client, f"/applications/{app_id}/interview", interview_at="下周三", interview_place="线上")
    assert bad.status_code == 400 and "面试时间「下周三」应为日期时间" in bad.get_data(as_text=True)
    past = act(client, f"/applications/{app_id}/interview", interview_at="2020-01-01T10:00", interview_place="线上")
    assert past.status_code == 400 and "面试时间不能早于现在" in past.get_data(as_text=True)
    no_place = act(client, f"/applications/{app_id}/interview", interview_at=LATER, interview_place=" ")
    assert no_place.status_code == 400 and "请填写面试地点" in no_place.get_data(as_text=True)
    assert act(client, f"/applications/{app_id}/interview", interview_at=LATER, interview_place="线上（腾讯会议 123）",
               interview_note="请准备作品").status_code == 302
    assert _status(app_id) is S.INTERVIEW
    assert act(client, f"/applications/{app_id}/messages", text="地点在广州黄埔。").status_code == 302

    switch(client, "lin")
    mine = client.get("/student/applications").get_data(as_text=True)
    assert "面试时间：2030-07-01 14:30" in mine and "线上（腾讯会议 123）" in mine and "请准备作品" in mine
    assert "地点在广州黄埔。" in client.get(f"/applications/{app_id}").get_data(as_text=True)
    early = act(client, f"/applications/{app_id}/offer", answer="accept")  # no offer yet
    assert early.status_code == 400 and "不能改为「已接受」" in early.get_data(as_text=True)

    switch(client, "maker")
    assert act(client, f"/applications/{app_id}/decision", decision="accept", note="欢迎加入").status_code == 302
    assert _status(app_id) is S.ACCEPTED
    switch(client, "lin")
    mine = client.get("/student/applications").get_data(as_text=True)
    assert "接受录用" in mine and "放弃" in mine and "欢迎加入" in mine
    late = act(client, f"/applications/{app_id}/withdraw")
    assert late.status_code == 400 and "已是「已录用」" in late.get_data(as_text=True)
    assert act(client, f"/applications/{app_id}/offer", answer="accept").status_code == 302
    assert _status(app_id) is S.CONFIRMED

    switch(client, "maker")
    page = client.get(f"/applications/{app_id}").get_data(as_text=True)
    assert f'action="/agreements/from/application/{app_id}"' in page and "建立合作记录" in page
    assert f'action="/agreements/from/application/{app_id}"' in client.get("/org/applications").get_data(as_text=True)


def test_rejection_with_a_reason_withdrawal_and_applying_again(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    app_id = _apply_page(client, world)
    assert act(client, f"/applications/{app_id}/withdraw").status_code == 302
    assert _status(app_id) is S.WITHDRAWN
    assert "申请" in client.get("/student/internships").get_data(as_text=True)
    assert _apply_page(client, world, "再次申请") == app_id and _status(app_id) is S.SUBMITTED
    switch(client, "maker")
    bad = act(client, f"/applications/{app_id}/decision", decision="reject", reason="看不顺眼")
    assert bad.status_code == 400 and "未录用原因" in bad.get_data(as_text=True)
    assert act(client, f"/applications/{app_id}/decision", decision="reject", reason="skills",
               note="需要更多PLC项目经验").status_code == 302
    with session_scope() as s:
        application = s.get_one(Application, app_id)
        assert application.status is S.REJECTED and application.reject_reason is ApplicationRejection.SKILLS
    switch(client, "lin")
    mine = client.get("/student/applications").get_data(as_text=True)
    assert "未录用原因：技能或经验不符" in mine and "需要更多PLC项目经验" in mine
    assert f"/applications/{app_id}/withdraw" not in mine


def test_wrong_side_and_someone_elses_application(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    app_id = _apply_page(client, world)
    assert act(client, f"/applications/{app_id}/decision", decision="accept").status_code == 403  # a student
    assert act(client, f"/applications/{app_id}/interview", interview_at=LATER, interview_place="线上").status_code == 403
    switch(client, "wu")  # another student
    assert client.get(f"/applications/{app_id}").status_code == 404
    assert act(client, f"/applications/{app_id}/withdraw").status_code == 404
    assert act(client, f"/applications/{app_id}/messages", text="你好").status_code == 404
    switch(client, "food")  # another enterprise
    hidden = client.get(f"/applications/{app_id}")
    assert hidden.status_code == 404 and "没有编号为" in hidden.get_data(as_text=True)
    assert act(client, f"/applications/{app_id}/decision", decision="accept").status_code == 404
    assert act(client, f"/org/applications/{app_id}", decision="accept").status_code == 404
    assert "林同学" not in client.get("/org/applications").get_data(as_text=True)
    switch(client, "maker")
    assert act(client, f"/applications/{app_id}/withdraw").status_code == 403  # the organization's role
    assert client.get("/applications/99999999").status_code == 404
    assert _status(app_id) is S.VIEWED or _status(app_id) is S.SUBMITTED
    empty = act(client, f"/applications/{app_id}/messages", text="  ")
    assert empty.status_code == 400 and "请输入留言内容" in empty.get_data(as_text=True)


def test_seats_refuse_an_offer_beyond_them(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        s.get_one(Internship, world.ids["post"]).seats = 1
    login(client, "lin")
    first = _apply_page(client, world)
    switch(client, "wu")
    second = _apply_page(client, world)
    switch(client, "maker")
    assert act(client, f"/org/applications/{first}", decision="accept").status_code == 302  # the old form still works
    full = act(client, f"/applications/{second}/decision", decision="accept")
    assert full.status_code == 400 and "该岗位名额已满，不能再录用" in full.get_data(as_text=True)
    switch(client, "lin")
    assert act(client, f"/applications/{first}/offer", answer="decline").status_code == 302  # frees the seat
    assert _status(first) is S.DECLINED
    switch(client, "maker")
    assert act(client, f"/applications/{second}/decision", decision="accept").status_code == 302
    assert _status(second) is S.ACCEPTED


def test_ranking_and_filters_on_the_page(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    _apply_page(client, world)
    switch(client, "wu")
    _apply_page(client, world)
    switch(client, "maker")
    page = client.get("/org/applications").get_data(as_text=True)
    assert page.index("林同学") < page.index("吴同学")  # the better two-sided fit first
    guangzhou = client.get("/org/applications?city=广州").get_data(as_text=True)  # wu lives there, wishes 北京
    assert "林同学" in guangzhou and "吴同学" in guangzhou
    beijing = client.get("/org/applications?city=北京").get_data(as_text=True)
    assert "吴同学" in beijing and "林同学" not in beijing
    assert "林同学" in client.get("/org/applications?major=机器人&level=高职").get_data(as_text=True)
    assert "没有符合筛选条件的申请" in client.get("/org/applications?level=本科").get_data(as_text=True)
    assert "没有符合筛选条件的申请" in client.get(f"/org/applications?internship_id={world.ids['post'] + 1000}").get_data(as_text=True)
    for query, message in (("level=博士", "学历层次"), ("city=火星", "未知地区「火星」"), ("internship_id=x", "internship_id")):
        bad = client.get(f"/org/applications?{query}")
        assert bad.status_code == 400 and message in bad.get_data(as_text=True), query


# --- the API --------------------------------------------------------------------------------


def _token(username: str) -> dict[str, str]:
    with session_scope() as s:
        return {"Authorization": f"Bearer {create_api_token(s, username)[1]}"}


def test_the_api_follows_the_same_steps(client: FlaskClient, world: World) -> None:
    lin, wu, maker, food = _token("lin"), _token("wu"), _token("maker"), _token("food")
    post = world.ids["post"]
    assert client.post("/api/v1/applications", json={"internship_id": post}).status_code == 401
    assert client.post("/api/v1/applications", json={"internship_id": post}, headers=maker).status_code == 403
    bad = client.post("/api/v1/applications", json={"internship_id": "一"}, headers=lin)
    assert bad.status_code == 400 and bad.get_json()["field"] == "internship_id"
    long = client.post("/api/v1/applications", json={"internship_id": post, "cover_letter": "长" * 3001}, headers=lin)
    assert long.status_code == 400 and long.get_json()["field"] == "cover_letter"
    created = client.post("/api/v1/applications", json={"internship_id": post, "cover_letter": "我想来"}, headers=lin)
    assert created.status_code == 201
    item = created.get_json()
    app_id = item["id"]
    assert item["status"] == {"code": "submitted", "label": "已投递"} and item["side"] == "student"
    assert item["actions"] == ["withdraw", "message"] and item["resume"]["专业"] == "工业机器人技术"
    assert "手机" not in item["resume"] and item["cover_letter"] == "我想来"
    again = client.post("/api/v1/applications", json={"internship_id": post}, headers=lin)
    assert again.status_code == 400 and "已申请过该岗位" in again.get_json()["message"]
    assert client.post("/api/v1/applications", json={"internship_id": post}, headers=wu).status_code == 201

    mine = client.get("/api/v1/applications", headers=lin).get_json()
    assert mine["side"] == "student" and [i["id"] for i in mine["items"]] == [app_id]
    received = client.get("/api/v1/applications", headers=maker).get_json()
    assert received["side"] == "org" and [i["talent"]["name"] for i in received["items"]] == ["林同学", "吴同学"]
    fits = [i["fit"] for i in received["items"]]
    assert fits[0] is not None and "岗位要求" in fits[0]["parts"] and (fits[1] is None or fits[1]["score"] <= fits[0]["score"])
    assert [i["talent"]["name"] for i in client.get("/api/v1/applications?city=北京", headers=maker).get_json()["items"]] == ["吴同学"]
    assert client.get("/api/v1/applications", headers=food).get_json()["items"] == []
    bad_level = client.get("/api/v1/applications?level=博士", headers=maker)
    assert bad_level.status_code == 400 and bad_level.get_json()["field"] == "level"

    assert client.get(f"/api/v1/applications/{app_id}", headers=food).status_code == 404
    assert client.get(f"/api/v1/applications/{app_id}", headers=wu).status_code == 404
    opened = client.get(f"/api/v1/applications/{app_id}", headers=maker).get_json()
    assert opened["status"]["code"] == "viewed" and opened["messages"] == []
    assert opened["actions"] == ["interview", "accept", "reject", "message"]

    refused = client.post(f"/api/v1/applications/{app_id}/decision", json={"accept": True}, headers=lin)
    assert refused.status_code == 403 and "只能由企业操作" in refused.get_json()["message"]
    assert client.post(f"/api/v1/applications/{app_id}/withdraw", headers=maker).status_code == 403
    assert client.post(f"/api/v1/applications/{app_id}/decision", json={"accept": True}, headers=food).status_code == 404
    when = client.post(f"/api/v1/applications/{app_id}/interview", json={"interview_at": "明天下午", "interview_place": "线上"},
                       headers=maker)
    assert when.status_code == 400 and when.get_json()["field"] == "interview_at" and "面试时间" in when.get_json()["message"]
    typed = client.post(f"/api/v1/applications/{app_id}/interview", json={"interview_at": 20300701, "interview_place": "线上"},
                        headers=maker)
    assert typed.status_code == 400 and typed.get_json()["field"] == "interview_at"
    invited = client.post(f"/api/v1/applications/{app_id}/interview",
                          json={"interview_at": LATER, "interview_place": "公司三楼", "interview_note": "带上简历"}, headers=maker)
    assert invited.status_code == 200
    assert invited.get_json()["interview"] == {"at": "2030-07-01T06:30:00+00:00", "place": "公司三楼", "note": "带上简历"}

    with session_scope() as s:  # the student is told, with a link to the application's page
        told = s.scalars(select(Notification).join(User).where(User.username == "lin").order_by(Notification.id)).all()
        assert told[-1].title == "「工业机器人运维实习生」：面试邀请" and told[-1].link == f"/applications/{app_id}"
    said = client.post(f"/api/v1/applications/{app_id}/messages", json={"text": "收到，会准时参加"}, headers=lin)
    assert said.status_code == 201 and said.get_json()["from_student"] is True
    empty = client.post(f"/api/v1/applications/{app_id}/messages", json={"text": ""}, headers=maker)
    assert empty.status_code == 400 and empty.get_json()["field"] == "text"
    assert client.post(f"/api/v1/applications/{app_id}/messages", json={"text": "好"}, headers=wu).status_code == 404
    thread = client.get(f"/api/v1/applications/{app_id}", headers=lin).get_json()["messages"]
    assert [m["text"] for m in thread] == ["收到，会准时参加"]

    flag = client.post(f"/api/v1/applications/{app_id}/decision", json={"accept": "yes"}, headers=maker)
    assert flag.status_code == 400 and flag.get_json()["field"] == "accept"
    reason = client.post(f"/api/v1/applications/{app_id}/decision", json={"accept": False, "reason": "看不顺眼"}, headers=maker)
    assert reason.status_code == 400 and reason.get_json()["field"] == "reason"
    offer = client.post(f"/api/v1/applications/{app_id}/decision", json={"accept": True, "note": "欢迎"}, headers=maker)
    assert offer.status_code == 200 and offer.get_json()["status"]["code"] == "accepted"
    assert offer.get_json()["decision"]["note"] == "欢迎"
    late = client.post(f"/api/v1/applications/{app_id}/withdraw", headers=lin)
    assert late.status_code == 400 and "不能改为「已撤回」" in late.get_json()["message"]
    answer = client.post(f"/api/v1/applications/{app_id}/offer", json={"accept": True}, headers=lin)
    assert answer.status_code == 200 and answer.get_json()["status"]["label"] == "已接受"
    assert answer.get_json()["actions"] == ["message"]


def test_api_seats_and_withdrawal(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        s.get_one(Internship, world.ids["post"]).seats = 1
    lin, wu, maker = _token("lin"), _token("wu"), _token("maker")
    first = client.post("/api/v1/applications", json={"internship_id": world.ids["post"]}, headers=lin).get_json()["id"]
    second = client.post("/api/v1/applications", json={"internship_id": world.ids["post"]}, headers=wu).get_json()["id"]
    assert client.post(f"/api/v1/applications/{first}/decision", json={"accept": True}, headers=maker).status_code == 200
    full = client.post(f"/api/v1/applications/{second}/decision", json={"accept": True}, headers=maker)
    assert full.status_code == 400 and full.get_json()["message"] == "该岗位名额已满，不能再录用"
    gone = client.post(f"/api/v1/applications/{second}/withdraw", headers=wu)
    assert gone.status_code == 200 and gone.get_json()["status"]["code"] == "withdrawn"
    assert client.post(f"/api/v1/applications/{second}/withdraw", headers=wu).status_code == 400
    assert client.post(f"/api/v1/applications/{first}/offer", json={"accept": False}, headers=lin).get_json()[
        "status"]["code"] == "declined"
