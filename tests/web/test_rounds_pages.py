"""双选 rounds through the pages: staff set a round up over the hand-built world, the student
orders choices (pre-filled), the enterprise marks one student not acceptable, staff run, inspect,
try a what-if, export and publish; the placed student sees the post, the other the reason and
the alternatives; wrong roles are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from data.db import session_scope
from data.enums import ApplicationStatus, Role
from data.models import AllocationRound, Application, Talent, User
from data.workflows.rounds import EXPORT_HEADERS, REASON_LABELS
from tests.matcher.world import World
from tests.web.helpers import act, login, switch, world_with
from web import create_app

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)  # PostgreSQL: tests/data/test_rounds.py


@pytest.fixture
def world(live_db: str) -> World:
    world = world_with(("lin", "林同学", Role.STUDENT, "gz_college"), ("wu", "吴同学", Role.STUDENT, "gz_college"),
                       ("maker", "智视人事", Role.ENTERPRISE, "maker"), ("food", "鲜味人事", Role.ENTERPRISE, "food"),
                       ("staff", "秘书处", Role.STAFF, None), members=("maker", "gz_college"))
    with session_scope() as s:
        for username, key in (("lin", "fit_student"), ("wu", "unwilling_student")):
            s.get_one(Talent, world.ids[key]).user_id = s.scalar(select(User.id).where(User.username == username))
    return world


@pytest.fixture
def client(world: World) -> Iterator[FlaskClient]:
    with create_app({"TESTING": True}).test_client() as client:
        yield client


def _round_id() -> int:
    with session_scope() as s:
        return s.scalars(select(AllocationRound.id).order_by(AllocationRound.id.desc())).first() or 0


def test_a_round_from_set_up_to_published(client: FlaskClient, world: World) -> None:
    post, lin, wu = world.ids["post"], world.ids["fit_student"], world.ids["unwilling_student"]
    login(client, "staff")
    assert "双选轮次" in client.get("/staff/rounds").get_data(as_text=True)
    response = act(client, "/staff/rounds", name="暑期双选", internship_ids=str(post), talent_ids=f"{lin}，{wu}",
                   max_choices="3")
    assert response.status_code == 302
    rid = _round_id()
    assert act(client, f"/staff/rounds/{rid}/open").status_code == 302

    switch(client, "lin")
    assert f"/rounds/{rid}/choices" in client.get("/rounds").get_data(as_text=True)
    page = client.get(f"/rounds/{rid}/choices").get_data(as_text=True)
    assert f'<option value="{post}" selected>' in page  # pre-filled from the two-sided fit
    assert act(client, f"/rounds/{rid}/choices", choice_1=str(post)).status_code == 302
    assert act(client, f"/rounds/{rid}/marks/{post}", **{f"mark_{wu}": "not_acceptable"}).status_code == 403

    switch(client, "food")
    assert act(client, f"/rounds/{rid}/marks/{post}", **{f"mark_{wu}": "preferred"}).status_code == 403
    switch(client, "maker")
    assert "吴同学" in client.get(f"/rounds/{rid}/marks").get_data(as_text=True)
    assert act(client, f"/rounds/{rid}/marks/{post}", **{f"mark_{wu}": "not_acceptable"}).status_code == 302
    assert client.get(f"/staff/rounds/{rid}").status_code == 403

    switch(client, "staff")
    assert act(client, f"/staff/rounds/{rid}/publish").status_code == 400  # not allocated yet
    for step in ("close", "run"):
        assert act(client, f"/staff/rounds/{rid}/{step}").status_code == 302
    page = client.get(f"/staff/rounds/{rid}").get_data(as_text=True)
    assert "已安置（1）" in page and "未安置（1）" in page and REASON_LABELS["city_mismatch"] in page
    assert "不在期望城市" in page and "安置率" in page  # 吴 wants Beijing: the city comes before the mark
    whatif = client.get(f"/staff/rounds/{rid}/whatif?method=welfare&post={post}&seats=1")
    assert whatif.status_code == 200 and "试算" in whatif.get_data(as_text=True)
    export = client.get(f"/staff/rounds/{rid}/export")
    assert export.status_code == 200 and export.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0] == EXPORT_HEADERS and {r[0] for r in rows[1:]} == {"林同学", "吴同学"}
    assert act(client, f"/staff/rounds/{rid}/publish").status_code == 302

    switch(client, "lin")
    assert "安置结果：工业机器人运维实习生" in client.get(f"/rounds/{rid}/choices").get_data(as_text=True)
    with session_scope() as s:
        offer = s.scalar(select(Application).where(Application.talent_id == lin))
        assert offer is not None and offer.status is ApplicationStatus.ACCEPTED
    switch(client, "wu")
    page = client.get(f"/rounds/{rid}/choices").get_data(as_text=True)
    assert "本轮未安置" in page and REASON_LABELS["city_mismatch"] in page and "工业机器人运维实习生" in page


def test_refusals_name_the_field(client: FlaskClient, world: World) -> None:
    login(client, "lin")
    assert client.get("/staff/rounds").status_code == 403
    switch(client, "staff")
    bad = act(client, "/staff/rounds", name="x", internship_ids="abc", talent_ids="1")
    assert bad.status_code == 400 and "岗位编号应为整数" in bad.get_data(as_text=True)
    assert client.get("/staff/rounds/999999").status_code == 404
    assert act(client, "/staff/rounds/999999/open").status_code == 404
    # Numbers are finite and in range, said on the scale the site shows (匹配度 0–100).
    for field, typed, said in (("floor", "150", "匹配度下限应在 0 到 100 之间"), ("floor", "nan", "匹配度下限应在 0 到 100 之间"),
                               ("max_choices", "1" + "0" * 30, "志愿数应在 1 到 50 之间"),
                               ("apprentice_share", "inf", "学徒岗比例应在 0 到 1 之间")):
        refused = act(client, "/staff/rounds", name="x", internship_ids="1", talent_ids="1", **{field: typed})
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), (field, typed)


def test_rules_are_set_edited_while_draft_and_shown_with_the_one_that_bound(client: FlaskClient, world: World) -> None:
    post, lin, wu = world.ids["post"], world.ids["fit_student"], world.ids["unwilling_student"]
    login(client, "staff")
    new = client.get("/staff/rounds").get_data(as_text=True)
    assert 'name="site_caps"' in new and 'name="school_total"' in new
    assert act(client, "/staff/rounds", name="规则双选", internship_ids=str(post), talent_ids=f"{lin} {wu}",
               site_caps="广州市 2", school_total="1", apprentice_share="0.1").status_code == 302
    rid = _round_id()
    page = client.get(f"/staff/rounds/{rid}").get_data(as_text=True)
    assert "场地容量：广东省广州市" in page and "<th>每所学校最多安置</th>" in page and "<th>学徒岗位比例上限</th>" in page
    assert 'id="edit"' in page and "广东省广州市 2</textarea>" in page

    for field, typed, said in (("site_caps", "火星 1", "未知地区「火星」"), ("site_caps", "广东省 2\n广州市 1", "位于 440000 之内"),
                               ("school_total", "-1", "每所学校的名额应在 0 到 100000 之间"),
                               ("talent_ids", "", "请至少选择一个学生")):
        form = {"name": "规则双选", "internship_ids": str(post), "talent_ids": str(lin), field: typed}
        refused = act(client, f"/staff/rounds/{rid}/edit", **form)
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), (field, typed)
    edited = act(client, f"/staff/rounds/{rid}/edit", name="规则双选（定稿）", internship_ids=str(post), talent_ids=str(lin),
                 site_caps="440100 0", method="welfare", max_choices="2")
    assert edited.status_code == 302
    page = client.get(f"/staff/rounds/{rid}").get_data(as_text=True)
    assert "规则双选（定稿）" in page and "<th>每所学校最多安置</th>" not in page and "1 名学生" in page
    assert "0 人（该地所有岗位合计）" in page

    for step in ("open", "close", "run"):
        assert act(client, f"/staff/rounds/{rid}/{step}").status_code == 302
    refused = act(client, f"/staff/rounds/{rid}/edit", name="x", internship_ids=str(post), talent_ids=str(lin))
    assert refused.status_code == 400 and "只有草稿可以修改" in refused.get_data(as_text=True)
    page = client.get(f"/staff/rounds/{rid}").get_data(as_text=True)
    assert 'id="edit"' not in page and "原因：该地点名额已满" in page and "所在场地已满" in page
    switch(client, "maker")
    assert act(client, f"/staff/rounds/{rid}/edit", name="x", internship_ids=str(post), talent_ids=str(lin)).status_code == 403
