"""Detail pages and cards show every filled field from the pool's column spec; lists filter and sort."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.sheets.columns import Kind, columns_of
from data.sheets.display import facts, label_and_unit
from data.workflows.contacts import CONTACT_FIELDS
from data.workflows.records import _resolve_org  # noqa: PLC2701  (the form's own organization lookup)
from data.enums import EducationLevel, JobKind, Role, Status
from data.keys import natural_key
from data.models import MODELS, Internship, Project
from data.pools import Pool
from data.sheets.rows import validate_row
from tests.matcher.world import World
from tests.web.helpers import login, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("staff", "秘书处甲", Role.STAFF, None), ("maker", "智视用户", Role.ENTERPRISE, "maker"))


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a reader sees it: tags dropped, entities decoded, spaces collapsed."""
    body = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", body)))


def _full_record(pool: Pool) -> int:
    """A record of ``pool`` with every column filled from the import template's example row."""
    with session_scope() as s:
        raw = {c.header: c.example for c in columns_of(pool) if c.example}
        raw |= {c.header: "广州智视装备有限公司" for c in columns_of(pool) if c.kind is Kind.ORG}
        raw |= {c.header: "工业机器人技术、机电一体化技术" for c in columns_of(pool) if c.attr == "majors"}
        raw |= {"外部编号": f"full-{pool.value}", "状态": "已发布", "可见范围": "公开"}
        if pool is Pool.ORGANIZATION:
            raw["单位名称"] = "全字段示例单位"
        values, errors = validate_row(pool, raw)
        assert not errors, errors
        assert not _resolve_org(s, pool, values)
        org_name = values.pop("_org_name", None)
        record = MODELS[pool](natural_key=natural_key(values["name"], org_name, values["source_id"]),
                              **{k: v for k, v in values.items() if v is not None})
        s.add(record)
        s.flush()
        return record.id


def test_every_filled_field_of_every_pool_is_on_its_detail_page_and_contacts_are_not(client: FlaskClient,
                                                                                        world: World) -> None:
    assert {c.attr for p in Pool for c in columns_of(p) if c.private} == set(CONTACT_FIELDS)
    for pool in Pool:
        record_id = _full_record(pool)
        page = _text(client.get(f"/pool/{pool.value}/{record_id}")).split(" 智能推荐 ")[0]  # the record, not its matches
        for column in columns_of(pool):
            label, unit = label_and_unit(column)
            if column.private:
                assert column.example not in page, (pool, column.header)
            elif column.internal:
                assert f" {label} " not in page, (pool, column.header)  # bookkeeping: staff only
            elif column.attr != "name" and column.attr != "description":
                assert f" {label} " in page, (pool, column.header)
        assert page.count(" 专业要求 ") + page.count(" 开设专业 ") <= 1  # once, not twice
    # Staff also see the bookkeeping columns.
    login(client, "staff")
    assert " 外部编号 full-internship " in _text(client.get(f"/pool/internship/{_full_record_id(Pool.INTERNSHIP)}"))


def _full_record_id(pool: Pool) -> int:
    from sqlalchemy import select

    with session_scope() as s:
        model = MODELS[pool]
        return s.scalar(select(model.id).where(model.source_id == f"full-{pool.value}"))


