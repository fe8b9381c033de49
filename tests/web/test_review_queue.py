"""The review queue at scale: paging and filters in SQL, search, bulk decisions, form errors in place."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, insert, select

from data.db import get_engine, session_scope
from data.enums import AchievementKind, Role, Status
from data.models import Achievement, AuditEntry, Project, Review
from data.pools import Pool
from data.workflows.records import hold_revision
from data.workflows.review import QueueFilter, review_page
from tests.matcher.world import World
from tests.web.helpers import login, token, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite", "postgresql"], indirect=True)
OLD = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("staff", "秘书处甲", Role.STAFF, None), ("maker", "智视用户", Role.ENTERPRISE, "maker"))


def _pending_results(world: World, count: int, org: str = "gz_college") -> None:
    """``count`` imported results waiting for review, submitted a day apart from 2024-01-01."""
    with session_scope() as s:
        s.execute(insert(Achievement), [
            {"name": f"待审成果{i:04d}", "natural_key": f"bulk-{i}", "owner_org_id": world.ids[org],
             "achievement_kind": AchievementKind.TECHNOLOGY, "description": f"第{i}项导入成果", "status": Status.PENDING,
             "source": "import:成果库.xlsx", "tags": [], "inventors": [], "created_at": OLD + dt.timedelta(hours=i),
             "updated_at": OLD} for i in range(count)])


def _held_edit(world: World, key: str = "vision_need", name: str = "产线零件表面缺陷视觉检测（二期）") -> int:
    from data.models import User
    from data.workflows.records import form_values

    with session_scope() as s:
        record = s.get(Project, world.ids[key])
        maker = s.scalar(select(User).where(User.username == "maker"))
        return hold_revision(s, maker, Pool.PROJECT, record, form_values(Pool.PROJECT, record) | {"名称": name}).id


def _ids(html: str) -> list[str]:
    return re.findall(r'id="review-([a-z]+-\d+(?:-r\d+)?)"', html)


def test_every_item_is_reachable_by_page_filter_and_search(client: FlaskClient, world: World) -> None:
    _pending_results(world, 130)
    revision = _held_edit(world)
    login(client, "staff")
    first = client.get("/staff/review").get_data(as_text=True)
    assert "共 131 条待审核（新记录 130 · 修改 1）" in first and "第 1 / 3 页" in first
    assert len(_ids(first)) == 50 and _ids(first)[0].startswith("achievement-")
    last = client.get("/staff/review?page=3").get_data(as_text=True)
    assert len(_ids(last)) == 31 and f"project-{world.ids['vision_need']}-r{revision}" in _ids(last)
    # The held edit, new today, is one filter (or one sort) away however long the queue is.
    edits = client.get("/staff/review?kind=edit").get_data(as_text=True)
    assert _ids(edits) == [f"project-{world.ids['vision_need']}-r{revision}"] and "<ins>" in edits
    assert _ids(client.get("/staff/review?sort=new").get_data(as_text=True))[0].endswith(f"-r{revision}")
    assert len(_ids(client.get("/staff/review?per_page=200").get_data(as_text=True))) == 131
    assert _ids(client.get("/staff/review?pool=project").get_data(as_text=True)) == _ids(edits)
    by_org = client.get(f"/staff/review?org={world.ids['maker']}").get_data(as_text=True)
    assert _ids(by_org) == _ids(edits) and "广州智视装备有限公司（1）" in by_org
    found = client.get("/staff/review?q=待审成果0042").get_data(as_text=True)
    assert len(_ids(found)) == 1 and "待审成果0042" in found and "符合条件 1 条" in found
    # Submitted 2024-01-02 (hours 24 to 47) and 2024-01-03 (48 to 71).
    days = client.get("/staff/review?since=2024-01-02&until=2024-01-03&per_page=200").get_data(as_text=True)
    assert "符合条件 48 条" in days and "待审成果0024" in days and "待审成果0072" not in days
    assert "待审成果0023" not in days
    for url, field in (("kind=x", "kind"), ("pool=bogus", "pool"), ("since=2024-13-01", "since"), ("org=٣", "org"),
                       ("per_page=999", "per_page"), ("sort=oldest", "sort"), ("page=0", "page"),
                       ("since=2024-02-01&until=2024-01-01", "until")):
        bad = client.get(f"/staff/review?{url}")
        text = bad.get_data(as_text=True)
        assert bad.status_code == 400 and f"「{field}」" in text and "Traceback" not in text, (url, text[-300:])


def test_the_queue_is_paged_in_sql_with_a_fixed_number_of_queries(world: World) -> None:
    _pending_results(world, 2100)
    for n in range(3):
        _held_edit(world, name=f"产线检测第{n}版")
    statements: list[str] = []
    engine = get_engine()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        timings = {}
        for per_page, page, newest in ((20, 1, False), (200, 1, False), (200, 11, False), (50, 1, True)):
            statements.clear()
            started = time.perf_counter()
            with session_scope() as s:
                shown = review_page(s, QueueFilter(newest_first=newest), page, per_page)
                assert shown.total == 2101 and shown.facets.by_kind == {"new": 2100, "edit": 1}
                first = shown.items[0]
                _ = [p.record.owner_org.name for p in shown.items] + [p.changes for p in shown.items]
            timings[(per_page, page)] = time.perf_counter() - started
            # count, page keys, facets, organization names, one per pool on the page, revisions
            assert len(statements) <= 8, statements
        # Newest first: the latest held edit (it superseded the two before it).
        assert first.revision is not None and ("名称", "产线零件表面缺陷视觉检测", "产线检测第2版") in first.changes
        assert max(timings.values()) < 3.0, timings
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_bulk_decisions_need_a_reason_to_reject_and_audit_each_record(client: FlaskClient, world: World) -> None:
    _pending_results(world, 5)
    login(client, "staff")
    with session_scope() as s:
        ids = list(s.scalars(select(Achievement.id).where(Achievement.status == Status.PENDING).order_by(Achievement.id)))
    csrf = token(client, "/staff/review")
    picked = [f"record:achievement:{i}" for i in ids[:3]]
    refused = client.post("/staff/review/bulk?", data={"csrf_token": csrf, "item": picked, "decision": "reject",
                                                       "reason": " ", "kind": "new", "page": "1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "<h1>审核队列" in html and 'id="bulk-error"' in html
    assert "驳回或退回修改时请填写原因" in html and html.count("checked") == 3  # the ticks are kept
    none = client.post("/staff/review/bulk", data={"csrf_token": csrf, "decision": "approve"})
    assert none.status_code == 400 and "请先勾选要处理的记录" in none.get_data(as_text=True)
    rejected = client.post("/staff/review/bulk", data={"csrf_token": csrf, "item": picked[:2], "decision": "reject",
                                                       "reason": "与已有成果重复", "kind": "new"})
    assert rejected.status_code == 302 and rejected.location.endswith("/staff/review?kind=new")
    approved = client.post("/staff/review/bulk", data={"csrf_token": csrf, "decision": "approve",
                                                       "item": [picked[1], picked[2], f"record:achievement:{ids[3]}"]})
    assert approved.status_code == 302
    flashes = client.get("/staff/review").get_data(as_text=True)
    assert "已通过 2 条" in flashes and "未能通过成果库编号" in flashes and "不在审核队列中" in flashes
    with session_scope() as s:
        status = {i: s.get(Achievement, i).status for i in ids}
        assert [status[i] for i in ids] == [Status.REJECTED, Status.REJECTED, Status.PUBLISHED, Status.PUBLISHED,
                                            Status.PENDING]
        for record_id, action in ((ids[0], ["reject"]), (ids[1], ["reject"]), (ids[2], ["approve"])):
            assert list(s.scalars(select(AuditEntry.action).where(AuditEntry.pool == "achievement",
                                                                  AuditEntry.record_id == record_id))) == action
        assert s.scalar(select(func.count()).select_from(Review)) == 4


def test_sending_back_without_a_reason_gives_the_queue_back_with_the_error_at_the_item(client: FlaskClient,
                                                                                         world: World) -> None:
    _pending_results(world, 60)
    revision = _held_edit(world)
    login(client, "staff")
    with session_scope() as s:
        last = s.scalar(select(func.max(Achievement.id)))
    csrf = token(client, "/staff/review")
    for url, key in ((f"/staff/review/achievement/{last}", f"achievement-{last}"),
                     (f"/staff/review/revision/{revision}", f"project-{world.ids['vision_need']}-r{revision}")):
        response = client.post(url, data={"csrf_token": csrf, "decision": "request_changes", "reason": "",
                                          "page": "2", "per_page": "50"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "<h1>审核队列" in html and "第 2 / 2 页" in html
        item = html[html.index(f'id="review-{key}"'):]
        item = item[:item.index("</li>")]
        assert 'aria-invalid="true"' in item and "驳回或退回修改时请填写原因" in item
    sent = client.post(f"/staff/review/achievement/{last}", data={"csrf_token": csrf, "decision": "request_changes",
                                                                   "reason": "请补充成果简介", "page": "2", "per_page": "50"})
    assert sent.status_code == 302 and "page=2" in sent.location and "per_page=50" in sent.location
    with session_scope() as s:
        assert s.get(Achievement, last).status is Status.DRAFT
