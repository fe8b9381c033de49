"""合作记录 on the site and in the API: made from an accepted application, an accepted practice
proposal and a granted contact, or recorded directly; activity logged by one side and confirmed
by the other; seen by the parties, the person and staff, nobody else; the Excel export; the
staff dashboard's totals; bad input answered in Chinese naming the field."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from data.db import session_scope
from data.enums import (ActivityStatus, AgreementKind, AgreementStatus, ApplicationStatus, ContactPurpose, ContactStatus,
                        ProposalStatus, Role)
from data.models import Activity, Agreement, Application, ContactRequest, PracticeProposal, Talent, User
from data.workflows.accounts import create_api_token
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_agreements.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"), ("college", "智造学院", Role.COLLEGE, "gz_college"),
                       ("food", "鲜味用户", Role.ENTERPRISE, "food"), ("student", "林同学", Role.STUDENT, "gz_college"),
                       ("staff", "秘书处", Role.STAFF, None), members=("maker", "gz_college"))
    ids = world.ids
    with session_scope() as s:
        users = {u.username: u.id for u in s.scalars(select(User))}
        ids.update({f"user_{k}": v for k, v in users.items()})
        s.get_one(Talent, ids["fit_student"]).user_id = users["student"]
        application = Application(talent_id=ids["fit_student"], internship_id=ids["post"], status=ApplicationStatus.CONFIRMED)
        proposal = PracticeProposal(teacher_id=ids["plc_teacher"], enterprise_id=ids["maker"], message="暑期PLC调试实践",
                                    status=ProposalStatus.ACCEPTED)
        contact = ContactRequest(requester_id=users["maker"], target_pool="expert", target_id=ids["vision_expert"],
                                 purpose=ContactPurpose.CONSULTING, message="视觉检测咨询", status=ContactStatus.ACCEPTED)
        s.add_all([application, proposal, contact])
        s.flush()
        ids.update(application=application.id, proposal=proposal.id, contact=contact.id)
    return world


def _created(response) -> int:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[-500:]
    found = re.search(r"/agreements/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def _refused(response, status: int, *words: str) -> None:  # type: ignore[no-untyped-def]
    text = response.get_data(as_text=True)
    assert response.status_code == status, (response.status_code, text[-500:])
    assert "Traceback" not in text
    for word in words:
        assert word in text, (word, text[-500:])


def _from_every_source(client: FlaskClient, world: World) -> dict[str, int]:
    ids = world.ids
    login(client, "college")
    proposals = client.get("/proposals").get_data(as_text=True)
    assert f"/agreements/from/proposal/{ids['proposal']}" in proposals and "建立合作记录" in proposals
    practice = _created(act(client, f"/agreements/from/proposal/{ids['proposal']}"))
    switch(client, "maker")
    contacts = client.get("/contacts").get_data(as_text=True)
    assert f"/agreements/from/contact/{ids['contact']}" in contacts and "技术咨询" in contacts
    consulting = _created(act(client, f"/agreements/from/contact/{ids['contact']}", kind="技术咨询",
                              title="产线视觉检测咨询", amount_wan="12.5", start_date="2027-03-01"))
    internship = _created(act(client, f"/agreements/from/application/{ids['application']}"))
    return {"practice": practice, "consulting": consulting, "internship": internship}


def test_agreements_from_each_source_and_confirmed_activity(client: FlaskClient, world: World) -> None:
    made = _from_every_source(client, world)
    with session_scope() as s:
        kinds = {key: s.get_one(Agreement, i).kind for key, i in made.items()}
        consulting = s.get_one(Agreement, made["consulting"])
        assert str(consulting.amount_wan) == "12.50" and consulting.person_name == "陈视觉"
    assert kinds == {"practice": AgreementKind.TEACHER_PRACTICE, "consulting": AgreementKind.CONSULTING,
                     "internship": AgreementKind.INTERNSHIP}
    # Once per source.
    _refused(act(client, f"/agreements/from/application/{world.ids['application']}"), 400, "已据此建立")
    # The enterprise logs two person-months of internship; only the college can confirm them.
    page = client.get(f"/agreements/{made['internship']}").get_data(as_text=True)
    assert "工业机器人运维实习生（林同学）" in page and "实习人月" in page and "授课课时" not in page
    logged = act(client, f"/agreements/{made['internship']}/activities", unit="internship_months", quantity="2",
                 period_start="2027-07-01", period_end="2027-08-31", note="两个月产线实习")
    assert logged.status_code == 302
    with session_scope() as s:
        activity_id = s.scalar(select(Activity.id))
    page = client.get(f"/agreements/{made['internship']}").get_data(as_text=True)
    assert "待对方确认" in page and f"/activities/{activity_id}/answer" not in page  # not for its own entry
    _refused(act(client, f"/activities/{activity_id}/answer", decision="confirm"), 403, "另一方确认")
    switch(client, "college")
    page = client.get(f"/agreements/{made['internship']}").get_data(as_text=True)
    assert f"/activities/{activity_id}/answer" in page and "两个月产线实习" in page
    _refused(act(client, f"/activities/{activity_id}/answer", decision="dispute", note=""), 400, "说明原因")
    assert act(client, f"/activities/{activity_id}/answer", decision="confirm").status_code == 302
    with session_scope() as s:
        assert s.get_one(Activity, activity_id).status is ActivityStatus.CONFIRMED
    listing = client.get("/agreements").get_data(as_text=True)
    assert "2 实习人月" in listing and "产线视觉检测咨询" in listing and "12.50 万元" in listing
    # Either party closes it.
    assert act(client, f"/agreements/{made['practice']}/close").status_code == 302
    with session_scope() as s:
        assert s.get_one(Agreement, made["practice"]).status is AgreementStatus.CLOSED
    # The staff dashboard counts the confirmed months.
    switch(client, "staff")
    dashboard = client.get("/staff/dashboard").get_data(as_text=True)
    assert "已确认实习人月" in dashboard and "教师企业实践" in dashboard


def test_only_the_parties_the_person_and_staff_see_an_agreement(client: FlaskClient, world: World) -> None:
    made = _from_every_source(client, world)
    switch(client, "food")  # a third organization
    assert "还没有合作记录" in client.get("/agreements").get_data(as_text=True)
    for agreement_id in made.values():
        _refused(client.get(f"/agreements/{agreement_id}"), 404, "合作记录")
        _refused(act(client, f"/agreements/{agreement_id}/activities", unit="实习人月", quantity="1",
                     period_start="2027-07-01", period_end="2027-07-31"), 404)
        _refused(act(client, f"/agreements/{agreement_id}/close"), 404)
    switch(client, "student")  # the person the internship is about: reads it, does not act
    listing = client.get("/agreements").get_data(as_text=True)
    assert "林同学" in listing and "产线视觉检测咨询" not in listing
    assert client.get(f"/agreements/{made['internship']}").status_code == 200
    _refused(client.get(f"/agreements/{made['consulting']}"), 404)
    _refused(act(client, "/agreements", kind="实习", title="x", partner_id=world.ids["gz_college"]), 403)
    _refused(act(client, f"/agreements/{made['internship']}/activities", unit="实习人月", quantity="1",
                 period_start="2027-07-01", period_end="2027-07-31"), 403)
    switch(client, "staff")
    listing = client.get("/agreements").get_data(as_text=True)
    assert all(f"/agreements/{i}" in listing for i in made.values())


def test_recording_directly_and_bad_input_named_in_chinese(client: FlaskClient, world: World) -> None:
    ids = world.ids
    login(client, "maker")
    form = client.get("/agreements").get_data(as_text=True)
    assert 'name="partner_id"' in form and 'name="enterprise_id"' not in form and "广州智视装备有限公司" in form
    good = {"kind": "横向课题", "title": "视觉检测算法开发", "partner_id": ids["gz_college"], "start_date": "2027-01-01",
            "end_date": "2027-12-31", "amount_wan": "30", "note": "合同编号 HX-2027-01"}
    for change, words in (({"kind": "合资"}, ("合作类型", "横向课题")), ({"title": " "}, ("合作名称",)),
                          ({"partner_id": "abc"}, ("「院校或科研院所编号」",)),
                          ({"partner_id": ids["food"]}, ("院校或科研院所",)),
                          ({"partner_id": "99999999"}, ("院校或科研院所",)),
                          ({"start_date": "2027-13-01"}, ("「开始日期」", "2027-07-01")),
                          ({"end_date": "2026-01-01"}, ("结束日期不能早于开始日期",)),
                          ({"amount_wan": "三十"}, ("金额应为数字",)), ({"amount_wan": "-1"}, ("金额",)),
                          ({"kind": "实习", "amount_wan": "5"}, ("「实习」不填金额",))):
        _refused(act(client, "/agreements", **{**good, **change}), 400, *words)
    with session_scope() as s:
        assert s.scalar(select(Agreement.id)) is None
    agreement_id = _created(act(client, "/agreements", **good))
    page = client.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert "30.00 万元" in page and "HX-2027-01" in page and "广州智造职业技术学院" in page
    good_log = {"unit": "授课课时", "quantity": "16", "period_start": "2027-03-01", "period_end": "2027-03-31"}
    for change, words in (({"quantity": "-1"}, ("数量",)), ({"quantity": "很多"}, ("数量",)),
                          ({"unit": "人年"}, ("计量单位",)), ({"period_start": ""}, ("起止日期",)),
                          ({"period_end": "2027-02-01"}, ("结束日期不能早于开始日期",)),
                          ({"period_end": "明天"}, ("「结束日期」",))):
        _refused(act(client, f"/agreements/{agreement_id}/activities", **{**good_log, **change}), 400, *words)
    assert act(client, f"/agreements/{agreement_id}/activities", **{**good_log, "quantity": "100"}).status_code == 302
    assert "<td>100</td>" in client.get(f"/agreements/{agreement_id}").get_data(as_text=True)  # not 1E+2 or 100.00
    # An internship logs only 实习人月.
    internship = _created(act(client, f"/agreements/from/application/{ids['application']}"))
    _refused(act(client, f"/agreements/{internship}/activities", **good_log), 400, "「实习」登记实习人月")
    _refused(act(client, "/agreements/from/nothing/1"), 400, "来源")
    _refused(act(client, "/agreements/from/proposal/999999"), 400, "实践推荐")
    # A college user names the enterprise; the college is the partner.
    switch(client, "college")
    form = client.get("/agreements").get_data(as_text=True)
    assert 'name="enterprise_id"' in form and 'name="partner_id"' not in form
    made = _created(act(client, "/agreements", kind="共建课程", title="机器人编程课程", enterprise_id=ids["maker"]))
    with session_scope() as s:
        agreement = s.get_one(Agreement, made)
        assert (agreement.enterprise_id, agreement.partner_id) == (ids["maker"], ids["gz_college"])


def test_export_lists_the_rows_each_user_sees(client: FlaskClient, world: World) -> None:
    made = _from_every_source(client, world)
    switch(client, "staff")
    response = client.get("/agreements/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "合作类型", "合作名称") and "已确认实习人月" in rows[0]
    assert sorted(r[0] for r in rows[1:]) == sorted(made.values())
    assert {r[1] for r in rows[1:]} == {"教师企业实践", "技术咨询", "实习"}
    switch(client, "food")
    rows = list(load_workbook(io.BytesIO(client.get("/agreements/export.xlsx").data)).active.iter_rows(values_only=True))
    assert len(rows) == 1  # the header only


def test_the_api_records_logs_confirms_and_hides(client: FlaskClient, world: World) -> None:
    ids = world.ids
    with session_scope() as s:
        bearer = {name: {"Authorization": f"Bearer {create_api_token(s, name)[1]}"}
                  for name in ("maker", "college", "food", "staff", "student")}
    created = client.post("/api/v1/agreements", headers=bearer["maker"],
                          json={"kind": "staff_training", "title": "新员工PLC培训", "partner_id": ids["gz_college"],
                                "amount_wan": 3, "start_date": "2027-05-01"})
    assert created.status_code == 201, created.get_json()
    agreement = created.get_json()
    assert agreement["kind"] == {"code": "staff_training", "label": "员工培训"} and agreement["amount_wan"] == 3.0
    assert agreement["enterprise"]["id"] == ids["maker"] and agreement["partner"]["id"] == ids["gz_college"]
    bad = client.post("/api/v1/agreements", headers=bearer["maker"], json={"kind": "staff_training", "title": "x"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "partner_id" and "编号" in bad.get_json()["message"]
    assert client.post("/api/v1/agreements", headers=bearer["student"], json={}).status_code == 403
    logged = client.post(f"/api/v1/agreements/{agreement['id']}/activities", headers=bearer["maker"],
                         json={"unit": "trainee_days", "quantity": 40, "period_start": "2027-05-01", "period_end": "2027-05-10"})
    assert logged.status_code == 201 and logged.get_json()["status"]["code"] == "pending"
    activity = logged.get_json()["id"]
    wrong = client.post(f"/api/v1/agreements/{agreement['id']}/activities", headers=bearer["maker"],
                        json={"unit": "practice_months", "quantity": 1, "period_start": "2027-05-01", "period_end": "2027-05-10"})
    assert wrong.status_code == 400 and wrong.get_json()["field"] == "unit"
    own = client.post(f"/api/v1/activities/{activity}/answer", headers=bearer["maker"], json={"confirm": True})
    assert own.status_code == 403
    not_bool = client.post(f"/api/v1/activities/{activity}/answer", headers=bearer["college"], json={"confirm": "yes"})
    assert not_bool.status_code == 400 and not_bool.get_json()["field"] == "confirm"
    done = client.post(f"/api/v1/activities/{activity}/answer", headers=bearer["college"], json={"confirm": True})
    assert done.status_code == 200 and done.get_json()["status"]["code"] == "confirmed"
    detail = client.get(f"/api/v1/agreements/{agreement['id']}", headers=bearer["college"]).get_json()
    assert detail["confirmed"] == {"trainee_days": 40.0} and [a["id"] for a in detail["activities"]] == [activity]
    # From a source.
    from_proposal = client.post(f"/api/v1/agreements/from/proposal/{ids['proposal']}", headers=bearer["college"])
    assert from_proposal.status_code == 201 and from_proposal.get_json()["person"]["name"] == "孙讲师"
    no_title = client.post(f"/api/v1/agreements/from/contact/{ids['contact']}", headers=bearer["maker"],
                           json={"kind": "技术咨询"})
    assert no_title.status_code == 400 and no_title.get_json()["field"] == "title"
    # A third organization sees none of them.
    assert client.get("/api/v1/agreements", headers=bearer["food"]).get_json() == {"total": 0, "items": []}
    for url in (f"/api/v1/agreements/{agreement['id']}",):
        assert client.get(url, headers=bearer["food"]).status_code == 404
    assert client.post(f"/api/v1/agreements/{agreement['id']}/close", headers=bearer["food"]).status_code == 404
    assert client.post(f"/api/v1/activities/{activity}/answer", headers=bearer["food"],
                       json={"confirm": False, "note": "不对"}).status_code == 404
    assert client.get("/api/v1/agreements").status_code == 401
    staff = client.get("/api/v1/agreements", headers=bearer["staff"]).get_json()
    assert staff["total"] == 2
    closed = client.post(f"/api/v1/agreements/{agreement['id']}/close", headers=bearer["college"])
    assert closed.status_code == 200 and closed.get_json()["status"]["code"] == "closed"
    # Cookie sessions need the CSRF token for writes.
    login(client, "maker")
    assert client.post(f"/api/v1/agreements/{agreement['id']}/close").status_code == 400
    assert client.post(f"/api/v1/agreements/{agreement['id']}/close",
                       headers={"X-CSRFToken": token(client, "/mine")}).status_code == 200


def test_staff_import_the_export_back_and_new_rows(client: FlaskClient, world: World) -> None:
    _from_every_source(client, world)
    switch(client, "staff")
    assert 'action="/agreements/import"' in client.get("/agreements").get_data(as_text=True)
    exported = client.get("/agreements/export.xlsx").data
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=headers.index("合作名称") + 1, value="改过的名称")
    new = [None] * len(headers)
    for header, value in (("合作类型", "横向课题"), ("合作名称", "导入的横向课题"), ("企业", "重庆鲜味食品有限公司"),
                          ("院校或科研院所", "重庆轻工职业学院"), ("开始日期", "2027-01-01"), ("金额（万元）", 8)):
        new[headers.index(header)] = value
    sheet.append(new)
    data = io.BytesIO()
    workbook.save(data)
    csrf = token(client, "/agreements")

    def upload(content: bytes, name: str = "合作记录.xlsx"):  # type: ignore[no-untyped-def]
        return client.post("/agreements/import", data={"csrf_token": csrf, "file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")

    done = upload(data.getvalue())
    assert done.status_code == 302
    assert "新建 1 条，更新 3 条" in client.get("/agreements").get_data(as_text=True)
    with session_scope() as s:
        titles = set(s.scalars(select(Agreement.title)))
        assert "改过的名称" in titles and "导入的横向课题" in titles and len(titles) == 4
    # A bad row: nothing is imported, the row and column are named.
    sheet.cell(row=sheet.max_row, column=headers.index("企业") + 1, value="不存在的企业")
    sheet.cell(row=2, column=headers.index("合作名称") + 1, value="不应保存")
    data = io.BytesIO()
    workbook.save(data)
    _refused(upload(data.getvalue()), 400, f"第{sheet.max_row}行 「企业」", "不存在的企业")
    with session_scope() as s:
        assert "不应保存" not in set(s.scalars(select(Agreement.title)))
    _refused(upload(b"a,b\n1,2\n", "x.csv"), 400, "表头")
    _refused(upload(b"x", "x.txt"), 400, ".xlsx")
    switch(client, "maker")
    assert 'action="/agreements/import"' not in client.get("/agreements").get_data(as_text=True)
    _refused(client.post("/agreements/import", data={"csrf_token": token(client, "/agreements")}), 403)
