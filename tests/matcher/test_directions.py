"""Each direction on the small hand-built alliance: expected top results, reasons, filters."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data.db import session_scope
from data.enums import FeedbackAction, ProfTitle
from data.models import MODELS, Expert
from data.pools import Pool
from data.workflows.feedback import FeedbackError, feedback_summary, record_feedback
from indexer.context import get_context
from indexer.operations import rebuild_pool
from matcher.directions import REGISTRY, directions_for
from matcher.directions.common import DECLINE_PENALTY
from matcher.engine import Match, Viewer
from matcher.recommend import RecommendError, recommend
from tests.makers import make_expert
from tests.matcher.world import World, build_world, recommend_for

pytestmark = pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)


@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


def test_need_to_experts_with_conflict_of_interest_and_reasons(world: World) -> None:
    with session_scope() as s:
        matches = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world)
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
        # being busy is a condition, not a fit: it ranks down and is said as a note, never as a reason
        assert busy.score < top.score and "咨询状态：档期紧张，已降低排序" in busy.notes
        assert not any("档期" in r for r in busy.reasons)
        own = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world)
        assert [m.id for m in own] == [m.id for m in matches]  # deterministic


def test_need_to_results(world: World) -> None:
    with session_scope() as s:
        matches = recommend_for(s, Pool.PROJECT, "vision_need", "need_achievements", world)
        assert matches[0].id == world.ids["vision_result"]
        assert any("成熟度：中试" in r for r in matches[0].reasons)
        assert recommend_for(s, Pool.PROJECT, "ferment_need", "need_achievements", world)[0].id == world.ids["ferment_result"]


def test_result_to_enterprises_through_open_needs(world: World) -> None:
    with session_scope() as s:
        matches = recommend_for(s, Pool.ACHIEVEMENT, "ferment_result", "achievement_enterprises", world)
        assert matches[0].id == world.ids["food"] and matches[0].pool is Pool.ORGANIZATION
        assert any("需求「酱油发酵周期缩短」" in r for r in matches[0].reasons)
        assert not any("菌种改良" in r for r in matches[0].reasons)  # its deadline passed



def test_an_organization_the_viewer_may_not_see_is_not_offered(world: World) -> None:
    """Its public need matches, but its profile is 会员可见: an outsider is not sent to a page
    that will not open for them; a member is offered it."""
    from data.enums import Visibility
    from data.models import Organization

    with session_scope() as s:
        food = s.get(Organization, world.ids["food"])
        assert food is not None
        food.visibility = Visibility.MEMBERS
    with session_scope() as s:
        outsider = recommend_for(s, Pool.ACHIEVEMENT, "ferment_result", "achievement_enterprises", world, viewer=Viewer())
        member = recommend_for(s, Pool.ACHIEVEMENT, "ferment_result", "achievement_enterprises", world,
                               viewer=Viewer(member=True))
    assert world.ids["food"] not in [m.id for m in outsider]
    assert member[0].id == world.ids["food"]


def test_open_agreements_count_as_load(world: World) -> None:
    """An expert in as many open 合作记录 as the limit is ranked down and says why; closing them
    lifts it."""
    from data.enums import AgreementKind, AgreementStatus
    from data.models import Agreement

    with session_scope() as s:
        s.add_all(Agreement(kind=AgreementKind.CONSULTING, title=f"咨询{i}", enterprise_id=world.ids["food"],
                            partner_id=world.ids["gz_college"], person_pool="expert", person_id=world.ids["vision_expert"],
                            person_name="陈视觉") for i in range(3))
    with session_scope() as s:
        busy = next(m for m in recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world)
                    if m.pool is Pool.EXPERT and m.id == world.ids["vision_expert"])
        assert any("当前已有 3 项在进行的合作" in n for n in busy.notes)
        for agreement in s.scalars(select(Agreement)):
            agreement.status = AgreementStatus.CLOSED
    with session_scope() as s:
        free = next(m for m in recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world)
                    if m.pool is Pool.EXPERT and m.id == world.ids["vision_expert"])
        assert not free.notes and free.score > busy.score

def test_enterprise_and_college(world: World) -> None:
    with session_scope() as s:
        assert recommend_for(s, Pool.ORGANIZATION, "maker", "enterprise_colleges", world)[0].id == world.ids["gz_college"]
        assert recommend_for(s, Pool.ORGANIZATION, "food", "enterprise_colleges", world)[0].id == world.ids["cq_college"]
        assert recommend_for(s, Pool.ORGANIZATION, "cq_college", "college_enterprises", world)[0].id == world.ids["food"]
        with pytest.raises(RecommendError, match="不适用"):
            recommend_for(s, Pool.ORGANIZATION, "maker", "college_enterprises", world)


def test_internship_and_student_both_sides_must_fit(world: World) -> None:
    with session_scope() as s:
        matches = recommend_for(s, Pool.INTERNSHIP, "post", "internship_talents", world)
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
        back = recommend_for(s, Pool.TALENT, "fit_student", "talent_internships", world)
        assert back[0].id == world.ids["post"] and "岗位未结束且有名额" in back[0].passed


def test_teacher_and_enterprise(world: World) -> None:
    with session_scope() as s:
        course = recommend_for(s, Pool.PROJECT, "course_need", "course_teachers", world)
        assert [m.id for m in course] == [world.ids["mentor"]]  # only enterprise part-time teachers
        practice = recommend_for(s, Pool.TEACHER, "plc_teacher", "teacher_enterprises", world)
        assert practice[0].id == world.ids["maker"]


def test_visibility_filter_for_outsiders(world: World) -> None:
    with session_scope() as s:
        outsider = Viewer(org_id=world.ids["food"], member=False)
        assert recommend_for(s, Pool.INTERNSHIP, "post", "internship_talents", world, viewer=outsider) == []
        member = Viewer(org_id=world.ids["food"], member=True)
        assert recommend_for(s, Pool.INTERNSHIP, "post", "internship_talents", world, viewer=member)


def test_feedback_hides_rejected_and_ranks_down_busy(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as s:
        first = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u1")[0]
        record_feedback(s, actor="u1", direction="need_experts", source_pool=Pool.PROJECT,
                        source_id=world.ids["vision_need"], target_pool=first.pool, target_id=first.id,
                        action="不合适", reason="地区太远")
        after = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u1")
        assert (first.pool, first.id) not in [(m.pool, m.id) for m in after]
        other_user = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world, actor="u2")
        assert (other_user[0].pool, other_user[0].id) == (first.pool, first.id)

        monkeypatch.setenv("MATCH_MAX_ENGAGEMENTS", "1")
        for source in ("vision_need", "ferment_need"):
            record_feedback(s, actor="u3", direction="need_experts", source_pool=Pool.PROJECT, source_id=world.ids[source],
                            target_pool=Pool.EXPERT, target_id=world.ids["vision_expert"], action=FeedbackAction.COOPERATED)
        ranked = recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world)
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


def test_the_search_box_scores_keyword_queries_like_recommendations(world: World) -> None:
    from indexer.search import Filters
    from matcher.find import find

    with session_scope() as s:
        plain = find(get_context(), Pool.ACHIEVEMENT, "表面缺陷 视觉检测", Filters(), 1, 5)
        keyed = find(get_context(), Pool.ACHIEVEMENT, "表面缺陷 视觉检测", Filters(), 1, 5, s)
    assert keyed.items[0].hit.id == plain.items[0].hit.id == world.ids["vision_result"]
    assert keyed.items[0].score > plain.items[0].score  # both keywords whole: a higher text score


def test_people_like_those_an_organization_declined_rank_lower(world: World) -> None:
    def ranked(**kw: object) -> dict[tuple[Pool, int], Match]:
        with session_scope() as s:
            return {(m.pool, m.id): m for m in recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world, **kw)}

    def decline(target: str, reason: str, source: str = "vision_need") -> None:
        with session_scope() as s:
            record_feedback(s, actor="u9", direction="need_experts", source_pool=Pool.PROJECT, source_id=world.ids[source],
                            target_pool=Pool.EXPERT, target_id=world.ids[target], action="不合适", reason=reason)

    busy, near = (Pool.EXPERT, world.ids["busy_expert"]), (Pool.EXPERT, world.ids["vision_expert"])
    busy_note = "咨询状态：档期紧张，已降低排序"  # their own condition, whoever asks
    before = ranked()
    decline("ferment_expert", "地区太远")  # 重庆, the need is in 广州
    assert ranked() == before  # one decline teaches nothing
    decline("ferment_expert", "地区太远", source="ferment_need")  # the food company's own need: not the maker's
    assert ranked() == before
    decline("busy_expert", "地区太远")
    after = ranked()
    assert after[busy].score == pytest.approx(before[busy].score * DECLINE_PENALTY)
    assert after[busy].notes == [busy_note, "需求方曾以「地区太远」谢绝 2 位人选，广东省以外的人选已降低排序"]
    assert after[near].score == pytest.approx(before[near].score) and not after[near].notes
    # What the maker declined is its own business: its users and staff rank by it, nobody else.
    assert ranked(viewer=Viewer(org_id=world.ids["maker"], member=True))[busy].notes == after[busy].notes
    for outsider in (Viewer(), Viewer(org_id=world.ids["food"], member=True)):
        assert ranked(viewer=outsider)[busy].notes == [busy_note]
    # Declined again for another reason: the latest word counts. People without a 正高 title
    # rank lower now, a professor is spared, and distance no longer counts.
    with session_scope() as s:
        expert = s.get(Expert, world.ids["vision_expert"])
        assert expert is not None
        expert.prof_title = ProfTitle.PROFESSOR
    decline("ferment_expert", "资历不够")
    decline("busy_expert", "资历不够")
    last = ranked()
    assert last[busy].notes == [busy_note, "需求方曾以「资历不够」谢绝 2 位人选，非正高职称的人选已降低排序"]
    assert last[busy].score == pytest.approx(before[busy].score * DECLINE_PENALTY)
    assert not last[near].notes


def test_every_direction_recommends_only_the_pools_it_declares(world: World) -> None:
    """Feedback is refused for a pool a direction does not declare (``Direction.targets``), so a
    declaration that missed a pool its ranking returns would refuse every feedback on it."""
    seen: dict[str, set[Pool]] = {}
    with session_scope() as s:
        for pool in Pool:
            for record in s.scalars(select(MODELS[pool]).order_by(MODELS[pool].id)):
                for direction in directions_for(record):
                    for m in recommend(s, get_context(), pool, record.id, direction.key, k=20):
                        assert m.pool in direction.targets, (direction.key, record.name, m.pool)
                        seen.setdefault(direction.key, set()).add(m.pool)
    assert set(seen) == set(REGISTRY), set(REGISTRY) - set(seen)  # the world asks every direction
    assert seen["need_experts"] == {Pool.EXPERT, Pool.TEACHER}


def test_a_person_is_found_and_explained_by_the_work_closest_to_the_need(world: World) -> None:
    """A profile listing many works is about each of them: the one the need is about lifts the
    person, and the page names it."""
    works = ["城市轨道交通客流预测模型", "冲压零件表面划痕的机器视觉在线检测系统", "高校图书馆读者服务满意度调查"]
    with session_scope() as s:
        listed = make_expert(s, world.ids["cq_college"], "周多面", natural_key="e-works", field="综合",
                             description="；".join(works)).id
        blurred = make_expert(s, world.ids["cq_college"], "吴综合", natural_key="e-blur", field="综合",
                              description="从事城市轨道交通、图书馆服务与零件检测等方面的研究").id
    rebuild_pool(get_context(), Pool.EXPERT)
    with session_scope() as s:
        matches = {m.id: m for m in recommend_for(s, Pool.PROJECT, "vision_need", "need_experts", world, k=50)
                   if m.pool is Pool.EXPERT}
    person = matches[listed]
    assert "代表作相近" in person.parts and person.parts["代表作相近"] >= 50
    assert f"代表作「{works[1]}」与所需内容相近（{person.parts['代表作相近']:.0f}/100）" in person.reasons
    assert person.score > matches[blurred].score  # the same words, blurred into one text
    assert "代表作相近" not in matches[world.ids["vision_expert"]].parts  # one work: the body is it
