"""双选会 events through the pages: staff create and open a fair over the hand-built world, the
students register, the enterprises bring posts, staff check in, print and export the 签到表,
close registration and create the fair's round; after the round is run and published the
现场结果 board shows the placement (name masked) and those left out are told; bad input gets a
Chinese error naming the field, never a 500."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from data.db import session_scope
from data.enums import Role, Status
from data.models import FairEvent, Notification, RoundPost, RoundStudent, Talent, User
from data.workflows.fairs import CHECKIN_HEADERS
from tests.makers import make_internship
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_fairs.py

FORM = {"name": "2027 春季双选会", "starts_at": "2027-04-10T09:00", "ends_at": "2027-04-10T16:00", "place": "体育馆",
        "capacity": "2", "registration_deadline": "2027-04-09T18:00"}


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("lin", "林同学", Role.STUDENT, "gz_college"), ("wu", "吴同学", Role.STUDENT, "gz_college"),
                       ("chen", "陈同学", Role.STUDENT, "gz_college"),
                       ("maker", "智视人事", Role.ENTERPRISE, "maker"), ("food", "鲜味人事", Role.ENTERPRISE, "food"),
                       ("staff", "秘书处", Role.STAFF, None), members=("maker", "gz_college"))
    with session_scope() as s:
        for username, key in (("lin", "fit_student"), ("wu", "unwilling_student")):
            s.get_one(Talent, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
        chen = s.scalar(select(User.id).where(User.username == "chen"))
        s.add(Talent(name="陈同学", natural_key="s3", owner_org_id=world.ids["gz_college"], major="食品工程",
                     level=s.get_one(Talent, world.ids["fit_student"]).level, user_id=chen, status=Status.PUBLISHED))
        world.ids["food_post"] = make_internship(s, world.ids["food"], "酱油发酵实习生", natural_key="j9",
                                                 status=Status.PUBLISHED, seats=2).id
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def _event_id() -> int:
    with session_scope() as s:
        return s.scalars(select(FairEvent.id).order_by(FairEvent.id.desc())).first() or 0


def _open_fair(client: FlaskClient) -> int:
    login(client, "staff")
    assert act(client, "/staff/fairs", **FORM).status_code == 302
    eid = _event_id()
    assert act(client, f"/staff/fairs/{eid}/status/open").status_code == 302
    return eid


def test_a_fair_from_creation_to_its_results(client: FlaskClient, world: World) -> None:
    post, food_post, lin = world.ids["post"], world.ids["food_post"], world.ids["fit_student"]
    login(client, "staff")
    assert "新建双选会" in client.get("/staff/fairs").get_data(as_text=True)
    assert act(client, "/staff/fairs", **FORM).status_code == 302
    eid = _event_id()
    switch(client, "lin")
    assert client.get(f"/fairs/{eid}").status_code == 404  # a draft
    assert "2027 春季双选会" not in client.get("/fairs").get_data(as_text=True)
    switch(client, "staff")
    assert act(client, f"/staff/fairs/{eid}/status/open").status_code == 302

    for student in ("lin", "wu"):
        switch(client, student)
        assert f"/fairs/{eid}" in client.get("/fairs").get_data(as_text=True)
        assert 'id="register"' in client.get(f"/fairs/{eid}").get_data(as_text=True)
        assert act(client, f"/fairs/{eid}/register").status_code == 302
        page = client.get(f"/fairs/{eid}").get_data(as_text=True)
        assert "您已报名本场双选会" in page and 'id="withdraw"' in page
    switch(client, "chen")
    page = client.get(f"/fairs/{eid}").get_data(as_text=True)
    assert "学生名额已满" in page and 'id="register"' not in page
    refused = act(client, f"/fairs/{eid}/register")
    assert refused.status_code == 400 and "名额已满（2 人）" in refused.get_data(as_text=True)
    assert act(client, f"/fairs/{eid}/posts", internship_id=str(post)).status_code == 403

    switch(client, "maker")
    assert 'id="post-form"' in client.get(f"/fairs/{eid}").get_data(as_text=True)
    assert act(client, f"/fairs/{eid}/posts", internship_id=str(post), seats="2").status_code == 302
    assert act(client, f"/fairs/{eid}/register").status_code == 403
    switch(client, "food")
    assert act(client, f"/fairs/{eid}/posts", internship_id=str(post)).status_code == 403  # not its post
    assert act(client, f"/fairs/{eid}/posts", internship_id=str(food_post)).status_code == 302
    assert "工业机器人运维实习生" in client.get(f"/fairs/{eid}").get_data(as_text=True)

    switch(client, "staff")
    page = client.get(f"/staff/fairs/{eid}").get_data(as_text=True)
    assert "林同学" in page and "吴同学" in page and "智视" in page
    assert act(client, f"/staff/fairs/{eid}/checkin", kind="student", record_id=str(lin)).status_code == 302
    assert act(client, f"/staff/fairs/{eid}/checkin", kind="enterprise", record_id=str(world.ids["maker"])).status_code == 302
    sheet = client.get(f"/staff/fairs/{eid}/signin").get_data(as_text=True)
    assert "签到表" in sheet and "已签到" in sheet and "未签到" in sheet and "签名" in sheet
    export = client.get(f"/staff/fairs/{eid}/signin.xlsx")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0] == CHECKIN_HEADERS and [(r[2], r[6]) for r in rows[1:] if r[1] == "学生"] == [("林同学", "已签到"), ("吴同学", "未签到")]
    assert act(client, f"/staff/fairs/{eid}/status/close").status_code == 302
    made = act(client, f"/staff/fairs/{eid}/round", students="checked_in", max_choices="3")
    assert made.status_code == 302 and "/staff/rounds/" in made.headers["Location"]
    with session_scope() as s:
        rid = s.get_one(FairEvent, eid).round_id
        assert rid is not None
        assert set(s.scalars(select(RoundPost.internship_id).where(RoundPost.round_id == rid))) == {post, food_post}
        assert list(s.scalars(select(RoundStudent.talent_id).where(RoundStudent.round_id == rid))) == [lin]

    for step in ("open", "close", "run"):
        assert act(client, f"/staff/rounds/{rid}/{step}").status_code == 302
    switch(client, "wu")
    board = client.get(f"/fairs/{eid}/results").get_data(as_text=True)
    assert "结果尚未发布" in board and "林*" not in board  # allocated is not published
    switch(client, "staff")
    assert act(client, f"/staff/rounds/{rid}/publish").status_code == 302

    switch(client, "wu")
    assert 'id="results-link"' in client.get(f"/fairs/{eid}").get_data(as_text=True)
    board = client.get(f"/fairs/{eid}/results").get_data(as_text=True).split('id="board"')[1]
    assert "林**" in board and "林同学" not in board and "吴" not in board
    assert "工业机器人运维实习生" in board and "已录用 <strong id=\"placed\">1</strong> 人" in board
    with session_scope() as s:
        told = set(s.scalars(select(User.username).join(Notification, Notification.user_id == User.id)
                             .where(Notification.link == f"/fairs/{eid}/results")))
        assert told == {"wu", "food"}  # left out of the round; an exhibitor with nobody placed


def test_bad_input_gets_a_chinese_error_naming_the_field(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    assert client.get("/staff/fairs").status_code == 403
    assert act(client, "/staff/fairs", **FORM).status_code == 403
    switch(client, "staff")
    for field, typed, said in (("name", "", "请填写双选会名称"), ("starts_at", "", "请填写双选会开始时间"),
                               ("starts_at", "明天上午", "开始时间「明天上午」应为日期时间"),
                               ("ends_at", "2027-04-10T08:00", "结束时间不能早于开始时间"),
                               ("capacity", "", "请填写学生容量"), ("capacity", "abc", "学生容量应为整数"),
                               ("capacity", "1" + "0" * 30, "学生容量应在 1 到 100000 之间"),
                               ("place", "", "请填写地点"), ("registration_deadline", "2027-05-01T00:00", "不能晚于")):
        refused = act(client, "/staff/fairs", **{**FORM, field: typed})
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), (field, typed)
    refused = act(client, "/staff/fairs", **{**FORM, "place": "", "online_url": "javascript:alert(1)"})
    assert refused.status_code == 400 and "线上链接应以 http:// 或 https:// 开头" in refused.get_data(as_text=True)
    with session_scope() as s:
        assert s.scalar(select(FairEvent.id)) is None  # nothing half-written
    for url in ("/staff/fairs/999999", "/staff/fairs/0", "/staff/fairs/99999999999999999999", "/fairs/999999",
                "/fairs/999999/results", "/fairs/abc"):
        assert client.get(url).status_code == 404, url
    assert act(client, "/staff/fairs/999999/status/open").status_code == 404

    eid = _open_fair(client)
    bad = act(client, f"/staff/fairs/{eid}/status/explode")
    assert bad.status_code == 400 and "没有「explode」这一操作" in bad.get_data(as_text=True)
    for data, said in (({"kind": "student"}, "请指明签到的学生或企业"), ({"kind": "student", "record_id": "x"}, "签到对象编号应为整数"),
                       ({"kind": "teacher", "record_id": "1"}, "签到对象应为学生"),
                       ({"kind": "student", "record_id": "-5"}, "签到对象编号应在")):
        refused = act(client, f"/staff/fairs/{eid}/checkin", **data)
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), data
    assert act(client, f"/staff/fairs/{eid}/checkin", kind="student", record_id="999999").status_code == 404
    refused = act(client, f"/staff/fairs/{eid}/round")
    assert refused.status_code == 400 and "报名截止（进行中）后" in refused.get_data(as_text=True)
    refused = act(client, f"/staff/fairs/{eid}/round", max_choices="abc")
    assert refused.status_code == 400 and "志愿数应为整数" in refused.get_data(as_text=True)

    switch(client, "maker")
    for data, said in (({}, "请选择要报名的岗位"), ({"internship_id": "abc"}, "岗位编号应为整数"),
                       ({"internship_id": str(world.ids["post"]), "seats": "0"}, "招收人数应在 1 到 1000 之间")):
        refused = act(client, f"/fairs/{eid}/posts", **data)
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), data
    assert act(client, f"/fairs/{eid}/posts", internship_id="999999").status_code == 404
    assert act(client, f"/fairs/{eid}/posts/{world.ids['post']}/withdraw").status_code == 404  # not registered
    switch(client, "lin")
    assert act(client, f"/fairs/{eid}/withdraw").status_code == 404
    assert act(client, "/fairs/999999/register").status_code == 404
    switch(client, "wu")
    with session_scope() as s:  # a student whose profile went away
        s.get_one(Talent, world.ids["unwilling_student"]).user_id = None
    refused = act(client, f"/fairs/{eid}/register")
    assert refused.status_code == 400 and "请先填写学生档案" in refused.get_data(as_text=True)
