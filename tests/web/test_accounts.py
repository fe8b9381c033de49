"""Logging in, posting a need that lands on its recommendations, feedback, CSRF, roles."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role
from data.models import Feedback, Project, Subscription
from data.workflows.accounts import DEMO_PASSWORD, create_user, ensure_demo_accounts
from tests.matcher.world import World
from tests.web.helpers import login, switch, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("student", "学生甲", Role.STUDENT, "gz_college"))


def test_login_errors_and_logout(client: FlaskClient) -> None:
    bad = login(client, "maker", "wrong-pass")
    assert bad.status_code == 200 and "用户名或密码不正确" in bad.get_data(as_text=True)
    assert login(client, "maker").status_code == 302
    assert "智视用户 · 企业用户" in client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.post("/logout", data={"csrf_token": token(client, "/")}).status_code == 302
    assert "登录" in client.get("/").get_data(as_text=True)


def test_enterprise_posts_a_need_and_sees_recommendations(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    form = {"名称": "冲压件划痕在线检测", "项目类型": "技术攻关", "需求描述": "需要对冲压零件表面划痕做机器视觉在线检测",
            "行业领域": "智能制造", "地区": "广州", "所需技能": "机器视觉、缺陷检测", "预算（万元）": "30",
            "截止日期": "2099-12-31", "可见范围": "公开", "csrf_token": token(client, "/needs/new")}
    saved = client.post("/needs/new", data=form)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#recs")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "需求已发布" in page and "匹配专家与教师" in page and "匹配科技成果" in page
    assert "陈视觉" in page and "一种金属表面缺陷的机器视觉检测方法" in page and "领域一致：智能制造" in page
    assert "王内部" not in page  # the enterprise's own engineer is not recommended to it
    with session_scope() as s:
        project = s.query(Project).filter_by(name="冲压件划痕在线检测").one()
        assert project.owner_org_id == world.ids["maker"] and project.region_code == "440100"


def test_need_form_explains_each_error_and_writes_nothing(client: FlaskClient) -> None:
    login(client, "maker")
    bad = client.post("/needs/new", data={"名称": "", "项目类型": "技术攻关", "需求描述": "", "地区": "火星",
                                          "预算（万元）": "很多", "csrf_token": token(client, "/needs/new")})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "有 4 处需要修改" in html
    for message in ("必填，不能为空", "未知地区「火星」", "「很多」应为数字"):
        assert message in html
    with session_scope() as s:
        assert s.query(Project).count() == 4  # only the world's own needs


def test_roles_and_feedback(client: FlaskClient, world: World) -> None:
    assert client.get("/needs/new").status_code == 302  # anonymous → login
    login(client, "student")
    assert client.get("/needs/new").status_code == 403
    url = f"/pool/project/{world.ids['vision_need']}"
    page = client.get(url).get_data(as_text=True)
    # Another organization's need: its recommendations are shown, but what they were worth is
    # the enterprise's to say (it teaches the enterprise's own ranking).
    assert "陈视觉" in page and "感兴趣" not in page and "不合适的原因" not in page
    data = {"direction": "need_experts", "source_pool": "project", "source_id": world.ids["vision_need"],
            "target_pool": "expert", "target_id": world.ids["vision_expert"], "action": "不合适", "reason": "地区太远",
            "csrf_token": token(client, url)}
    refused = client.post("/feedback", data=data)
    assert refused.status_code == 403 and "所属单位" in refused.get_data(as_text=True)
    with session_scope() as s:
        assert s.query(Feedback).count() == 0
    switch(client, "maker")
    page = client.get(url).get_data(as_text=True)
    assert "感兴趣" in page and "不合适的原因" in page
    data["csrf_token"] = token(client, url)
    assert client.post("/feedback", data=data).status_code == 302
    html = client.get(url).get_data(as_text=True)
    section = html.split('id="rec-need_experts"')[1].split('id="rec-need_achievements"')[0]
    assert "陈视觉" not in section  # rejected: not shown again to this user
    missing_reason = {**data, "reason": "", "csrf_token": token(client, url)}
    response = client.post("/feedback", data=missing_reason)
    assert response.status_code == 400 and "请给出原因" in response.get_data(as_text=True)


def test_demo_accounts_exist_for_every_role(world: World) -> None:
    with session_scope() as s:
        accounts = ensure_demo_accounts(s)
        assert {role for _, role, _ in accounts} == {r.label for r in Role}
        assert ensure_demo_accounts(s) == accounts  # idempotent
    assert DEMO_PASSWORD


def test_register_waits_for_staff_then_logs_in_and_changes_password(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        create_user(s, "staff", "secret-pass", "秘书处", Role.STAFF, None)
    form = {"username": "newcomer", "display_name": "新同学", "role": "student", "org_name": "广州智视装备有限公司",
            "password": "long-enough", "password2": "long-enouhg"}
    bad = client.post("/register", data={**form, "csrf_token": token(client, "/register")})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "两次输入的密码不一致" in html and "是企业，不能注册为学生" in html
    taken = client.post("/register", data={**form, "username": "maker", "org_name": "广州智造职业技术学院",
                                           "password2": "long-enough", "csrf_token": token(client, "/register")})
    assert taken.status_code == 400 and "已被使用" in taken.get_data(as_text=True)
    ok = client.post("/register", data={**form, "org_name": "广州智造职业技术学院", "password2": "long-enough",
                                        "csrf_token": token(client, "/register")})
    assert ok.status_code == 302
    waiting = login(client, "newcomer", "long-enough")
    assert waiting.status_code == 200 and "等待秘书处审核" in waiting.get_data(as_text=True)

    login(client, "staff")
    listed = client.get("/staff/accounts").get_data(as_text=True)
    assert "新同学" in listed and "广州智造职业技术学院" in listed
    from data.models import User

    with session_scope() as s:
        new_id = s.scalar(select(User.id).where(User.username == "newcomer"))
    assert client.post(f"/staff/accounts/{new_id}", data={"decision": "approve",
                                                          "csrf_token": token(client, "/staff/accounts")}).status_code == 302
    client.post("/logout", data={"csrf_token": token(client, "/")})

    assert login(client, "newcomer", "long-enough").status_code == 302
    wrong = client.post("/account/password", data={"old": "nope", "new": "another-pass", "new2": "another-pass",
                                                   "csrf_token": token(client, "/account/password")})
    assert wrong.status_code == 400 and "原密码不正确" in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"old": "long-enough", "new": "short", "new2": "short",
                                                   "csrf_token": token(client, "/account/password")})
    assert short.status_code == 400 and "至少 8 位" in short.get_data(as_text=True)
    assert client.post("/account/password", data={"old": "long-enough", "new": "another-pass", "new2": "another-pass",
                                                  "csrf_token": token(client, "/account/password")}).status_code == 302
    client.post("/logout", data={"csrf_token": token(client, "/")})
    assert login(client, "newcomer", "long-enough").status_code == 200
    assert login(client, "newcomer", "another-pass").status_code == 302


def test_only_staff_review_accounts(client: FlaskClient) -> None:
    login(client, "maker")
    assert client.get("/staff/accounts").status_code == 403


def test_api_feedback_speaks_only_for_ones_own_records_and_checks_its_types(client: FlaskClient, world: World) -> None:
    """Through the API too: feedback naming the record it was recommended for is only taken
    from who speaks for that record; every text member must be text."""
    base = {"direction": "need_experts", "target_pool": "expert", "target_id": world.ids["vision_expert"], "action": "不合适",
            "reason": "地区太远", "source_pool": "project", "source_id": world.ids["vision_need"]}
    login(client, "student")
    headers = {"X-CSRFToken": token(client, "/mine")}
    refused = client.post("/api/v1/feedback", json=base, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["field"] == "source_id"
    alone = client.post("/api/v1/feedback", json={**base, "source_id": None}, headers=headers)
    assert alone.status_code == 400 and alone.get_json()["field"] in ("source_id", "source_pool")
    wrong_source = client.post("/api/v1/feedback", json={**base, "direction": "talent_internships"}, headers=headers)
    assert wrong_source.status_code == 400 and wrong_source.get_json()["field"] == "source_pool"
    # the recommended record must be of a pool the direction recommends, with or without a source
    for extra in ({}, {"source_pool": None, "source_id": None}):
        wrong_target = client.post("/api/v1/feedback", json={**base, **extra, "direction": "need_achievements"},
                                   headers=headers)
        assert wrong_target.status_code == 400 and wrong_target.get_json()["field"] == "target_pool", wrong_target.get_json()
        assert "成果库" in wrong_target.get_json()["message"]
    for key, value in (("direction", ["need_experts"]), ("action", 1), ("reason", {"a": 1}), ("source_pool", 5)):
        bad = client.post("/api/v1/feedback", json={**base, key: value}, headers=headers)
        assert bad.status_code == 400 and bad.get_json()["field"] == key and "应为" in bad.get_json()["message"], (key, bad.get_json())
    with session_scope() as s:
        assert s.query(Feedback).count() == 0
    switch(client, "maker")
    ok = client.post("/api/v1/feedback", json=base, headers={"X-CSRFToken": token(client, "/mine")})
    assert ok.status_code == 201
    with session_scope() as s:
        stored = s.scalars(select(Feedback)).one()
        assert (stored.source_pool, stored.source_id) == ("project", world.ids["vision_need"])


def test_api_subscription_text_members_must_be_text(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    headers = {"X-CSRFToken": token(client, "/mine")}
    for body, field in (({"q": {"a": 1}}, "q"), ({"q": None}, "q"), ({"q": ["PLC"]}, "q"), ({"q": 123}, "q"),
                        ({"q": "PLC", "pool": 5}, "pool"),
                        ({"source_pool": "project", "source_id": world.ids["vision_need"], "direction": ["need_experts"]}, "direction")):
        bad = client.post("/api/v1/subscriptions", json=body, headers=headers)
        assert bad.status_code == 400 and bad.get_json()["field"] == field, (body, bad.get_json())
    with session_scope() as s:
        assert s.query(Subscription).count() == 0
