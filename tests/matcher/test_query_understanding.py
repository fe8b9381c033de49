"""Typed queries as people type them, through the search box and free-text recommendations:
a query with nothing in the pools gets an empty state; an acronym finds only itself; the
poster and 招聘 in a typed post do not decide the ranking."""

from __future__ import annotations

import pytest

from data.db import session_scope
from data.pools import Pool
from indexer.context import get_context
from indexer.search import Filters
from matcher.engine import Viewer
from matcher.find import find
from matcher.query import MatchQuery
from matcher.recommend import recommend_text
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
