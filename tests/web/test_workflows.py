"""Enterprises answer applications; colleges propose teachers for enterprise practice; an expert's profile."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import ApplicationStatus, ProposalStatus, Role
from data.models import Application, AuditEntry, Expert, Internship, PracticeProposal
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("food", "鲜味用户", Role.ENTERPRISE, "food"),
                       ("college", "智造学院", Role.COLLEGE, "gz_college"), ("cq", "轻工学院", Role.COLLEGE, "cq_college"),
                       ("expert", "陈老师", Role.EXPERT, "gz_college"), members=("maker", "gz_college"))
    with session_scope() as s:
        s.get(Internship, world.ids["post"]).seats = 1
        s.add_all([Application(talent_id=world.ids["fit_student"], internship_id=world.ids["post"]),
                   Application(talent_id=world.ids["unwilling_student"], internship_id=world.ids["post"])])
    return world


def test_enterprise_accepts_up_to_its_seats_and_rejects(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        first, second = s.scalars(select(Application.id).order_by(Application.id)).all()
    login(client, "food")
    assert "还没有收到申请" in client.get("/org/applications").get_data(as_text=True)
    other = act(client, f"/org/applications/{first}", decision="accept")
    assert other.status_code == 404 and "的您的岗位申请" in other.get_data(as_text=True)
    switch(client, "maker")
    page = client.get("/org/applications").get_data(as_text=True)
    assert "林同学" in page and "工业机器人技术" in page and "录用" in page
    assert act(client, f"/org/applications/{first}", decision="accept").status_code == 302
    full = act(client, f"/org/applications/{second}", decision="accept")
    assert full.status_code == 400 and "名额已满" in full.get_data(as_text=True)
    assert act(client, f"/org/applications/{second}", decision="reject").status_code == 302
    again = act(client, f"/org/applications/{second}", decision="accept")
    assert again.status_code == 400 and "已是「未录用」，不能改为「已录用」" in again.get_data(as_text=True)
    with session_scope() as s:
        assert [a.status for a in s.scalars(select(Application).order_by(Application.id))] == [
            ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED]
        assert s.scalar(select(AuditEntry.summary).where(AuditEntry.action == "application")).startswith("已录用")


def test_college_proposes_a_teacher_and_the_enterprise_answers(client: FlaskClient, world: World) -> None:
    teacher, maker = world.ids["plc_teacher"], world.ids["maker"]
    login(client, "cq")  # another college may not propose this teacher
    denied = act(client, "/proposals", teacher_id=teacher, enterprise_id=maker, message="暑期实践")
    assert denied.status_code == 403 and "本校的教师" in denied.get_data(as_text=True)
    switch(client, "college")
    detail = client.get(f"/pool/teacher/{teacher}").get_data(as_text=True)
    assert "推荐到该企业实践" in detail and f'name="enterprise_id" value="{maker}"' in detail
    empty = act(client, "/proposals", teacher_id=teacher, enterprise_id=maker, message=" ")
    assert empty.status_code == 400 and "请说明实践内容与时间" in empty.get_data(as_text=True)
    not_enterprise = act(client, "/proposals", teacher_id=teacher, enterprise_id=world.ids["cq_college"], message="x")
    assert not_enterprise.status_code == 400 and "的企业" in not_enterprise.get_data(as_text=True)
    assert act(client, "/proposals", teacher_id=teacher, enterprise_id=maker,
               message="2027年暑期，参与产线PLC调试，4周").status_code == 302
    twice = act(client, "/proposals", teacher_id=teacher, enterprise_id=maker, message="再推荐一次")
    assert twice.status_code == 400 and "等待答复" in twice.get_data(as_text=True)
    assert "待企业答复" in client.get("/proposals").get_data(as_text=True)
    switch(client, "maker")
    received = client.get("/proposals").get_data(as_text=True)
    assert "孙讲师" in received and "参与产线PLC调试" in received
    with session_scope() as s:
        proposal_id = s.scalar(select(PracticeProposal.id))
    no_reason = act(client, f"/proposals/{proposal_id}/answer", decision="decline", reply="")
    assert no_reason.status_code == 400 and "说明原因" in no_reason.get_data(as_text=True)
    assert act(client, f"/proposals/{proposal_id}/answer", decision="accept", reply="欢迎，7月1日报到").status_code == 302
    with session_scope() as s:
        proposal = s.get(PracticeProposal, proposal_id)
        assert proposal.status is ProposalStatus.ACCEPTED and proposal.reply == "欢迎，7月1日报到"
        assert [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.pool == "proposal"))] == ["propose", "answer"]
    switch(client, "food")  # not the enterprise it was sent to: as if it did not exist
    assert act(client, f"/proposals/{proposal_id}/answer", decision="accept").status_code == 404


def test_an_expert_creates_their_profile_once_and_sees_projects_that_need_them(client: FlaskClient) -> None:
    login(client, "expert")
    first = client.get("/me/profile")
    assert first.status_code == 302 and first.location.endswith("/pool/expert/new")
    saved = act(client, "/pool/expert/new", 姓名="陈老师", 职称="教授", 研究方向="机器视觉、缺陷检测", 行业领域="智能制造",
                个人简介="研究工业视觉检测", 可见范围="公开")
    assert saved.status_code == 302
    with session_scope() as s:
        expert = s.scalar(select(Expert).where(Expert.name == "陈老师"))
        assert expert.user_id is not None and expert.owner_org.name == "广州智造职业技术学院"
    profile = client.get("/me/profile")
    assert profile.location.endswith(f"/pool/expert/{expert.id}#recs")
    page = client.get(f"/pool/expert/{expert.id}").get_data(as_text=True)
    assert "需要您的项目" in page and "编辑" in page
    twice = act(client, "/pool/expert/new", 姓名="陈老师二", 研究方向="x", 可见范围="公开")
    assert twice.status_code == 400 and "已有个人档案" in twice.get_data(as_text=True)
    # The expert may not edit a colleague's record.
    with session_scope() as s:
        colleague = s.scalar(select(Expert.id).where(Expert.name == "陈视觉"))
    assert client.get(f"/pool/expert/{colleague}/edit").status_code == 403