def test_an_internship_and_a_need_show_what_their_posters_entered(client: FlaskClient, world: World) -> None:
    with session_scope() as s:
        post = s.get(Internship, world.ids["post"])
        post.stipend, post.occupation_code, post.tags = 3500, "6-31-01-10", ["包食宿"]
        need = s.get(Project, world.ids["vision_need"])
        need.budget, need.deadline, need.contact_name = 80.0, dt.date(2027, 12, 31), "王经理"
    post_page = _text(client.get(f"/pool/internship/{world.ids['post']}"))
    for fact in ("招聘单位 广州智视装备有限公司", "岗位类型 实习", "招收人数 3 人", "开始日期 2027-07-01", "结束日期 2027-08-31",
                 "技能要求 PLC编程、工业机器人编程", "专业要求 工业机器人技术", "最低学历 高职", "实习补贴 3500 元/月",
                 "职业编码 6-31-01-10", "行业领域 智能制造", "工作地点 广东省广州市", "标签 包食宿"):
        assert f" {fact} " in post_page, fact
    assert post_page.index("岗位类型") < post_page.index("招收人数") < post_page.index("工作地点")
    need_page = _text(client.get(f"/pool/project/{world.ids['vision_need']}"))
    for fact in ("项目类型 技术攻关", "预算 80 万元", "截止日期 2027-12-31", "地区 广东省广州市", "所需技能 机器视觉、缺陷检测"):
        assert f" {fact} " in need_page, fact
    assert "王经理" not in need_page  # the contact person comes only through the consent flow
    # The list's card shows the pay, city, seats and dates; a recommendation card too.
    card = _text(client.get("/pool/internship"))
    for fact in ("招收人数： 3 人", "实习补贴： 3500 元/月", "工作地点： 广东省广州市", "开始日期： 2027-07-01"):
        assert f" {fact} " in card, fact
    assert "截止日期： 2027-12-31" in _text(client.get("/pool/project"))
    login(client, "staff")
    student = _text(client.get(f"/pool/talent/{world.ids['fit_student']}"))
    recs = student[student.index("智能推荐"):]
    assert "工业机器人运维实习生" in recs and "实习补贴： 3500 元/月" in recs and "招收人数： 3 人" in recs


def test_lists_filter_by_region_type_level_status_and_sort_and_refuse_unknown_values(client: FlaskClient,
                                                                                     world: World) -> None:
    with session_scope() as s:
        s.add(Internship(name="重庆食品检验兼职", owner_org_id=world.ids["food"], natural_key="j-cq", seats=1,
                         job_kind=JobKind.PART_TIME, field="食品工程", region_code="500103",
                         min_level=EducationLevel.SECONDARY_VOCATIONAL, description="食品检验"))
        s.add(Internship(name="待审核的岗位", owner_org_id=world.ids["maker"], natural_key="j-p", seats=1,
                         job_kind=JobKind.INTERNSHIP, field="智能制造", region_code="440100", status=Status.PENDING))

    def names(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[-300:])
        return re.findall(r'class="title" href="[^"]+">([^<]+)</a>', response.get_data(as_text=True))

    assert names("/pool/internship") == ["重庆食品检验兼职", "工业机器人运维实习生"]
    assert names("/pool/internship?region=500000") == ["重庆食品检验兼职"]  # 重庆 and its districts
    assert names("/pool/internship?region=广东") == ["工业机器人运维实习生"]
    assert names("/pool/internship?job_kind=part_time") == ["重庆食品检验兼职"]
    assert names("/pool/internship?min_level=高职") == ["工业机器人运维实习生"]
    assert names("/pool/internship?field=智能制造&sort=name") == ["工业机器人运维实习生"]
    assert names("/pool/project?sort=deadline")[0] == "酱油发酵菌种改良"  # the only one with a deadline
    assert names("/pool/internship?sort=start_date")[0] == "工业机器人运维实习生"
    for url, field in (("/pool/internship?field=航海", "field"), ("/pool/internship?job_kind=x", "job_kind"),
                       ("/pool/internship?region=火星", "region"), ("/pool/expert?sort=deadline", "sort"),
                       ("/pool/internship?status=pending", "status"), ("/pool/talent?level=博士", "level"),
                       ("/api/v1/pools/expert?field=航海", "field")):
        response = client.get(url)
        text = response.get_data(as_text=True)
        assert response.status_code == 400 and "Traceback" not in text, (url, response.status_code)
        assert (response.get_json()["field"] == field) if response.is_json else f"「{field}」" in text, (url, text[-300:])
    login(client, "staff")
    assert names("/pool/internship?status=pending") == ["待审核的岗位"]
    assert len(names("/pool/internship?status=all")) == 3
    assert "status=pending" in client.get("/pool/internship?status=pending").get_data(as_text=True)  # export link


def test_facts_follow_the_column_spec_order(world: World) -> None:
    with session_scope() as s:
        post = s.get(Internship, world.ids["post"])
        shown = [f.attr for f in facts(Pool.INTERNSHIP, post)]
    spec = [c.attr for c in columns_of(Pool.INTERNSHIP)]
    assert shown == sorted(shown, key=spec.index) and "description" not in shown and "status" not in shown
