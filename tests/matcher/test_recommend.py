"""matcher/recommend.py: which directions a record has, its errors, and a typed query through
a direction (on the small hand-built alliance)."""

from __future__ import annotations

import pytest

from data.db import session_scope
from data.models import Project
from data.pools import Pool
from indexer.context import get_context
from matcher.engine import Viewer
from matcher.query import MatchQuery
from matcher.directions import directions_for
from matcher.recommend import RecommendError, recommend, recommend_text
from tests.matcher.world import World, build_world, recommend_for

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


def test_directions_and_unknown_ids(world: World) -> None:
    with session_scope() as s:
        keys = [d.key for d in directions_for(s.get(Project, world.ids["course_need"]))]
        assert keys == ["need_experts", "need_achievements", "course_teachers"]
        with pytest.raises(RecommendError, match="不存在编号为 424242"):
            recommend(s, get_context(), Pool.PROJECT, 424242, "need_experts")
        with pytest.raises(RecommendError, match="未知的推荐方向"):
            recommend(s, get_context(), Pool.PROJECT, world.ids["vision_need"], "bogus")


def test_a_keyword_query_prefers_records_with_its_phrases_whole(world: World) -> None:
    """「表面缺陷 视觉检测」 typed as keywords: the result that has both phrases verbatim ranks
    first and says so; a stored record's query is not treated as a keyword list."""
    with session_scope() as s:
        matches = recommend_text(s, get_context(), MatchQuery(text="表面缺陷 视觉检测"), "need_achievements",
                                 viewer=Viewer(staff=True), k=5)
        assert matches[0].id == world.ids["vision_result"]
        assert "完整出现的关键词：表面缺陷、视觉检测" in matches[0].reasons
        assert matches[0].detail["phrase"] == 1.0
        stored = recommend_for(s, Pool.PROJECT, "vision_need", "need_achievements", world)
        assert all(m.detail["phrase"] == -1.0 for m in stored)
