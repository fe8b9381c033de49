"""matcher/engine.py: the neighbourhood of the best matches (on the small hand-built alliance),
and the keywords a query is scored by."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest

import matcher.engine
from data.db import session_scope
from data.enums import AchievementKind, Availability, EducationLevel, JobKind
from data.models import Achievement, Expert, Internship, Talent, Teacher
from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool
from indexer.search import Hit, SearchResult
from matcher.directions.common import SCHEDULE_WEIGHT, achievement_features, person_features
from matcher.directions.internship_talents import talent_features
from matcher.engine import (TWO_SIDED_CHANNELS, WISHED_BY_MEANING, Feature, Neighbourhood, PoolPlan, _two_sided, assess,
                            keyword_share, neighbourhood, one_list, query_keywords)
from matcher.query import Facets, MatchQuery
from matcher.scoring import WEIGHTS
from tests.matcher.world import World, build_world, recommend_for

@pytest.fixture
def world(live_db: str) -> World:
    return build_world()


def test_a_typed_keyword_list_is_scored_by_its_keywords_a_stored_record_by_none() -> None:
    assert query_keywords(MatchQuery(text="表面缺陷 视觉检测")) == ["表面缺陷", "视觉检测"]
    assert query_keywords(MatchQuery(text="表面缺陷 视觉检测", semantic_kind="passage")) == []  # a stored record's text
    assert query_keywords(MatchQuery(text="需要对冲压零件表面划痕进行检测")) == []  # a sentence, not a list


def test_the_share_of_keywords_found_verbatim_in_a_record() -> None:
    record = Achievement(name="一种金属表面缺陷的机器视觉检测方法", description="利用深度学习对冲压件表面划痕进行在线检测")
    facets = Facets(fields=[], tags=["缺陷检测"], region_code=None, org_id=None)
    found, share = keyword_share(["表面缺陷", "视觉检测", "区块链"], record, facets)
    assert found == ["表面缺陷", "视觉检测"] and share == pytest.approx(2 / 3)
    assert keyword_share([], record, facets) == ([], None)


@pytest.mark.parametrize("live_db", ["sqlite"], indirect=True)
def test_the_neighbourhood_of_the_best_matches(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each candidate is also scored by what the best few matches say of it: results on the
    vision need's topic, worded otherwise, score higher there than food results, and records
    worded like the best match say which words they share. With only a few candidates (the
    best few would be all of them) there is none; without vectors, only the wording. (The
    topic and the likeness are measured when they count: here each is given a weight, whatever
    the product's is.)"""
    monkeypatch.setattr(matcher.engine, "WEIGHTS", replace(matcher.engine.WEIGHTS, topic=0.15, likeness=0.25))

    ctx, plan = get_context(), PoolPlan(Pool.ACHIEVEMENT, achievement_features)
    with session_scope() as s:
        few = recommend_for(s, Pool.PROJECT, "vision_need", "need_achievements", world)
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
        matches = {m.id: m for m in recommend_for(s, Pool.PROJECT, "vision_need", "need_achievements", world, k=20)}
        near = [matches[added[n]].parts["主题相近"] for n in vision]
        far = [matches[added[n]].parts["主题相近"] for n in food if added[n] in matches]
        assert far and min(near) > max(far)
        # the best few are the seeds (no reason: they would resemble themselves); others say it
        ranked = sorted(matches.values(), key=lambda m: (-m.score, m.id))
        said = [any(r.startswith("与本次最匹配的几条结果主题相近") for r in m.reasons) for m in ranked]
        assert any(said) and all(m.detail["neighbour"] == pytest.approx(m.parts["主题相近"] / 100) for m in ranked)
        # ... but only the closest of them: a centroid is near most records, and a reason every
        # candidate gives tells nothing
        assert sum(said) <= len(ranked) // 4 + 1, [(m.name, m.parts["主题相近"]) for m in ranked]
        assert not said[0] and not any(r.startswith("与最佳匹配") for r in ranked[0].reasons)
        # the best match is scored as alike as its closest fellow, not as its own copy
        assert max(m.parts["关联词"] for m in ranked[1:]) <= ranked[0].parts["关联词"] < 100
        best = ranked[0].name
        # 深度学习 is in the best match, not in the need: the PCB result says it shares it
        pcb = matches[added[vision[0]]]
        assert f"与本次最匹配的「{best}」用词相近，都提到：深度学习" in pcb.reasons
        assert pcb.parts["关联词"] > max(matches[added[n]].parts["关联词"] for n in food if added[n] in matches)


def test_a_student_wish_compared_by_characters_alone_does_not_sink_a_close_post() -> None:
    """The student's side of a two-sided fit counts how close the post is in meaning beside
    their wishes: an expected role sharing no characters with the post's name (「数控车工」 for
    「CNC操作实习生」) no longer makes the student's side nought, while a city they do not want
    still lowers it."""
    role = Feature("岗位意向", 0.0, 0.7, side="student")
    parts: dict[str, float] = {}
    close = _two_sided(0.8, [role], parts, 0.0)
    assert parts["学生意愿"] == pytest.approx(100 * 0.8 * WISHED_BY_MEANING / (0.7 + WISHED_BY_MEANING))
    assert close > 0.3
    far = _two_sided(0.2, [role], {}, 0.0)
    assert far < close
    unwanted_city = _two_sided(0.8, [role, Feature("城市", 0.0, 1.0, side="student")], {}, 0.0)
    wanted_city = _two_sided(0.8, [role, Feature("城市", 1.0, 1.0, side="student")], {}, 0.0)
    assert unwanted_city < close < wanted_city


