"""One publish/review rule and one audit row per change on every write path: 「发布需求」, the
student profile form, the JSON API, and applications (apply, accept, decline)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import AuditAction, RevisionStatus, Role, Status
from data.models import Application, AuditEntry, Project, Revision, Talent
from data.workflows.accounts import create_api_token
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, token, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)
NEED = {"项目类型": "技术攻关", "需求描述": "需要对冲压零件表面划痕做机器视觉在线检测", "行业领域": "智能制造",
        "地区": "广州", "可见范围": "公开"}
PROFILE = {"姓名": "郑同学", "专业": "工业机器人技术", "学历层次": "高职", "技能": "PLC编程", "期望城市": "广州",
           "可见范围": "会员可见"}


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("food", "鲜味用户", Role.ENTERPRISE, "food"),
                      ("student", "郑同学", Role.STUDENT, "gz_college"), ("cq", "钱同学", Role.STUDENT, "cq_college"),
                      members=("maker", "gz_college"))


def _trail(pool: str, record_id: int) -> list[str]:
    with session_scope() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.pool == pool, AuditEntry.record_id == record_id)
                              .order_by(AuditEntry.id)))


def _post_need(client: FlaskClient, name: str) -> Project:
    saved = client.post("/needs/new", data={**NEED, "名称": name, "csrf_token": token(client, "/needs/new")})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with session_scope() as s:
        return s.scalar(select(Project).where(Project.name == name))


def test_a_non_member_need_waits_for_review_and_every_need_is_audited(client: FlaskClient, world: World) -> None:
    login(client, "food")  # not a member in good standing
    need = _post_need(client, "酱油灌装线视觉检测")
    assert need.status is Status.PENDING and need.owner_org_id == world.ids["food"]
    assert "等待秘书处审核后发布" in client.get(f"/pool/project/{need.id}").get_data(as_text=True)
    assert _trail("project", need.id) == [AuditAction.CREATE.value]
    switch(client, "maker")  # a member: published at once
    need = _post_need(client, "冲压件划痕在线检测")
    assert need.status is Status.PUBLISHED and _trail("project", need.id) == [AuditAction.CREATE.value]
    clash = client.post("/needs/new", data={**NEED, "名称": "冲压件划痕在线检测", "csrf_token": token(client, "/needs/new")})
    assert clash.status_code == 400 and "已有同名记录" in clash.get_data(as_text=True)
    wrong = client.post("/needs/new", data={**NEED, "名称": "共建基地", "项目类型": "共建基地",
                                            "csrf_token": token(client, "/needs/new")})
    assert wrong.status_code == 400 and "请选择需求类型" in wrong.get_data(as_text=True)


def test_the_student_profile_is_reviewed_and_audited_like_any_record(client: FlaskClient, world: World) -> None:
    login(client, "student")
    assert act(client, "/student/profile", **PROFILE).status_code == 302
    with session_scope() as s:
        talent = s.scalar(select(Talent).where(Talent.name == "郑同学"))
        assert talent.status is Status.PUBLISHED and talent.natural_key.startswith("user:")
    assert _trail("talent", talent.id) == [AuditAction.CREATE.value]

    # An edit of the published profile is held; the published version stays live.
    assert act(client, "/student/profile", **{**PROFILE, "技能": "PLC编程、工业机器人编程"}).status_code == 302
    with session_scope() as s:
        live = s.get(Talent, talent.id)
        assert live.skills == ["PLC编程"] and live.status is Status.PUBLISHED
        revision = s.scalar(select(Revision).where(Revision.pool == "talent", Revision.record_id == talent.id))
        assert revision.status is RevisionStatus.PENDING
    assert _trail("talent", talent.id) == [AuditAction.CREATE.value, AuditAction.SUBMIT.value]
    unchanged = act(client, "/student/profile", **PROFILE)  # the live values again: nothing to do
    assert unchanged.status_code == 302 and _trail("talent", talent.id)[-1] == AuditAction.SUBMIT.value

    switch(client, "cq")  # a school that is not a member in good standing: the profile waits
    assert act(client, "/student/profile", **{**PROFILE, "姓名": "钱同学"}).status_code == 302
    with session_scope() as s:
        other = s.scalar(select(Talent).where(Talent.name == "钱同学"))
        assert other.status is Status.PENDING
    assert _trail("talent", other.id) == [AuditAction.CREATE.value]


def test_applications_are_audited(client: FlaskClient, world: World) -> None:
    login(client, "student")
    act(client, "/student/profile", **PROFILE)
    with session_scope() as s:
        talent_id = s.scalar(select(Talent.id).where(Talent.name == "郑同学"))
    assert act(client, f"/student/apply/{world.ids['post']}").status_code == 302
    with session_scope() as s:
        application_id = s.scalar(select(Application.id).where(Application.talent_id == talent_id))
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == AuditAction.APPLICATION.value))
        assert entry.actor == "student" and entry.record_id == talent_id and "工业机器人运维实习生" in entry.summary
    switch(client, "maker")
    assert act(client, f"/org/applications/{application_id}", decision="decline").status_code == 302
    assert _trail("talent", talent_id) == [AuditAction.CREATE.value, AuditAction.APPLICATION.value,
                                           AuditAction.APPLICATION.value]


def test_the_api_follows_the_same_rule(world: World) -> None:
    with session_scope() as s:
        bearer = {"Authorization": f"Bearer {create_api_token(s, 'food')[1]}"}
    api = create_app({"TESTING": True}).test_client()
    created = api.post("/api/v1/pools/project", headers=bearer, json={**NEED, "名称": "发酵罐温度监测"})
    assert created.status_code == 201 and created.get_json()["outcome"] == "pending"
    assert _trail("project", created.get_json()["item"]["id"]) == [AuditAction.CREATE.value]
