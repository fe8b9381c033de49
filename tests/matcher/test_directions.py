"""Each direction on the small hand-built alliance: expected top results, reasons, filters."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import FeedbackAction
from data.pools import Pool
from data.workflows.feedback import FeedbackError, feedback_summary, record_feedback
from indexer.context import get_context
from matcher.directions import directions_for
from matcher.engine import Viewer
from matcher.recommend import RecommendError, recommend
from tests.matcher.world import World, build_world

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


def run(session: Session, pool: Pool, key: str, direction: str, world: World, **kw):  # type: ignore[no-untyped-def]
    return recommend(session, get_context(), pool, world.ids[key], direction, **kw)


def test_need_to_experts_with_conflict_of_interest_and_reasons(world: World) -> None:
    with session_scope() as s:
        matches = run(s, Pool.PROJECT, "vision_need", "need_experts", world)
        ids = [(m.pool, m.id) for m in matches]
        assert ids[0] == (Pool.EXPERT, world.ids["vision_expert"])
        assert (Pool.EXPERT, world.ids["own_expert"]) not in ids  # same organization as the asker
        top = matches[0]
        assert 0 < top.score <= 100 and set(top.parts) >= {"文本相关", "语义相近", "领域", "研究方向", "地区"}
        assert "机器视觉" in top.matched_terms
        assert any(r.startswith("领域一致：智能制造") for r in top.reasons)
        assert any(r.startswith("地区：同城") for r in top.reasons)
        assert "不推荐需求方本单位的人员（利益回避）" in top.passed
        busy = next(m for m in matches if m.id == world.ids["busy_expert"] and m.pool is Pool.EXPERT)
        assert busy.score < top.score and "咨询状态：档期紧张" in busy.reasons
        own = run(s, Pool.PROJECT, "vision_need", "need_experts", world)
        assert [m.id for m in own] == [m.id for m in matches]  # deterministic


def test_need_to_results(world: World) -> None:
    with session_scope() as s:
        matches = run(s, Pool.PROJECT, "vision_need", "need_achievements", world)
        assert matches[0].id == world.ids["vision_result"]
        assert any("成熟度：中试" in r for r in matches[0].reasons)
        assert run(s, Pool.PROJECT, "ferment_need", "need_achievements", world)[0].id == world.ids["ferment_result"]


def test_result_to_enterprises_through_open_needs(world: World) -> None:
    with session_scope() as s:
        matches = run(s, Pool.ACHIEVEMENT, "ferment_result", "achievement_enterprises", world)
        assert matches[0].id == world.ids["food"] and matches[0].pool is Pool.ORGANIZATION
        assert any("需求「酱油发酵周期缩短」" in r for r in matches[0].reasons)
        assert not any("菌种改良" in r for r in matches[0].reasons)  # its deadline passed


def test_enterprise_and_college(world: World) -> None:
    with session_scope() as s:
        assert run(s, Pool.ORGANIZATION, "maker", "enterprise_colleges", world)[0].id == world.ids["gz_college"]
        assert run(s, Pool.ORGANIZATION, "food", "enterprise_colleges", world)[0].id == world.ids["cq_college"]
        assert run(s, Pool.ORGANIZATION, "cq_college", "college_enterprises", world)[0].id == world.ids["food"]
        with pytest.raises(RecommendError, match="不适用"):
            run(s, Pool.ORGANIZATION, "maker", "college_enterprises", world)


def test_internship_and_student_both_sides_must_fit(world: World) -> None:
    with session_scope() as s:
        matches = run(s, Pool.INTERNSHIP, "post", "internship_talents", world)
        assert [m.id for m in matches][:2] == [world.ids["fit_student"], world.ids["unwilling_student"]]
        fit, unwilling = matches[0], matches[1]
        assert {"岗位要求", "学生意愿"} <= set(fit.parts)
        # Equally qualified for the post, but the second student wants Beijing and other dates.
        assert fit.parts["岗位要求"] == pytest.approx(unwilling.parts["岗位要求"], abs=15)
        assert unwilling.parts["学生意愿"] < fit.parts["学生意愿"]
        assert any(r.startswith("期望城市：同城") for r in fit.reasons)
        # A reason says why a student fits, never where the student falls short (the second one
        # wants Beijing and other dates: its city and period show only in the parts).
        assert not any(r.startswith(("期望城市：", "可实习时间")) for r in unwilling.reasons), unwilling.reasons
        assert not any("低于要求" in r or " 0%" in r for m in matches for r in m.reasons)
        back = run(s, Pool.TALENT, "fit_student", "talent_internships", world)
        assert back[0].id == world.ids["post"] and "岗位未结束且有名额" in back[0].passed


def test_teacher_and_enterprise(world: World) -> None:
    with session_scope() as s:
        course = run(s, Pool.PROJECT, "course_need", "course_teachers", world)
        assert [m.id for m in course] == [world.ids["mentor"]]  # only enterprise part-time teachers
        practice = run(s, Pool.TEACHER, "plc_teacher", "teacher_enterprises", world)
        assert practice[0].id == world.ids["maker"]


def test_visibility_filter_for_outsiders(world: World) -> None:
    with session_scope() as s:
        outsider = Viewer(org_id=world.ids["food"], member=False)
        assert run(s, Pool.INTERNSHIP, "post", "internship_talents", world, viewer=outsider) == []
        member = Viewer(org_id=world.ids["food"], member=True)
        assert run(s, Pool.INTERNSHIP, "post", "internship_talents", world, viewer=member)


def test_feedback_hides_rejected_and_ranks_down_busy(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as s:
        first = run(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u1")[0]
        record_feedback(s, actor="u1", direction="need_experts", source_pool=Pool.PROJECT,
                        source_id=world.ids["vision_need"], target_pool=first.pool, target_id=first.id,
                        action="不合适", reason="地区太远")
        after = run(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u1")
        assert (first.pool, first.id) not in [(m.pool, m.id) for m in after]
        other_user = run(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u2")
        assert (other_user[0].pool, other_user[0].id) == (first.pool, first.id)

        monkeypatch.setenv("MATCH_MAX_ENGAGEMENTS", "1")
        for source in ("vision_need", "ferment_need"):
            record_feedback(s, actor="u3", direction="need_experts", source_pool=Pool.PROJECT, source_id=world.ids[source],
                            target_pool=Pool.EXPERT, target_id=world.ids["vision_expert"], action=FeedbackAction.COOPERATED)
        ranked = run(s, Pool.PROJECT, "vision_need", "need_experts", world)
        busy = next(m for m in ranked if m.id == world.ids["vision_expert"] and m.pool is Pool.EXPERT)
        assert busy.notes == ["当前已有 2 项在进行的合作（上限 1），已降低排序"]
        assert busy.score < first.score
        summary = feedback_summary(s)["need_experts"]
        assert summary["不合适"] == 1 and summary["不合适：地区太远"] == 1 and summary["已合作"] == 2


def test_feedback_input_errors(world: World) -> None:
    with session_scope() as s:
        with pytest.raises(FeedbackError, match="请给出原因") as err:
            record_feedback(s, actor="u1", direction="need_experts", target_pool=Pool.EXPERT,
                            target_id=world.ids["vision_expert"], action="不合适")
        assert err.value.field == "reason"
        with pytest.raises(FeedbackError, match="不存在编号为 999999"):
            record_feedback(s, actor="u1", direction="need_experts", target_pool=Pool.EXPERT, target_id=999999, action="感兴趣")
        with pytest.raises(FeedbackError, match="未知的推荐方向"):
            record_feedback(s, actor="u1", direction="nope", target_pool=Pool.EXPERT, target_id=1, action="感兴趣")


def test_directions_and_unknown_ids(world: World) -> None:
    with session_scope() as s:
        from data.models import Project

        keys = [d.key for d in directions_for(s.get(Project, world.ids["course_need"]))]
        assert keys == ["need_experts", "need_achievements", "course_teachers"]
        with pytest.raises(RecommendError, match="不存在编号为 424242"):
            recommend(s, get_context(), Pool.PROJECT, 424242, "need_experts")
        with pytest.raises(RecommendError, match="未知的推荐方向"):
            recommend(s, get_context(), Pool.PROJECT, world.ids["vision_need"], "bogus")


def test_a_keyword_query_prefers_records_with_its_phrases_whole(world: World) -> None:
    """「表面缺陷 视觉检测」 typed as keywords: the result that has both phrases verbatim ranks
    first and says so; a stored record's query is not treated as a keyword list."""
    from matcher.query import MatchQuery
    from matcher.recommend import recommend_text

    with session_scope() as s:
        matches = recommend_text(s, get_context(), MatchQuery(text="表面缺陷 视觉检测"), "need_achievements",
                                 viewer=Viewer(staff=True), k=5)
        assert matches[0].id == world.ids["vision_result"]
        assert "完整出现的关键词：表面缺陷、视觉检测" in matches[0].reasons
        assert matches[0].detail["phrase"] == 1.0
        stored = run(s, Pool.PROJECT, "vision_need", "need_achievements", world)
        assert all(m.detail["phrase"] == -1.0 for m in stored)