def test_a_two_sided_score_counts_where_both_channels_rank_the_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beside the two sides' fit, the words' and the meaning's plain reciprocal-rank fusion
    takes ``TWO_SIDED_CHANNELS`` of the score: of two students the two sides fit alike, the
    one both channels put first ranks above the one they put 40th, and the page shows it."""
    ctx = SimpleNamespace(embedder=SimpleNamespace(backend="e5"))
    post = Internship(name="数控车床操作实习生", skills=["CNC"], majors=[], tags=[], job_kind=JobKind.INTERNSHIP)
    query = MatchQuery(text="数控车床操作实习生", source=post)
    student = Talent(name="张同学", major="数控技术", level=EducationLevel.BACHELOR, skills=["CNC"], certificates=[], tags=[],
                     expected_role="数控车工")
    plan = PoolPlan(Pool.TALENT, talent_features)
    found = {}
    for rank in (1, 40):
        hit = Hit(1, 5.0, 0.9, lexical_rank=rank, semantic_rank=rank)
        found[rank] = assess(ctx, plan, query, [], hit, SearchResult([hit], 1, ["数控"], 10.0), student, [])  # type: ignore[arg-type]
    assert found[1].channels == pytest.approx(1.0) and found[40].channels == pytest.approx((WEIGHTS.two_sided_k + 1) / (WEIGHTS.two_sided_k + 40))
    text = found[1].text  # scored with one text score, the two differ only by the channels' ranks
    gap = found[1].score(text, {}) - found[40].score(text, {})
    assert gap == pytest.approx(TWO_SIDED_CHANNELS * (1 - (WEIGHTS.two_sided_k + 1) / (WEIGHTS.two_sided_k + 40)))
    parts: dict[str, float] = {}
    found[40].score(found[40].text, parts)
    assert parts["检索排名"] == pytest.approx(100 * found[40].channels)
    monkeypatch.setattr(matcher.engine, "TWO_SIDED_CHANNELS", 0.0)
    assert found[1].score(text, {}) == pytest.approx(found[40].score(text, {}))  # without the share, alike


def test_a_persons_time_is_a_condition_that_ranks_down_not_a_fit_that_lifts() -> None:
    """An expert's availability (always stated) and a teacher's hours (often not) do not make
    one pool score above the other for the same text; a paused expert ranks lower."""
    ctx = SimpleNamespace(embedder=SimpleNamespace(backend="e5"))
    query = MatchQuery(text="机器视觉缺陷检测")
    people = {"available": Expert(name="甲", availability=Availability.AVAILABLE, research_areas=[]),
              "paused": Expert(name="乙", availability=Availability.PAUSED, research_areas=[]),
              "teacher": Teacher(name="丙", hours_available=None, skills=[], courses=[]),
              "teacher_without_hours": Teacher(name="丁", hours_available=0, skills=[], courses=[])}
    first = {}
    for key, record in people.items():
        plan = PoolPlan(Pool.EXPERT if isinstance(record, Expert) else Pool.TEACHER, person_features)
        hit = Hit(1, 5.0, 0.9, lexical_rank=1, semantic_rank=1)
        first[key] = assess(ctx, plan, query, [], hit, SearchResult([hit], 1, ["视觉"], 10.0), record, []).first  # type: ignore[arg-type]
    assert first["available"] == first["teacher"] > 0
    assert first["paused"] == first["teacher_without_hours"] == pytest.approx(first["teacher"] * (1 - SCHEDULE_WEIGHT))


def test_several_pools_asked_at_once_are_ranked_as_one_list_in_each_channel() -> None:
    """need → experts asks 专家库 and 师资库 at once: a channel's rank is the candidate's place
    among both pools' hits (by BM25 over its pool's ceiling, and by cosine), so a pool's first
    does not earn the first place's rank credit when the other pool's first is better."""
    experts = SearchResult([Hit(1, 8.0, 0.90, lexical_rank=1, semantic_rank=1),
                            Hit(2, 4.0, 0.80, lexical_rank=2, semantic_rank=2)], 2, ["视觉"], 10.0)
    teachers = SearchResult([Hit(1, 4.5, 0.85, lexical_rank=1, semantic_rank=1),
                             Hit(2, 0.0, 0.70, semantic_rank=2)], 1, ["视觉"], 5.0)
    one_list([experts, teachers])
    assert [(h.lexical_rank, h.semantic_rank) for h in experts.hits] == [(2, 1), (3, 3)]
    assert [(h.lexical_rank, h.semantic_rank) for h in teachers.hits] == [(1, 2), (None, 4)]
