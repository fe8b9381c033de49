"""Typed queries as people type them, through the search box and free-text recommendations:
a query with nothing in the pools gets an empty state; an acronym finds only itself; the
poster and 招聘 in a typed post do not decide the ranking."""

from __future__ import annotations

from dataclasses import replace

import pytest

import matcher.find

from data.db import session_scope
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool
from indexer.search import Filters
from matcher.engine import Viewer
from matcher.find import find
from matcher.query import MatchQuery
from matcher.recommend import recommend_text
from tests.makers import make_achievement
from tests.matcher.world import World, build_world

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


@pytest.mark.parametrize("nonsense", ["qwertyzx", "asdfgh jkl", "！！！", "的 了 和", "😀😀", "！@#￥%……&*（）"])
def test_a_query_with_nothing_in_the_pools_gets_an_empty_state(world: World, nonsense: str) -> None:
    ctx = get_context()
    with session_scope() as s:
        for pool in (Pool.ACHIEVEMENT, Pool.EXPERT, Pool.PROJECT):
            page = find(ctx, pool, nonsense, Filters(), 1, 10, s)
            assert page.items == [] and page.total == 0
        assert recommend_text(s, ctx, MatchQuery(text=nonsense), "need_achievements", viewer=Viewer(staff=True)) == []
        assert recommend_text(s, ctx, MatchQuery(text=nonsense), "need_experts", viewer=Viewer(staff=True)) == []


def test_a_real_query_still_finds_by_meaning_alone(world: World) -> None:
    with session_scope() as s:
        page = find(get_context(), Pool.ACHIEVEMENT, "产线零件划痕的图像识别", Filters(), 1, 10, s)
        assert page.items and page.items[0].hit.id == world.ids["vision_result"]


def test_an_acronym_finds_only_itself(world: World) -> None:
    with session_scope() as s:
        teachers = find(get_context(), Pool.TEACHER, "PLC", Filters(), 1, 10, s)
        assert [f.hit.id for f in teachers.items if f.hit.lexical > 0] == [world.ids["plc_teacher"], world.ids["mentor"]] or \
            {f.hit.id for f in teachers.items if f.hit.lexical > 0} == {world.ids["plc_teacher"], world.ids["mentor"]}


def test_a_typed_post_is_asked_without_its_poster(world: World) -> None:
    ctx = get_context()
    with session_scope() as s:
        typed = "广州智视装备有限公司招聘产线零件表面缺陷视觉检测工程师（双休，五险一金）(J20931)"
        matches = recommend_text(s, ctx, MatchQuery(text=typed), "need_achievements", viewer=Viewer(staff=True))
        assert matches[0].id == world.ids["vision_result"]
        assert not any(t in m.matched_terms for m in matches for t in ("招聘", "双休", "有限公司", "j20931"))


def test_equal_scores_are_ordered_by_how_much_of_the_query_a_record_has(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query such as 「PLC」 — too short for its words to count in the score, barely read by
    the model — can score its hits alike (here: all alike, forced): the one made of it comes
    before one that mentions it in passing, whatever their ids."""
    ctx = get_context()
    with session_scope() as s:
        passing = make_achievement(s, world.ids["gz_college"], "车间设备日常维护规程", natural_key="plc-a", field="智能制造",
                                   description="涵盖电机、减速机、液压站、空压机、输送线、传感器、PLC、变频器和照明的点检与保养周期")
        made_of = make_achievement(s, world.ids["gz_college"], "PLC编程与PLC调试实训装置", natural_key="plc-b", field="智能制造",
                                   description="PLC编程、PLC通信与PLC故障诊断")
        s.commit()
        rebuild_pool(ctx, Pool.ACHIEVEMENT)
        assert passing.id < made_of.id
        real = matcher.find.strengths
        monkeypatch.setattr(matcher.find, "strengths", lambda *a, **kw: replace(real(*a, **kw), text=0.0))
        page = find(ctx, Pool.ACHIEVEMENT, "PLC", Filters(), 1, 10, s)
        ids = [f.hit.id for f in page.items]
        assert {f.score for f in page.items} == {0.0}
        assert made_of.id in ids and passing.id in ids and ids.index(made_of.id) < ids.index(passing.id)
