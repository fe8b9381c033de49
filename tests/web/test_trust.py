"""Consent-gated contact, a student's own data and account deletion, membership pages,
login lock-out and rate limit, security headers."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import MemberLevel, MemberStatus, Role
from data.workflows.accounts import create_user
from data.models import (Application, AuditEntry, ContactRequest, Expert, Feedback, Organization, Talent, User)
from tests.matcher.world import World, build_world
from tests.web.helpers import act, login, switch
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    world = build_world()
    with session_scope() as s:
        for key in ("maker", "gz_college"):
            org = s.get(Organization, world.ids[key])
            org.member_status, org.member_level = MemberStatus.ACTIVE, MemberLevel.DIRECTOR
        create_user(s, "maker", "secret-pass", "智视用户", Role.ENTERPRISE, world.ids["maker"])
        create_user(s, "food", "secret-pass", "鲜味用户", Role.ENTERPRISE, world.ids["food"])
        create_user(s, "college", "secret-pass", "智造学院", Role.COLLEGE, world.ids["gz_college"])
        student = create_user(s, "student", "secret-pass", "林同学", Role.STUDENT, world.ids["gz_college"])
        classmate = create_user(s, "classmate", "secret-pass", "吴同学", Role.STUDENT, world.ids["gz_college"])
        create_user(s, "staff", "secret-pass", "秘书处", Role.STAFF, None)
        fit = s.get(Talent, world.ids["fit_student"])
        fit.user_id, fit.phone, fit.email = student.id, "100-0003-0001", "lin@demo.example.com"
        s.get(Talent, world.ids["unwilling_student"]).user_id = classmate.id
        s.get(Expert, world.ids["vision_expert"]).phone = "100-0001-0009"
    return world


def test_contact_details_only_after_the_person_agrees(client: FlaskClient, world: World) -> None:
    talent = f"/pool/talent/{world.ids['fit_student']}"
    login(client, "maker")
    page = client.get(talent).get_data(as_text=True)
    assert "100-0003-0001" not in page and "申请联系方式" in page
    assert "100-0003-0001" not in json.dumps(client.get(f"/api/v1/pools/talent/{world.ids['fit_student']}").get_json())
    empty = act(client, f"/contact/talent/{world.ids['fit_student']}", purpose="internship", message=" ")
    assert empty.status_code == 400 and "说明来意" in empty.get_data(as_text=True)
    assert act(client, f"/contact/talent/{world.ids['fit_student']}", purpose="internship",
               message="邀请参加工业机器人运维实习").status_code == 302
    assert "等待对方同意" in client.get(talent).get_data(as_text=True)

    switch(client, "classmate")  # a classmate neither sees nor answers
    assert "100-0003-0001" not in client.get(talent).get_data(as_text=True)
    with session_scope() as s:
        request_id = s.scalar(select(ContactRequest.id))
    assert act(client, f"/contacts/{request_id}/answer", decision="accept").status_code == 404

    switch(client, "student")
    received = client.get("/contacts").get_data(as_text=True)
    assert "智视用户" in received and "邀请参加工业机器人运维实习" in received and "人才库「林同学」" in received
    assert act(client, f"/contacts/{request_id}/answer", decision="accept", reply="周末可联系").status_code == 302

    switch(client, "maker")
    page = client.get(talent).get_data(as_text=True)
    assert "100-0003-0001" in page and "lin@demo.example.com" in page and "周末可联系" in page
    switch(client, "food")  # the grant is for that requester only
    assert "100-0003-0001" not in client.get(talent).get_data(as_text=True)

    switch(client, "student")
    assert act(client, f"/contacts/{request_id}/revoke").status_code == 302
    switch(client, "maker")
    assert "100-0003-0001" not in client.get(talent).get_data(as_text=True)
    with session_scope() as s:
        trail = s.scalars(select(AuditEntry.summary).where(AuditEntry.action == "contact").order_by(AuditEntry.id)).all()
    assert len(trail) == 3 and trail[1].startswith("同意向「智视用户」提供联系方式") and trail[2].startswith("已收回授权")


def test_an_expert_without_an_account_is_answered_for_by_the_organization(client: FlaskClient, world: World) -> None:
    expert = world.ids["vision_expert"]
    login(client, "food")
    act(client, f"/contact/expert/{expert}", purpose="consulting", message="酱油灌装线视觉检测咨询")
    switch(client, "college")  # the expert's college answers
    assert "酱油灌装线视觉检测咨询" in client.get("/contacts").get_data(as_text=True)
    with session_scope() as s:
        request_id = s.scalar(select(ContactRequest.id))
    assert act(client, f"/contacts/{request_id}/answer", decision="decline").status_code == 302
    switch(client, "food")
    page = client.get(f"/pool/expert/{expert}").get_data(as_text=True)
    assert "100-0001-0009" not in page and "已拒绝" in client.get("/contacts").get_data(as_text=True)


def test_a_student_downloads_their_data_and_deletes_the_account(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        s.add(Application(talent_id=world.ids["fit_student"], internship_id=world.ids["post"]))
        student_id = s.scalar(select(User.id).where(User.username == "student"))
        s.add(Feedback(actor=str(student_id), direction="talent_internships", source_pool="talent",
                       source_id=world.ids["fit_student"], target_pool="internship", target_id=world.ids["post"],
                       action="interested"))
    login(client, "student")
    download = client.get("/me/data.json")
    data = json.loads(download.get_data(as_text=True))
    assert "attachment" in download.headers["Content-Disposition"]
    assert data["账号"]["用户名"] == "student" and data["档案"][0]["手机"] == "100-0003-0001"
    assert data["实习申请"][0]["岗位"] == "工业机器人运维实习生" and data["给出的反馈"][0]["反馈"] == "感兴趣"
    wrong = act(client, "/me/delete", password="nope")
    assert wrong.status_code == 400 and "密码不正确" in wrong.get_data(as_text=True)
    assert act(client, "/me/delete", password="secret-pass").status_code == 302
    with session_scope() as s:
        assert s.get(Talent, world.ids["fit_student"]) is None
        assert s.scalar(select(User).where(User.username == "student")) is None
        assert s.scalar(select(Application)) is None and s.scalar(select(Feedback)) is None
    assert client.get(f"/pool/talent/{world.ids['fit_student']}").status_code == 404
    assert login(client, "student").status_code == 200  # the account is gone
    login(client, "maker")
    assert act(client, "/me/delete", password="secret-pass").status_code == 403  # students only


def test_membership_pages_from_application_to_certificate(client: FlaskClient, world: World) -> None:
    login(client, "food")
    page = client.get("/membership").get_data(as_text=True)
    assert "非会员" in page and "申请入会" in page
    assert act(client, "/membership", action="apply", level="会员单位",
               materials="调味品企业，愿与联盟院校共建食品检验实训基地并接收实习生。").status_code == 302
    switch(client, "staff")
    from data.models import MembershipCase

    with session_scope() as s:
        case_id = s.scalar(select(MembershipCase.id))
    assert "重庆鲜味食品有限公司" in client.get("/staff/membership").get_data(as_text=True)
    assert act(client, "/staff/membership", action="review", case_id=case_id, decision="accept", reason="").status_code == 302
    for user in ("maker", "college"):  # the council has two members: both must approve (1/2 is not > 2/3)
        switch(client, user)
        council = client.get("/membership").get_data(as_text=True)
        assert "理事会表决" in council and "重庆鲜味食品有限公司" in council
        assert act(client, "/membership", action="vote", case_id=case_id, decision="approve").status_code == 302
    switch(client, "food")
    page = client.get("/membership").get_data(as_text=True)
    assert "正式会员" in page and "CJLM-" in page and "理事会表决通过（同意 2 / 理事会 2）" in page
    assert "badge" not in client.get("/membership").get_data(as_text=True)  # notices were read
    unconfirmed = act(client, "/membership", action="notice")
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.get_data(as_text=True)
    assert act(client, "/membership", action="notice", confirm="yes").status_code == 302
    assert "退出生效日" in client.get("/membership").get_data(as_text=True)


def test_five_wrong_passwords_make_the_address_wait(client: FlaskClient) -> None:
    for _ in range(5):
        assert "用户名或密码不正确" in login(client, "maker", "wrong-pass").get_data(as_text=True)
    locked = login(client, "maker")  # even the right password, while this address waits (same message)
    assert locked.status_code == 200 and "用户名或密码不正确" in locked.get_data(as_text=True)
    with session_scope() as s:
        assert s.scalar(select(AuditEntry.summary).where(AuditEntry.action == "account")).endswith("暂停登录 1 分钟")


def test_login_is_rate_limited_per_address(world: World) -> None:
    app = create_app({"TESTING": True, "RATELIMIT_IN_TESTS": True, "WTF_CSRF_ENABLED": False})
    with app.test_client() as c:
        codes = [c.post("/login", data={"username": f"nobody{i}", "password": "x"}).status_code for i in range(22)]
    assert codes[:20] == [200] * 20 and codes[20:] == [429, 429]


def test_security_headers_and_cookie_flags(client: FlaskClient) -> None:
    response = login(client, "maker")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Content-Type-Options"] == "nosniff"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    for path in ("/", "/pool/expert", "/mine", "/staff/review"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and 'style="' not in html and "onclick" not in html
