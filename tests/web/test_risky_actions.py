"""Risky actions take a confirmation step: a merge shows both records and its result first (and its
audit entry holds what a restore needs); a deletion shows what goes with the record first."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from data.db import session_scope
from data.enums import ApplicationStatus, ContactPurpose, FeedbackAction, Role
from data.models import Application, AuditEntry, ContactRequest, Expert, Feedback, Internship, User
from tests.matcher.world import World
from tests.web.helpers import login, switch, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("staff", "秘书处甲", Role.STAFF, None), ("maker", "智视用户", Role.ENTERPRISE, "maker"),
                      ("food", "鲜味用户", Role.ENTERPRISE, "food"))


def test_a_merge_is_shown_before_it_is_made_and_its_audit_entry_can_restore_both(client: FlaskClient,
                                                                                 world: World) -> None:
    keep = world.ids["vision_expert"]
    with session_scope() as s:
        original = s.get(Expert, keep)
        dup = Expert(name="陈视觉", owner_org_id=original.owner_org_id, natural_key="dup", field="智能制造",
                     research_areas=["工业视觉"], description="重复录入", phone="13800000000")
        s.add(dup)
        s.flush()
        drop = dup.id
        maker = s.scalar(select(User).where(User.username == "maker"))
        s.add(Feedback(actor="maker", direction="need_experts", source_pool="project", source_id=world.ids["vision_need"],
                       target_pool="expert", target_id=drop, action=FeedbackAction.INTERESTED))
        s.add(ContactRequest(requester_id=maker.id, target_pool="expert", target_id=drop,
                             purpose=ContactPurpose.CONSULTING, message="咨询"))
    login(client, "staff")
    listing = client.get("/staff/duplicates?pool=expert").get_data(as_text=True)
    confirm_url = f"/staff/duplicates/merge?pool=expert&amp;keep_id={keep}&amp;drop_id={drop}"
    assert confirm_url in listing and 'action="/staff/duplicates/merge"' not in listing  # a link, not the merge
    page = client.get(confirm_url.replace("&amp;", "&"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "确认合并专家库记录" in html and f"编号 {drop}" in html
    assert "<ins>机器视觉、缺陷检测、深度学习、工业视觉</ins>" in html  # the lists united
    assert "反馈 1 条" in html and "联系方式申请与授权 1 条" in html and "不能一键撤销" in html
    with session_scope() as s:
        assert s.get(Expert, drop) is not None  # looking changes nothing
    for bad in ("keep_id=x", f"keep_id={keep}&drop_id={keep}"):
        response = client.get(f"/staff/duplicates/merge?pool=expert&{bad}&drop_id={drop}" if "drop" not in bad
                              else f"/staff/duplicates/merge?pool=expert&{bad}")
        assert response.status_code == 400 and "Traceback" not in response.get_data(as_text=True)
    done = client.post("/staff/duplicates/merge", data={"pool": "expert", "keep_id": keep, "drop_id": drop,
                                                        "csrf_token": token(client, "/staff/review")})
    assert done.status_code == 302
    with session_scope() as s:
        assert s.get(Expert, drop) is None and "工业视觉" in s.get(Expert, keep).research_areas
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
        restore = entry.before["恢复所需"]
        assert restore["合并记录"]["id"] == drop and restore["合并记录"]["natural_key"] == "dup"
        assert restore["合并记录"]["phone"] == "13800000000" and restore["保留记录"]["research_areas"] == [
            "机器视觉", "缺陷检测", "深度学习"]
        assert len(restore["转移到保留记录"]["反馈"]) == 1
        assert restore["随合并记录删除"]["联系方式申请与授权"][0]["message"] == "咨询"


def test_deleting_shows_what_goes_and_deletes_only_when_confirmed(client: FlaskClient, world: World) -> None:
    post = world.ids["post"]
    with session_scope() as s:
        s.add(Application(talent_id=world.ids["fit_student"], internship_id=post, status=ApplicationStatus.SUBMITTED))
    login(client, "maker")
    form = client.get(f"/pool/internship/{post}/edit").get_data(as_text=True)
    assert f'href="/pool/internship/{post}/delete"' in form and f'action="/pool/internship/{post}/delete"' not in form
    page = client.get(f"/pool/internship/{post}/delete")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "确认删除岗位库记录" in html and "工业机器人运维实习生" in html
    assert "同时删除：实习申请 1 条" in html and f'action="/pool/internship/{post}/delete"' in html
    with session_scope() as s:
        assert s.get(Internship, post) is not None
    switch(client, "food")
    assert client.get(f"/pool/internship/{post}/delete").status_code == 403
    switch(client, "maker")
    assert client.get(f"/pool/organization/{world.ids['maker']}/delete").status_code == 400
    deleted = client.post(f"/pool/internship/{post}/delete", data={"csrf_token": token(client, "/mine")})
    assert deleted.status_code == 302
    with session_scope() as s:
        assert s.get(Internship, post) is None
