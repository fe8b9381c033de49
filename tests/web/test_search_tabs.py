"""The search tabs: one count per pool whichever tab is shown, on the site as through the API;
with no tab chosen, the pool whose best match scores highest."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from data.db import session_scope
from data.enums import ProjectKind, Role
from data.models import Project
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool
from tests.matcher.world import World
from tests.web.helpers import login, world_with

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
QUERIES = ("PLC编程", "酱油发酵", "机器视觉缺陷检测", "工业机器人实习", "广州智视装备")


@pytest.fixture
def world(live_db: str) -> World:
    return world_with(("maker", "智视用户", Role.ENTERPRISE, "maker"))


def _web_tabs(client: FlaskClient, url: str) -> tuple[str, dict[str, int]]:
    html = client.get(url).get_data(as_text=True)
    tabs = {p: int(n) for p, n in re.findall(r'pool=(\w+)&[^"]*">[^<]+<small>(\d+)</small>', html)}
    active = re.search(r'class="active" href="\?q=[^"]*pool=(\w+)', html)
    assert active and len(tabs) == len(Pool)
    return active.group(1), tabs


@pytest.mark.parametrize("member", [False, True])
def test_counts_are_one_figure_per_pool_on_site_and_api(client: FlaskClient, member: bool) -> None:
    if member:
        login(client, "maker")  # another viewer sees other records: still one figure each
    for q in QUERIES[:3]:
        api = client.get(f"/api/v1/search?q={q}").get_json()["counts"]
        for pool in Pool:
            shown, tabs = _web_tabs(client, f"/?q={q}&pool={pool.value}")
            assert shown == pool.value
            assert tabs == api, (q, pool)  # the tab shown does not change any count
        assert client.get(f"/api/v1/search?q={q}&pool=teacher").get_json()["counts"] == api
        assert _web_tabs(client, f"/?q={q}&pool=expert&page=2")[1] == api  # nor does the page


def test_without_a_tab_the_best_match_decides(client: FlaskClient) -> None:
    defaults = set()
    for q in QUERIES:
        best = {}
        for pool in Pool:
            items = client.get(f"/api/v1/search?q={q}&pool={pool.value}").get_json()["items"]
            best[pool.value] = items[0]["score"] if items else 0
        top = max(best.values())
        expected = next(p.value for p in Pool if best[p.value] == top)
        assert client.get(f"/api/v1/search?q={q}").get_json()["pool"] == expected, (q, best)
        assert _web_tabs(client, f"/?q={q}")[0] == expected
        defaults.add(expected)
    assert defaults - {"achievement"}  # not always 成果库
    assert client.get("/api/v1/search?q=zzqqxx无此词").get_json()["pool"] in {p.value for p in Pool}


def test_a_new_record_changes_the_count_at_once(client: FlaskClient, world: World) -> None:
    before = client.get("/api/v1/search?q=PLC编程&pool=expert").get_json()["counts"]
    with session_scope() as s:
        s.add(Project(name="PLC编程实训基地共建", owner_org_id=world.ids["maker"], natural_key="tabs-new",
                      project_kind=ProjectKind.CO_BUILT_BASE,
                      field="智能制造", region_code="440100", description="共建PLC编程实训基地"))
    rebuild_pool(get_context(), Pool.PROJECT)  # what the commit listener does on a live site
    after = client.get("/api/v1/search?q=PLC编程&pool=expert").get_json()["counts"]
    assert after["project"] == before["project"] + 1 and {p: n for p, n in after.items() if p != "project"} == \
        {p: n for p, n in before.items() if p != "project"}