def test_the_search_box_scores_keyword_queries_like_recommendations(world: World) -> None:
    from indexer.search import Filters
    from matcher.find import find

    with session_scope() as s:
        plain = find(get_context(), Pool.ACHIEVEMENT, "表面缺陷 视觉检测", Filters(), 1, 5)
        keyed = find(get_context(), Pool.ACHIEVEMENT, "表面缺陷 视觉检测", Filters(), 1, 5, s)
    assert keyed.items[0].hit.id == plain.items[0].hit.id == world.ids["vision_result"]
    assert keyed.items[0].score > plain.items[0].score  # both keywords whole: a higher text score


def test_the_neighbourhood_of_the_best_matches(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each candidate is also scored by what the best few matches say of it: results on the
    vision need's topic, worded otherwise, score higher there than food results, and records
    worded like the best match say which words they share. With only a few candidates (the
    best few would be all of them) there is none; without vectors, only the wording. (The
    topic and the likeness are measured when they count: here each is given a weight, whatever
    the product's is.)"""
    from dataclasses import replace

    import matcher.engine

    monkeypatch.setattr(matcher.engine, "WEIGHTS", replace(matcher.engine.WEIGHTS, topic=0.15, likeness=0.25))

    from data.enums import AchievementKind
    from data.models import Achievement
    from indexer.operations import rebuild_pool
    from indexer.search import Hit, SearchResult
    from matcher.directions.common import achievement_features
    from matcher.engine import Neighbourhood, PoolPlan, assess, neighbourhood
    from matcher.query import MatchQuery

    ctx, plan = get_context(), PoolPlan(Pool.ACHIEVEMENT, achievement_features)
    with session_scope() as s:
        few = run(s, Pool.PROJECT, "vision_need", "need_achievements", world)
        assert all("主题相近" not in m.parts and "关联词" not in m.parts for m in few)  # two results: none
        record = s.get(Achievement, world.ids["vision_result"])
        found = assess(ctx, plan, MatchQuery(text="机器视觉"), [], Hit(record.id, 5.0, 0.9), SearchResult([], 0, [], 10.0),
                       record, [])
        key = (Pool.ACHIEVEMENT, record.id)
        near = neighbourhood(ctx, [found] * 7)
        assert near.topic == {key: 1.0} and near.seeds == {key} and near.best == record.name
        strength, shared = near.likeness[key]
        assert strength == pytest.approx(1.0) and "机器视觉" in shared  # worded exactly as itself
        pending = neighbourhood(ctx, [replace(found, semantic=None)] * 7)
        assert pending.topic == {} and near.likeness == pending.likeness  # no vectors: wording only
        assert neighbourhood(ctx, [found] * 6) == Neighbourhood()  # the best few would be all
        org = record.owner_org_id
        vision = ["基于深度学习的PCB焊点外观瑕疵识别系统", "注塑件划痕与污点的智能光学检测装置",
                  "锂电池极片表面瑕疵在线识别技术"]
        food = ["富硒大米深加工与营养保健产品开发", "高原牦牛乳发酵酸奶生产工艺", "柑橘果胶提取与果汁澄清技术"]
        added = {}
        for n, name in enumerate(vision + food):
            row = Achievement(name=name, description=name, owner_org_id=org, natural_key=f"n{n}", field="智能制造",
                              achievement_kind=AchievementKind.TECHNOLOGY)
            s.add(row)
            s.flush()
            added[name] = row.id
    rebuild_pool(ctx, Pool.ACHIEVEMENT)
    with session_scope() as s:
        matches = {m.id: m for m in run(s, Pool.PROJECT, "vision_need", "need_achievements", world, k=20)}
        near = [matches[added[n]].parts["主题相近"] for n in vision]
        far = [matches[added[n]].parts["主题相近"] for n in food if added[n] in matches]
        assert far and min(near) > max(far)
        # the best few are the seeds (no reason: they would resemble themselves); others say it
        ranked = sorted(matches.values(), key=lambda m: (-m.score, m.id))
        said = [any(r.startswith("与本次最匹配的几条结果主题相近") for r in m.reasons) for m in ranked]
        assert any(said) and all(m.detail["neighbour"] == pytest.approx(m.parts["主题相近"] / 100) for m in ranked)
        assert not said[0] and not any(r.startswith("与最佳匹配") for r in ranked[0].reasons)
        # the best match is scored as alike as its closest fellow, not as its own copy
        assert max(m.parts["关联词"] for m in ranked[1:]) <= ranked[0].parts["关联词"] < 100
        best = ranked[0].name
        # 深度学习 is in the best match, not in the need: the PCB result says it shares it
        pcb = matches[added[vision[0]]]
        assert f"与本次最匹配的「{best}」用词相近，都提到：深度学习" in pcb.reasons
        assert pcb.parts["关联词"] > max(matches[added[n]].parts["关联词"] for n in food if added[n] in matches)
