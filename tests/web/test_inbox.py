"""「消息」, its e-mail settings, subscriptions and the staff's failed-mail page, through the site
and the API: each user sees and changes only their own; bad input gets a Chinese answer naming
the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import MailState, NotificationKind, Role
from data.models import Notification, Subscription, User
from data.workflows.notifications import notify
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("food", "鲜味用户", Role.ENTERPRISE, "food"),
                      ("staff", "秘书处", Role.STAFF, None))


def _tell(username: str, kind: NotificationKind, title: str, link: str = "/contacts") -> int:
    with session_scope() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        return notify(s, [user], kind, title, "详情", link)[0].id


def _api(client: FlaskClient, method: str, url: str, body: object | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"X-CSRFToken": token(client, "/mine")} if method != "GET" else {}
    response = client.open(url, method=method, headers=headers, data=json.dumps(body) if body is not None else None,
                           content_type="application/json")
    return response.status_code, (response.get_json(silent=True) or {})


def test_the_inbox_shows_ones_own_messages_and_marks_them_read(client: FlaskClient, world: World) -> None:
    mine = [_tell("maker", NotificationKind.CONTACT_RECEIVED, f"有人请求联系方式{i}") for i in range(3)]
    theirs = _tell("food", NotificationKind.MEMBERSHIP, "别人的会员消息")
    login(client, "maker")
    page = client.get("/inbox").get_data(as_text=True)
    assert "有人请求联系方式2" in page and "别人的会员消息" not in page
    assert 'title="未读消息">3<' in page  # the navigation's badge
    assert "有人请求联系方式" not in client.get("/inbox?kind=membership").get_data(as_text=True)
    bad = client.get("/inbox?kind=<script>")
    assert bad.status_code == 400 and "消息类型" in bad.get_data(as_text=True)
    assert client.get("/inbox?page=abc").status_code == 400
    opened = client.get(f"/inbox/{mine[0]}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/contacts")
    assert client.get(f"/inbox/{theirs}").headers["Location"].endswith("/inbox")  # not mine: nothing to open
    client.post("/inbox/read", data={"ids": [str(mine[1]), str(theirs)], "csrf_token": token(client, "/mine")})
    with session_scope() as s:
        unread = {n.id for n in s.scalars(select(Notification).where(Notification.read_at.is_(None)))}
    assert unread == {mine[2], theirs}
    assert act(client, "/inbox/read", ids="x").status_code == 400
    act(client, "/inbox/read", all="1")
    assert 'title="未读消息"' not in client.get("/inbox").get_data(as_text=True)


def test_mail_settings(client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    login(client, "maker")
    assert "未配置邮件服务器" in client.get("/inbox/settings").get_data(as_text=True)
    saved = act(client, "/inbox/settings", email="hr@example.com", mode_application_received="digest", mode_membership="off")
    assert saved.status_code == 302
    monkeypatch.setenv("MAIL_SERVER", "127.0.0.1")
    page = client.get("/inbox/settings").get_data(as_text=True)
    assert 'value="hr@example.com"' in page and "未配置邮件服务器" not in page
    _tell("maker", NotificationKind.APPLICATION_RECEIVED, "收到投递")
    with session_scope() as s:
        assert s.scalars(select(Notification.mail_state)).one() is MailState.DIGEST
    bad = act(client, "/inbox/settings", email="not-an-address")
    assert bad.status_code == 400 and "邮箱格式不正确" in bad.get_data(as_text=True)
    weird = act(client, "/inbox/settings", mode_membership="weekly")
    assert weird.status_code == 400 and "会员事务" in weird.get_data(as_text=True)


def test_following_a_search_and_a_record(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    assert "有新的匹配时通知我" in client.get("/?q=机器视觉&pool=achievement").get_data(as_text=True)
    act(client, "/subscriptions", q="机器视觉", pool="achievement", next="/?q=机器视觉")
    need = f"/pool/project/{world.ids['vision_need']}"
    assert "有新的匹配时通知我" in client.get(need).get_data(as_text=True)  # the maker's own need
    act(client, "/subscriptions", source_pool="project", source_id=str(world.ids["vision_need"]), direction="need_experts",
        next=need)
    assert "已订阅：有新的匹配" in client.get(need).get_data(as_text=True)
    listed = client.get("/subscriptions").get_data(as_text=True)
    assert "搜索「机器视觉」（成果库）" in listed and "匹配专家与教师" in listed
    wrong = act(client, "/subscriptions", source_pool="project", source_id=str(world.ids["vision_need"]), direction="talent_internships")
    assert wrong.status_code == 404 and "推荐方向" in wrong.get_data(as_text=True)
    assert act(client, "/subscriptions", q="   ").status_code == 400
    assert act(client, "/subscriptions", q="视觉", min_score="200").status_code == 400
    switch(client, "food")
    assert "有新的匹配时通知我" not in client.get(need).get_data(as_text=True)  # not theirs to follow
    assert act(client, "/subscriptions", source_pool="project", source_id=str(world.ids["vision_need"]),
               direction="need_experts").status_code == 403
    with session_scope() as s:
        theirs = s.scalars(select(Subscription.id)).first()
    assert act(client, f"/subscriptions/{theirs}/delete").status_code == 404


def test_the_api_does_the_same(client: FlaskClient, world: World) -> None:
    assert client.get("/api/v1/notifications").status_code == 401
    note = _tell("maker", NotificationKind.REVIEW_DECISION, "审核通过")
    login(client, "maker")
    status, body = _api(client, "GET", "/api/v1/notifications?unread=1")
    assert status == 200 and body["unread"] == 1 and body["items"][0]["title"] == "审核通过"
    assert _api(client, "POST", "/api/v1/notifications/read", {"ids": "all"})[0] == 400
    assert _api(client, "POST", "/api/v1/notifications/read", {"ids": [note]}) == (200, {"marked": 1})
    status, settings = _api(client, "PUT", "/api/v1/notification-settings", {"email": "hr@example.com", "modes": {"membership": "digest"}})
    assert status == 200 and settings["modes"]["membership"] == "digest" and settings["email"] == "hr@example.com"
    assert _api(client, "PUT", "/api/v1/notification-settings", {"modes": {"membership": "weekly"}})[0] == 400
    assert _api(client, "PUT", "/api/v1/notification-settings", {"modes": ["x"]})[0] == 400
    status, sub = _api(client, "POST", "/api/v1/subscriptions", {"q": "机器视觉", "pool": "achievement", "min_score": 40})
    assert status == 201 and sub["min_score"] == 40
    assert _api(client, "GET", "/api/v1/subscriptions")[1]["items"][0]["id"] == sub["id"]
    assert _api(client, "POST", "/api/v1/subscriptions", {"source_pool": "project", "source_id": 2**40, "direction": "need_experts"})[0] == 400
    assert _api(client, "DELETE", f"/api/v1/subscriptions/{sub['id']}")[0] == 204
    assert _api(client, "DELETE", f"/api/v1/subscriptions/{sub['id']}")[0] == 404


def test_staff_see_failed_mail_and_send_it_again(client: FlaskClient, world: World) -> None:
    note = _tell("maker", NotificationKind.MEMBERSHIP, "会费已确认")
    with session_scope() as s:
        failed = s.get(Notification, note)
        assert failed is not None
        failed.mail_state, failed.mail_attempts, failed.mail_error = MailState.FAILED, 5, "SMTPServerDisconnected: x"
    login(client, "maker")
    assert client.get("/staff/mail").status_code == 403
    switch(client, "staff")
    assert "SMTPServerDisconnected" in client.get("/staff/mail").get_data(as_text=True)
    act(client, "/staff/mail/resend", ids=str(note))
    with session_scope() as s:
        resent = s.get(Notification, note)
        assert resent is not None and resent.mail_state is MailState.PENDING
