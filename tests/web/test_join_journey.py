"""The new-organization journey through the site: apply as a new organization → staff approve →
a person registers into it → staff approve the account → the person logs in; with the
registration page's suggestions and every form's errors on the page."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import CaseStatus, JoinStatus, Role, Status
from data.models import AuditEntry, OrgApplication, Organization, User
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, token, world_with

NEW_ORG = "佛山锐博机器人有限公司"
APPLICATION = {"name": NEW_ORG, "kind": "enterprise", "credit_code": "914403001922038216", "region": "佛山",
               "field": "智能制造", "description": "工业机器人系统集成", "contact_name": "黄工",
               "contact_phone": "13800000000", "contact_email": "huang@example.com", "level": "director",
               "materials": "本公司从事工业机器人系统集成，拟与联盟院校共建实训基地并接收学生实习。"}


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("staff", "刘秘书", Role.STAFF, None))


def _post(client: FlaskClient, url: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**form, "csrf_token": token(client, url)})


def _register(client: FlaskClient, org_name: str, **extra: str):  # type: ignore[no-untyped-def]
    return _post(client, "/register", {"username": "huang", "display_name": "黄工", "role": "enterprise",
                                       "org_name": org_name, "password": "secret-pass", "password2": "secret-pass", **extra})


def test_a_new_organization_joins_and_its_person_logs_in(client: FlaskClient, world: World) -> None:
    # Registration offers the application when the organization is not in the pools.
    page = _register(client, "佛山锐博机器人")
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "单位库中没有「佛山锐博机器人」" in html and "申请以新单位加入" in html
    assert 'href="/join?name=%E4%BD%9B' in html  # the typed name goes along

    bad = _post(client, "/join", {**APPLICATION, "credit_code": "914403001922038217", "contact_email": "huang"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "有 2 处需要修改" in html and "校验位不正确" in html and "不是有效的邮箱地址" in html
    assert f'value="{NEW_ORG}"' in html  # what was typed stays
    applied = _post(client, "/join", APPLICATION)
    assert applied.status_code == 302 and "/register?org_name=" in applied.headers["Location"]
    assert "入驻与入会申请已提交" in client.get(applied.headers["Location"]).get_data(as_text=True)
    with session_scope() as s:
        org = s.scalar(select(Organization).where(Organization.name == NEW_ORG))
        org_id, application_id = org.id, s.scalar(select(OrgApplication.id))
        assert org.status is Status.DRAFT
    assert client.get(f"/pool/organization/{org_id}").status_code == 404  # not in the pools yet
    early = _register(client, NEW_ORG)
    assert early.status_code == 400 and "入驻申请正在等待秘书处审核" in early.get_data(as_text=True)

    # The secretariat sees it on its membership page, with the contact person; a rejection
    # without a reason is an error beside the application, not an error page.
    login(client, "staff")
    staff_page = client.get("/staff/membership").get_data(as_text=True)
    assert "新单位入驻申请（1）" in staff_page and "914403001922038216" in staff_page and "huang@example.com" in staff_page
    assert re.search(r'会员管理<span class="badge"[^>]*>1</span>', client.get("/").get_data(as_text=True))
    refused = act(client, "/staff/membership", action="join", application_id=application_id, decision="reject", reason="")
    assert refused.status_code == 400 and "不予通过时请写明理由" in refused.get_data(as_text=True)
    assert "新单位入驻申请（1）" in refused.get_data(as_text=True)
    approved = act(client, "/staff/membership", action="join", application_id=application_id, decision="approve", reason="")
    assert approved.status_code == 302
    html = client.get("/staff/membership").get_data(as_text=True)
    assert "新单位入驻申请（0）" in html and f"入会申请：{NEW_ORG}" in html  # its case is in the preliminary review
    client.post("/logout", data={"csrf_token": token(client, "/")})

    # Now a person of the organization registers into it (its name as typed with spaces).
    registered = _register(client, "佛山 锐博机器人有限公司")
    assert registered.status_code == 302
    with session_scope() as s:
        user = s.scalar(select(User).where(User.username == "huang"))
        assert user.org_id == org_id and not user.active
        user_id = user.id
    login(client, "staff")
    assert act(client, f"/staff/accounts/{user_id}", decision="approve").status_code == 302
    switch(client, "huang")
    home = client.get("/").get_data(as_text=True)
    assert "黄工 · 企业用户" in home
    membership = client.get("/membership").get_data(as_text=True)
    assert NEW_ORG in membership and f'<dd id="case-status">{CaseStatus.SUBMITTED.label}（申请级别：理事单位）' in membership
    assert client.get(f"/pool/organization/{org_id}").status_code == 200
    with session_scope() as s:
        assert s.get(OrgApplication, application_id).status is JoinStatus.APPROVED
        assert s.scalar(select(AuditEntry).where(AuditEntry.summary.like("通过新单位%"))).actor == "staff"


def test_registration_suggests_the_closest_names(client: FlaskClient, world: World) -> None:
    page = _register(client, "广州智视装备")  # the pools have 广州智视装备有限公司
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "您是不是要找" in html
    assert re.search(r'name="org_pick" value="广州智视装备有限公司"', html)
    assert "重庆鲜味食品有限公司" not in html
    picked = _register(client, "广州智视装备", org_pick="广州智视装备有限公司")
    assert picked.status_code == 302
    with session_scope() as s:
        assert s.scalar(select(User).where(User.username == "huang")).org.name == "广州智视装备有限公司"


def test_a_duplicate_is_refused_in_chinese(client: FlaskClient, world: World) -> None:
    page = _post(client, "/join", {**APPLICATION, "name": "广州智视装备股份有限公司"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and "单位库中已有「广州智视装备有限公司」" in html
    with session_scope() as s:
        assert s.scalars(select(OrgApplication)).all() == []
