"""Create and edit records of every pool, held edits in review, request changes, the audit log."""

from __future__ import annotations


import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import JobKind, RevisionStatus, Role, Status
from data.models import AuditEntry, Internship, Project, Revision
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"),
                      ("food", "鲜味用户", Role.ENTERPRISE, "food"),  # not a member
                      ("student", "学生甲", Role.STUDENT, "gz_college"), ("staff", "秘书处甲", Role.STAFF, None))


def post(client: FlaskClient, url: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(url, data={**data, "csrf_token": token(client, url)})


INTERNSHIP = {"岗位名称": "PLC调试实习生", "岗位类型": "实习", "岗位描述": "协助工程师调试产线PLC程序", "招收人数": "2",
              "开始日期": "2027-07-01", "结束日期": "2027-08-31", "技能要求": "PLC编程、电气识图", "工作地点": "广州",
              "行业领域": "智能制造", "可见范围": "公开"}


def audit_actions(record_id: int, pool: str) -> list[str]:
    with session_scope() as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.pool == pool, AuditEntry.record_id == record_id)
                              .order_by(AuditEntry.id)))


def test_member_posts_an_internship_with_field_errors_then_lands_on_it(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    bad = post(client, "/pool/internship/new", {**INTERNSHIP, "岗位名称": "", "招收人数": "两个",
                                                    "结束日期": "2027-06-01"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "必填，不能为空" in html and "「两个」应为整数" in html
    assert "PLC调试实习生" not in html or 'value="协助' not in html  # the typed values are kept, not the record
    with session_scope() as s:
        assert s.scalar(select(Internship).where(Internship.name == "PLC调试实习生")) is None
    bad = post(client, "/pool/internship/new", {**INTERNSHIP, "结束日期": "2027-06-01"})
    assert bad.status_code == 400 and "不能早于「开始日期」" in bad.get_data(as_text=True)
    ok = post(client, "/pool/internship/new", INTERNSHIP)
    assert ok.status_code == 302 and ok.location.endswith("#recs")
    with session_scope() as s:
        post_ = s.scalar(select(Internship).where(Internship.name == "PLC调试实习生"))
        assert post_.status is Status.PUBLISHED and post_.owner_org_id == world.ids["maker"] and post_.seats == 2
        new_id = post_.id
    page = client.get(ok.location.split("#")[0]).get_data(as_text=True)
    assert "已保存并发布" in page and "推荐学生" in page and "编辑" in page
    assert audit_actions(new_id, "internship") == ["create"]
    # The same name again is refused by field.
    again = post(client, "/pool/internship/new", INTERNSHIP)
    assert again.status_code == 400 and "已有同名记录" in again.get_data(as_text=True)


def test_a_non_member_posts_into_review_and_a_student_may_not_post(client: FlaskClient) -> None:
    login(client, "food")
    response = post(client, "/pool/project/new", {"名称": "酱油灌装线节能改造", "项目类型": "技术攻关",
                                                     "需求描述": "灌装线能耗高，希望改造", "可见范围": "公开"})
    assert response.status_code == 302
    with session_scope() as s:
        assert s.scalar(select(Project).where(Project.name == "酱油灌装线节能改造")).status is Status.PENDING
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, "student")
    assert client.get("/pool/project/new").status_code == 403
    denied = client.post("/pool/project/new", data={"csrf_token": token(client, "/mine"), "名称": "x"})
    assert denied.status_code == 403 and "不能在项目库中新建" in denied.get_data(as_text=True)


def test_edit_of_a_published_need_waits_for_review_then_applies(client: FlaskClient, world: World) -> None:
    need = world.ids["vision_need"]
    login(client, "maker")
    form = client.get(f"/pool/project/{need}/edit").get_data(as_text=True)
    assert 'value="产线零件表面缺陷视觉检测"' in form and "秘书处审核" in form
    assert 'name="状态"' not in form and 'name="发布单位"' not in form  # workflow and owner are not typed
    edited = post(client, f"/pool/project/{need}/edit", {
        "名称": "产线零件表面缺陷视觉检测（二期）", "项目类型": "技术攻关", "需求描述": "需要对冲压零件表面划痕进行机器视觉在线检测",
        "预算（万元）": "80", "所需技能": "机器视觉、缺陷检测", "行业领域": "智能制造", "地区": "广州市", "可见范围": "公开"})
    assert edited.status_code == 302
    with session_scope() as s:
        assert s.get(Project, need).name == "产线零件表面缺陷视觉检测"  # the published version stays live
        revision = s.scalar(select(Revision).where(Revision.record_id == need))
        assert revision.status is RevisionStatus.PENDING
        revision_id = revision.id
    mine = client.get("/mine").get_data(as_text=True)
    assert "待审核" in mine
    client.post("/logout", data={"csrf_token": token(client, "/")})

    login(client, "staff")
    queue = client.get("/staff/review").get_data(as_text=True)
    assert "产线零件表面缺陷视觉检测（二期）" in queue and "<del>" in queue and "修改" in queue
    missing_reason = post(client, f"/staff/review/revision/{revision_id}", {"decision": "reject", "reason": ""})
    assert missing_reason.status_code == 400 and "请填写原因" in missing_reason.get_data(as_text=True)
    approved = client.post(f"/staff/review/revision/{revision_id}",
                               data={"decision": "approve", "csrf_token": token(client, "/staff/review")})
    assert approved.status_code == 302
    with session_scope() as s:
        project = s.get(Project, need)
        assert project.name == "产线零件表面缺陷视觉检测（二期）" and project.budget == 80
        entries = s.scalars(select(AuditEntry).where(AuditEntry.record_id == need, AuditEntry.pool == "project")
                            .order_by(AuditEntry.id)).all()
        assert [e.action for e in entries] == ["submit", "approve"]
        assert entries[1].before["名称"] == "产线零件表面缺陷视觉检测" and entries[1].after["预算（万元）"] == "80"
        assert entries[1].actor == "staff"
    audit_page = client.get(f"/staff/audit?pool=project&record_id={need}").get_data(as_text=True)
    assert "审核通过" in audit_page and "产线零件表面缺陷视觉检测（二期）" in audit_page


def test_request_changes_sends_a_record_back_to_its_owner(client: FlaskClient) -> None:
    login(client, "food")
    post(client, "/pool/project/new", {"名称": "酱油灌装线节能改造", "项目类型": "技术攻关",
                                          "需求描述": "灌装线能耗高", "可见范围": "公开"})
    with session_scope() as s:
        project_id = s.scalar(select(Project.id).where(Project.name == "酱油灌装线节能改造"))
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, "staff")
    sent_back = post(client, f"/staff/review/project/{project_id}",
                     {"decision": "request_changes", "reason": "请补充现有能耗数据与改造目标"})
    assert sent_back.status_code == 302
    with session_scope() as s:
        assert s.get(Project, project_id).status is Status.DRAFT
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, "food")
    assert "请补充现有能耗数据与改造目标" in client.get("/mine").get_data(as_text=True)
    resubmitted = post(client, f"/pool/project/{project_id}/edit", {
        "名称": "酱油灌装线节能改造", "项目类型": "技术攻关", "可见范围": "公开",
        "需求描述": "灌装线年耗电120万千瓦时，希望降低20%"})
    assert resubmitted.status_code == 302
    with session_scope() as s:
        project = s.get(Project, project_id)
        assert project.status is Status.PENDING and "120万千瓦时" in project.description
    assert audit_actions(project_id, "project") == ["create", "request_changes", "update"]


def test_nobody_edits_another_organizations_record(client: FlaskClient, world: World) -> None:
    login(client, "food")
    url = f"/pool/project/{world.ids['vision_need']}/edit"
    assert client.get(url).status_code == 403
    denied = client.post(url, data={"名称": "改掉", "项目类型": "技术攻关", "需求描述": "x", "可见范围": "公开",
                                        "csrf_token": token(client, "/mine")})
    assert denied.status_code == 403 and "不能修改" in denied.get_data(as_text=True)
    with session_scope() as s:
        assert s.get(Project, world.ids["vision_need"]).name == "产线零件表面缺陷视觉检测"
        assert s.scalar(select(Revision)) is None


def test_the_audit_log_cannot_be_changed(live_db: str) -> None:
    from data.enums import AuditAction
    from data.workflows.audit import audit

    with session_scope() as s:
        entry = audit(s, None, AuditAction.EXPORT, "expert", None, "导出专家库")
    with pytest.raises(PermissionError), session_scope() as s:
        s.get(AuditEntry, entry.id).summary = "改写"
    with pytest.raises(PermissionError), session_scope() as s:
        s.delete(s.get(AuditEntry, entry.id))
    with session_scope() as s:
        assert s.get(AuditEntry, entry.id).summary == "导出专家库" and s.get(AuditEntry, entry.id).actor == "命令行"


def test_owner_deletes_a_record_from_its_form(client: FlaskClient, world: World) -> None:
    post_id = world.ids["post"]
    login(client, "food")
    denied = client.post(f"/pool/internship/{post_id}/delete", data={"csrf_token": token(client, "/mine")})
    assert denied.status_code == 403
    client.post("/logout", data={"csrf_token": token(client, "/")})
    login(client, "maker")
    assert "删除这条记录" in client.get(f"/pool/internship/{post_id}/edit").get_data(as_text=True)
    deleted = client.post(f"/pool/internship/{post_id}/delete", data={"csrf_token": token(client, "/mine")})
    assert deleted.status_code == 302 and deleted.location.endswith("/mine")
    assert client.get(f"/pool/internship/{post_id}").status_code == 404
    assert audit_actions(post_id, "internship") == ["delete"]
    org = client.post(f"/pool/organization/{world.ids['maker']}/delete", data={"csrf_token": token(client, "/mine")})
    assert org.status_code == 400 and "按章程办理" in org.get_data(as_text=True)


def test_a_学徒岗位_is_posted_through_the_record_form(client: FlaskClient, world: World) -> None:
    login(client, "maker")
    assert "学徒岗位" in client.get("/pool/internship/new").get_data(as_text=True)
    ok = post(client, "/pool/internship/new", {**INTERNSHIP, "岗位名称": "数控学徒", "岗位类型": "学徒岗位"})
    assert ok.status_code == 302
    with session_scope() as s:
        made = s.scalar(select(Internship).where(Internship.name == "数控学徒"))
        assert made is not None and made.job_kind is JobKind.APPRENTICESHIP
    page = client.get(ok.location.split("#")[0]).get_data(as_text=True)
    assert page.index("岗位类型") < page.index("学徒岗位") < page.index("招收人数")
